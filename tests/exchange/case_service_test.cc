// CaseService through its real parts: the example covenant, a
// real audit log and case store (SQLCipher files in a temp dir); fake time
// only. And its pure parts: the follow-up plan's calendar and the figures'
// suppression.
#include "exchange/case_service.h"

#include <gtest/gtest.h>

#include "exchange/follow_up.h"
#include "exchange/suppression.h"
#include "tests/exchange/exchange_fixture.h"

namespace vh::exchange {
namespace {

using testing::SyntheticBsn;

Date D(const char* s) { return *ParseDate(s); }

TEST(FollowUpPlanTest, MonthsAreCalendarMonthsClampedToTheMonthsEnd) {
  EXPECT_EQ(FormatDate(AddMonths(D("2026-01-31"), 1)), "2026-02-28");
  EXPECT_EQ(FormatDate(AddMonths(D("2028-01-31"), 1)), "2028-02-29");
  EXPECT_EQ(FormatDate(AddMonths(D("2026-11-30"), 3)), "2027-02-28");
  EXPECT_EQ(FormatDate(AddMonths(D("2026-05-31"), -3)), "2026-02-28");
  EXPECT_EQ(FormatDate(AddDays(D("2026-12-28"), 7)), "2027-01-04");
}

TEST(FollowUpPlanTest, FourMomentsAfterTheFirstDecisionAndOneBeforeRelease) {
  store::CaseRecord c;
  c.created_at = "2026-11-20T10:00:00.000Z";
  c.release_date = "2027-01-15";
  std::vector<store::CaseOutcomeRecord> outcomes = {
      {"c", "m2", "focusoverleg", 0, "focus", "2026-12-10T09:00:00.000Z"},
      {"c", "m1", "briefing", 0, "focus", "2026-11-23T09:00:00.000Z"}};
  std::vector<store::FollowUpRecord> done = {
      {"c", "2026-11-30", "1-week", "2026-11-30T10:00:00.000Z", "cn", "gesproken"}};
  const auto plan = FollowUpPlan(c, outcomes, done, D("2026-12-01"));
  ASSERT_EQ(plan.size(), 5u);
  // Before release: 2026-10-15 lies before the case's first day.
  EXPECT_EQ(plan[0].due, "2026-11-20");
  EXPECT_EQ(plan[0].kind, FollowUpKind::kBeforeRelease);
  EXPECT_EQ(plan[0].state, FollowUpState::kDue);
  EXPECT_EQ(plan[1].due, "2026-11-30");
  EXPECT_EQ(plan[1].state, FollowUpState::kDone);
  EXPECT_EQ(plan[1].outcome, "gesproken");
  EXPECT_EQ(plan[2].due, "2026-12-23");
  EXPECT_EQ(plan[2].state, FollowUpState::kPlanned);
  EXPECT_EQ(plan[3].due, "2027-02-23");
  EXPECT_EQ(plan[4].due, "2027-05-23");
  EXPECT_TRUE(FollowUpPlan(store::CaseRecord(), {}, {}, D("2026-12-01")).empty());
}

TEST(SuppressionTest, SmallCountsAndTheTotalsThatWouldRevealThem) {
  using Shown = Cell::Shown;
  EXPECT_EQ(PublishCount(0), (Cell{Shown::kBelowFive, 0}));
  EXPECT_EQ(PublishCount(4), (Cell{Shown::kBelowFive, 0}));
  EXPECT_EQ(PublishCount(5), (Cell{Shown::kExact, 5}));
  // All shown: the exact total.
  auto g = PublishPopulation({{{"a", 7}, {"b", 5}}});
  EXPECT_EQ(g[0].total, (Cell{Shown::kExact, 12}));
  // One small cell: the total would give it away; only a lower bound.
  g = PublishPopulation({{{"a", 7}, {"b", 3}}});
  EXPECT_EQ(g[0].cells[1].second, (Cell{Shown::kBelowFive, 0}));
  EXPECT_EQ(g[0].total, (Cell{Shown::kAtLeast, 7}));
  // Two partitions of one population: a small cell in one withholds the
  // total of both (else it could be subtracted from the other's total).
  g = PublishPopulation({{{"a", 7}, {"b", 6}}, {{"Leiden", 12}, {"overig", 1}}});
  EXPECT_EQ(g[0].total, (Cell{Shown::kAtLeast, 13}));
  EXPECT_EQ(g[1].total, (Cell{Shown::kAtLeast, 12}));
  // A small population: everything "< 5".
  g = PublishPopulation({{{"a", 2}, {"b", 1}}});
  EXPECT_EQ(g[0].total, (Cell{Shown::kBelowFive, 0}));
}

class CaseServiceTest : public testing::ExchangeFixture {
 protected:
  CaseServiceTest() : ExchangeFixture("vh_cases") {}

  CaseService& svc() { return service_->cases(); }

  static Notify Detention(int seed, const std::string& release, const std::string& gemeente) {
    Notify n;
    n.identity = {{"persoon.bsn", SyntheticBsn(seed)},
                  {"persoon.naam", "Synthetisch " + std::to_string(seed)}};
    n.category = "detentie";
    n.reason = "Synthetisch: detentie";
    n.release_date = release;
    n.municipality = gemeente;
    return n;
  }
  // A notification about the person of BSN seed `seed` (the BSN only).
  static Notify Notice(int seed, const std::string& category, const std::string& reason) {
    Notify n;
    n.identity = {{"persoon.bsn", SyntheticBsn(seed)}};
    n.category = category;
    n.reason = reason;
    return n;
  }
  // A two-hour briefing from now whose subject S1 (the BSN of `seed`) is
  // discussed for `case_id`.
  exchange::CreateMeeting BriefingFor(const std::optional<std::string>& case_id, int seed) {
    exchange::CreateMeeting m;
    m.overlegvorm = "briefing";
    m.title = "Briefing";
    m.starts_at = clock_.Now();
    m.ends_at = clock_.Now() + std::chrono::hours(2);
    m.subjects = {
        {"S1", {{"persoon.bsn", SyntheticBsn(seed)}}, "", std::nullopt, std::nullopt, case_id}};
    return m;
  }
};

TEST_F(CaseServiceTest, ASecondDetentionNoticeJoinsTheOpenNazorgCaseByBsnOnly) {
  auto first = svc().Notify(Supplier("dji"), Detention(1, "2027-06-01", "Gouda"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->status, NotificationState::kTriaged);
  auto second = svc().Notify(Supplier("dji"), Detention(1, "2027-03-01", "Gouda"));
  ASSERT_TRUE(second.ok());
  auto cases = svc().ListCases(Coordinator(), CaseFilter::kOpen);
  ASSERT_TRUE(cases.ok());
  ASSERT_EQ(cases->size(), 1u);
  const Case& k = (*cases)[0];
  EXPECT_EQ(k.kind, CaseKind::kNazorg);
  EXPECT_EQ(k.routed_to, "gemeente-gouda");
  EXPECT_EQ(k.release_date, "2027-03-01");  // the latest notice's
  EXPECT_EQ(k.notifications.size(), 2u);
  // Without a BSN: a case of its own (a name is never enough to merge).
  Notify by_name = Detention(1, "2027-03-01", "Gouda");
  by_name.identity = {{"persoon.naam", "Synthetisch 1"}, {"persoon.geboortedatum", "1980-01-01"}};
  ASSERT_TRUE(svc().Notify(Supplier("dji"), by_name).ok());
  EXPECT_EQ(svc().ListCases(Coordinator(), CaseFilter::kOpen)->size(), 2u);
  // A municipality no gemeente of the covenant has: routed to nobody.
  ASSERT_TRUE(svc().Notify(Supplier("dji"), Detention(2, "2027-03-01", "Utrecht")).ok());
  auto all = svc().ListCases(Coordinator(), CaseFilter::kAll);
  int utrecht = 0;
  for (const Case& c : *all) {
    if (c.municipality != "Utrecht") continue;
    ++utrecht;
    EXPECT_FALSE(c.routed_to.has_value());
  }
  EXPECT_EQ(utrecht, 1);
  EXPECT_EQ(CountEvents(audit::kCaseCreated), 3);
  EXPECT_EQ(CountEvents(audit::kCaseUpdated), 1);
}

TEST_F(CaseServiceTest, CheckNotificationStoresAndRecordsNothing) {
  const int events = CountEvents(audit::kNotificationReceived);
  Notify bad = Detention(3, "2027-01-01", "Leiden");
  bad.identity["persoon.bsn"] = "123456789";
  EXPECT_EQ(svc().CheckNotification(Supplier("dji"), bad).reason(), "invalid_bsn");
  EXPECT_TRUE(svc().CheckNotification(Supplier("dji"), Detention(3, "2027-01-01", "Leiden")).ok());
  EXPECT_EQ(svc()
                .CheckNotification(Participant("woningcorporatie"), Detention(3, "2027-01-01", ""))
                .reason(),
            "not_signatory");
  EXPECT_EQ(CountEvents(audit::kNotificationReceived), events);
  EXPECT_EQ(CountEvents(audit::kAccessRefused), 0);
  EXPECT_TRUE(svc().ListNotifications(Coordinator(), NotificationFilter::kAll)->empty());
}

TEST_F(CaseServiceTest, ARestrictedCaseIsNeverKnownToACheckNorCounted) {
  auto id =
      svc().Notify(Participant("politie"), Notice(4, "radicalisering", "Synthetisch: signalen"));
  ASSERT_TRUE(id.ok());
  auto known = svc().Check(Supplier("politie"), {SyntheticBsn(4)});
  ASSERT_TRUE(known.ok());
  EXPECT_FALSE(known->known);
  Triage t;
  t.overlegvorm = "radicalisering";
  auto triaged = svc().Triage(Coordinator(), id->id, t);
  ASSERT_TRUE(triaged.ok()) << triaged.status().ToString();
  EXPECT_FALSE(svc().Check(Supplier("politie"), {SyntheticBsn(4)})->known);
  // Only the circle's coordinators see the case.
  audit::Actor outside = Coordinator();
  outside.cn = "Informatiecoordinator-O";
  EXPECT_EQ(svc().GetCase(outside, *triaged->case_id).status().reason(), "not_in_circle");
  EXPECT_TRUE(svc().ListCases(outside, CaseFilter::kAll)->empty());
  EXPECT_TRUE(svc().ListNotifications(outside, NotificationFilter::kAll)->empty());
  EXPECT_TRUE(svc().GetCase(Coordinator(), *triaged->case_id).ok());
  auto f = svc().Statistics(Coordinator(), {D("2026-11-01"), D("2026-11-30")});
  ASSERT_TRUE(f.ok());
  for (const auto& [key, cell] : f->notifications_by_category.cells) {
    EXPECT_NE(key, "radicalisering");
  }
  EXPECT_EQ(f->cases_opened_by_kind.total.shown, Cell::Shown::kBelowFive);
}

TEST_F(CaseServiceTest, ARestrictedNotificationIsTheCirclesFromItsArrival) {
  auto id =
      svc().Notify(Participant("politie"), Notice(6, "radicalisering", "Synthetisch: signalen"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto overlast = svc().Notify(Participant("politie"), Notice(6, "overlast", "Synthetisch"));
  ASSERT_TRUE(overlast.ok());
  audit::Actor outside = Coordinator();
  outside.cn = "Informatiecoordinator-O";
  // Before any triage: not listed, not a match of the person's other
  // notification, not triaged nor read by a coordinator outside the circle.
  auto listed = svc().ListNotifications(outside, NotificationFilter::kAll);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, overlast->id);
  EXPECT_TRUE((*listed)[0].matches.empty());
  auto inside = svc().ListNotifications(Coordinator(), NotificationFilter::kAll);
  ASSERT_EQ(inside->size(), 2u);
  const int refused = CountEvents(audit::kAccessRefused);
  Triage t;
  EXPECT_EQ(svc().Triage(outside, id->id, t).status().reason(), "not_in_circle");
  EXPECT_EQ(svc().GetNotification(outside, id->id).status().reason(), "not_in_circle");
  // Nor put into the circle's overlegvorm by one outside it.
  t.overlegvorm = "radicalisering";
  EXPECT_EQ(svc().Triage(outside, overlast->id, t).status().reason(), "not_in_circle");
  EXPECT_EQ(CountEvents(audit::kAccessRefused), refused + 3);
  // Put on an agenda without an overlegvorm, its case is still restricted.
  auto triaged = svc().Triage(Coordinator(), id->id, Triage{});
  ASSERT_TRUE(triaged.ok()) << triaged.status().ToString();
  EXPECT_EQ(svc().GetCase(outside, *triaged->case_id).status().reason(), "not_in_circle");
  EXPECT_TRUE(svc().GetCase(Coordinator(), *triaged->case_id).ok());
  // The notifier hears of it on the certificate that sent it and in the
  // circle; another certificate of the notifier does not.
  EXPECT_TRUE(svc().GetNotification(Participant("politie"), id->id).ok());
  audit::Actor colleague = Participant("politie");
  colleague.cn = "Wijkagent-X";
  EXPECT_EQ(svc().GetNotification(colleague, id->id).status().reason(), "not_in_circle");
  colleague.cn = "J.de-Vries";
  EXPECT_TRUE(svc().GetNotification(colleague, id->id).ok());
  // The ordinary notification stays everyone's in the house.
  EXPECT_TRUE(svc().GetNotification(outside, overlast->id).ok());
  EXPECT_EQ(CountEvents(audit::kAccessRefused), refused + 5);
}

TEST_F(CaseServiceTest, ANotificationOutsideACaseIsShreddedAfterItsRetention) {
  auto id = svc().Notify(Participant("politie"), Notice(5, "overlast", "Synthetisch: overlast"));
  ASSERT_TRUE(id.ok());
  Triage t;
  t.decision = TriageDecision::kNietAgenderen;
  ASSERT_TRUE(svc().Triage(Coordinator(), id->id, t).ok());
  audit::Actor system{"veiligheidshuis-hm", "system", "retention-sweep", "", "test"};
  auto run = service_->RunRetention(system);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->notifications.empty());
  clock_.Advance(std::chrono::hours(24 * 366));
  run = service_->RunRetention(system);
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->notifications.size(), 1u);
  auto f = svc().GetNotification(Participant("politie"), id->id);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->status, NotificationState::kShredded);
  EXPECT_FALSE(f->decision.has_value());
  auto stored = cases_->GetNotification(id->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->reason.empty());
  EXPECT_TRUE(stored->pseudonym.empty());
}

TEST_F(CaseServiceTest, TheNotifiersFeedbackIsTheFirstDecisionAfterItsTriage) {
  auto id = svc().Notify(Participant("politie"), Notice(6, "aanhouding", "Synthetisch"));
  auto t = svc().Triage(Coordinator(), id->id, Triage());
  ASSERT_TRUE(t.ok());
  auto meeting = [&](const std::string& decision) {
    auto created = service_->CreateMeeting(Coordinator(), BriefingFor(t->case_id, 6));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE(service_->Close(Coordinator(), created->id, {{{"S1", decision}}}).ok());
    clock_.Advance(std::chrono::hours(24));
  };
  meeting("advies");
  meeting("opschalen");
  auto f = svc().GetNotification(Participant("politie"), id->id);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->decision, "advies");
  EXPECT_EQ(f->decision_label, "Advies aan de melder");
  EXPECT_EQ(svc().GetCase(Coordinator(), *t->case_id)->outcomes.size(), 2u);
  // A closed case no meeting may name (409, recorded).
  ASSERT_TRUE(svc().CloseCase(Coordinator(), *t->case_id, {"klaar"}).ok());
  exchange::CreateMeeting m = BriefingFor(t->case_id, 6);
  EXPECT_EQ(service_->CreateMeeting(Coordinator(), m).status().reason(), "case_closed");
  m.subjects[0].case_id = "c-onbekend";
  auto unknown = service_->CreateMeeting(Coordinator(), m);
  EXPECT_EQ(unknown.status().reason(), "unknown_case");
  EXPECT_NE(unknown.status().message().find("/subjects/0/case"), std::string::npos);
}

}  // namespace
}  // namespace vh::exchange
