// CaseService through its real parts: the example covenant, a
// real audit log and case store (SQLCipher files in a temp dir); fake time
// only. And its pure parts: the follow-up plan's calendar and the figures'
// suppression.
#include "exchange/case_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "audit/audit_log.h"
#include "core/bsn.h"
#include "crypto/primitives.h"
#include "exchange/exchange_service.h"
#include "exchange/follow_up.h"
#include "exchange/suppression.h"
#include "policy/covenant.h"
#include "policy/loader.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

std::string SourceDir() {
  if (const char* d = std::getenv("VH_SOURCE_DIR")) return d;
  return (std::filesystem::path(__FILE__).parent_path() / ".." / "..").string();
}

// Made-up BSNs that pass the 11-proef (synthetic persons only).
std::string Bsn(int seed) {
  for (int n = 200000000 + seed * 7919;; ++n) {
    std::string s = std::to_string(n);
    if (IsValidBsn(s)) return s;
  }
}

audit::Actor Coordinator() {
  return {"veiligheidshuis-hm", "coordinator", "Informatiecoordinator-E", "fp-c", "127.0.0.1:1"};
}
audit::Actor Supplier(const std::string& p) { return {p, "supplier", p + "-system", "fp", "r"}; }
audit::Actor Participant(const std::string& p) {
  return {p, "participant", p + " professional", "fp", "r"};
}

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

class CaseServiceTest : public ::testing::Test {
 protected:
  CaseServiceTest() : clock_(*ParseUtc("2026-11-23T08:00:00Z")) {}

  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("vh_cases_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto c = policy::LoadCovenantFile(SourceDir() + "/examples/convenant.json", nullptr);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    audit::AuditLogOptions opts;
    opts.db_path = (dir_ / "audit.db").string();
    opts.checkpoint_path = (dir_ / "audit.checkpoints").string();
    auto a = audit::AuditLog::OpenWith(audit::AuditKeys::Random(), opts, clock_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    audit_ = std::move(*a);
    auto s = store::CaseStore::Open((dir_ / "cases.db").string(), crypto::SecretBytes::Random(32));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    cases_ = std::move(*s);
    std::shared_ptr<const policy::Covenant> cov = *c;
    exchange_ = std::make_unique<ExchangeService>([cov] { return cov; }, *audit_, *cases_, clock_);
  }
  void TearDown() override {
    exchange_.reset();
    cases_.reset();
    audit_.reset();
    std::filesystem::remove_all(dir_);
  }
  CaseService& svc() { return exchange_->cases(); }

  static Notify Detention(int seed, const std::string& release, const std::string& gemeente) {
    Notify n;
    n.identity = {{"persoon.bsn", Bsn(seed)},
                  {"persoon.naam", "Synthetisch " + std::to_string(seed)}};
    n.category = "detentie";
    n.reason = "Synthetisch: detentie";
    n.release_date = release;
    n.municipality = gemeente;
    return n;
  }
  int CountEvents(const std::string& type) {
    audit::QueryFilter f;
    f.type = type;
    f.chronological_all = true;
    auto p = audit_->Query(f);
    return p.ok() ? static_cast<int>(p->events.size()) : -1;
  }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<store::CaseStore> cases_;
  std::unique_ptr<ExchangeService> exchange_;
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
  Notify n;
  n.identity = {{"persoon.bsn", Bsn(4)}};
  n.category = "radicalisering";
  n.reason = "Synthetisch: signalen";
  auto id = svc().Notify(Participant("politie"), n);
  ASSERT_TRUE(id.ok());
  auto known = svc().Check(Supplier("politie"), {Bsn(4)});
  ASSERT_TRUE(known.ok());
  EXPECT_FALSE(known->known);
  Triage t;
  t.overlegvorm = "radicalisering";
  auto triaged = svc().Triage(Coordinator(), id->id, t);
  ASSERT_TRUE(triaged.ok()) << triaged.status().ToString();
  EXPECT_FALSE(svc().Check(Supplier("politie"), {Bsn(4)})->known);
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

TEST_F(CaseServiceTest, ANotificationOutsideACaseIsShreddedAfterItsRetention) {
  Notify n;
  n.identity = {{"persoon.bsn", Bsn(5)}};
  n.category = "overlast";
  n.reason = "Synthetisch: overlast";
  auto id = svc().Notify(Participant("politie"), n);
  ASSERT_TRUE(id.ok());
  Triage t;
  t.decision = TriageDecision::kNietAgenderen;
  ASSERT_TRUE(svc().Triage(Coordinator(), id->id, t).ok());
  audit::Actor system{"veiligheidshuis-hm", "system", "retention-sweep", "", "test"};
  auto run = exchange_->RunRetention(system);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->notifications.empty());
  clock_.Advance(std::chrono::hours(24 * 366));
  run = exchange_->RunRetention(system);
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
  Notify n;
  n.identity = {{"persoon.bsn", Bsn(6)}};
  n.category = "aanhouding";
  n.reason = "Synthetisch";
  auto id = svc().Notify(Participant("politie"), n);
  auto t = svc().Triage(Coordinator(), id->id, Triage());
  ASSERT_TRUE(t.ok());
  auto meeting = [&](const std::string& decision) {
    exchange::CreateMeeting m;
    m.overlegvorm = "briefing";
    m.title = "Briefing";
    m.starts_at = clock_.Now();
    m.ends_at = clock_.Now() + std::chrono::hours(2);
    m.subjects = {{"S1", {{"persoon.bsn", Bsn(6)}}, "", std::nullopt, std::nullopt, t->case_id}};
    auto created = exchange_->CreateMeeting(Coordinator(), m);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE(exchange_->Close(Coordinator(), created->id, {{{"S1", decision}}}).ok());
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
  exchange::CreateMeeting m;
  m.overlegvorm = "briefing";
  m.title = "Briefing";
  m.starts_at = clock_.Now();
  m.ends_at = clock_.Now() + std::chrono::hours(2);
  m.subjects = {{"S1", {{"persoon.bsn", Bsn(6)}}, "", std::nullopt, std::nullopt, t->case_id}};
  EXPECT_EQ(exchange_->CreateMeeting(Coordinator(), m).status().reason(), "case_closed");
  m.subjects[0].case_id = "c-onbekend";
  auto unknown = exchange_->CreateMeeting(Coordinator(), m);
  EXPECT_EQ(unknown.status().reason(), "unknown_case");
  EXPECT_NE(unknown.status().message().find("/subjects/0/case"), std::string::npos);
}

}  // namespace
}  // namespace vh::exchange
