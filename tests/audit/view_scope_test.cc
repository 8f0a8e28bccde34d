// What a partner's privacy officer reads of a dossier view
// and the events that name every supplier of a view: the supplier column
// and view_partners for each supplier, scoping as recipient and as supplier,
// views of the earlier form still found and verified; subjects without a
// BSN pseudonymised per meeting, and the report by meeting and ref.

#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "audit/audit_service.h"
#include "audit/audit_store.h"
#include "audit/event_index.h"
#include "crypto/hex.h"
#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {
using testing::OptionsIn;
using testing::TempDir;

class ViewScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    keys_ = AuditKeys::Random();
    auto log = AuditLog::OpenWith(keys_.Clone(), OptionsIn(dir_, 4), clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }
  // politie's view of one subject: om's value shown, reclassering's shown,
  // ggz's withheld from politie; as the exchange writes it.
  AppendRequest View(const std::string& recipient = "politie") {
    std::vector<FieldDecision> fields = {
        {"justitie.lopende_zaak", "disclosed", "B13", "presence", "", std::string(64, 'a')},
        {"justitie.lopend_toezicht", "disclosed", "B14", "full", "", std::string(64, 'b')},
        {"zorg.diagnose", "withheld", "", "", "recipient_not_allowed", ""},
        {"casus.bekend_bij_partner", "withheld", "", "", "client_present", ""}};
    auto set = MakeDecisionSet(fields, {"om", "reclassering", "ggz", "om"});
    Event e;
    e.type = kDossierDisclosed;
    e.actor = {recipient, "participant", "Iemand", "ff", "127.0.0.1:1"};
    e.meeting = "m-1";
    e.overlegvorm = "mda";
    e.covenant = {"vh", "1", std::string(64, 'c')};
    e.recipient = recipient;
    e.suppliers = {"om", "reclassering"};
    e.outcome = "ok";
    SubjectPart part;
    part.subject = "subj-1";
    part.set = set->hex;
    part.shown = 2;
    part.withheld = 2;
    e.parts.push_back(part);
    return AppendRequest::View(std::move(e), {set});
  }
  std::vector<StoredEvent> Query(QueryFilter f) {
    f.chronological_all = true;
    auto page = log_->Query(f);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->events : std::vector<StoredEvent>{};
  }

  TempDir dir_{"scope"};
  FakeClock clock_{testing::T0()};
  AuditKeys keys_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(ViewScopeTest, AViewNamesEverySupplierAndIsFoundByEach) {
  ASSERT_TRUE(log_->Append(View()).ok());
  Event e = View().events[0];
  EXPECT_EQ(SupplierColumn(e), "om reclassering");
  EXPECT_NE(EventBody(e).find(R"("suppliers":["om","reclassering"])"), std::string::npos);
  e.suppliers.clear();
  e.supplier = "om";
  EXPECT_EQ(SupplierColumn(e), "om") << "events without the list keep their form";
  EXPECT_EQ(EventBody(e).find("suppliers"), std::string::npos);
  // Filed under its meeting; view_partners names the meeting for each
  // partner of the view.
  EXPECT_EQ(EventIndexKeys(kDossierDisclosed, "politie", "m-1", "x", "om reclassering", "politie"),
            (std::vector<std::string>{"m:m-1"}));
  EXPECT_EQ(ViewPartners(kDossierDisclosed, "politie", "om reclassering", "politie"),
            (std::vector<std::string>{"politie", "om", "reclassering"}));
  EXPECT_TRUE(ViewPartners(kAnswerReceived, "politie", "om", "politie").empty());
  ASSERT_TRUE(log_->CheckpointNow().ok());  // the index covers it now
  for (const char* partner : {"om", "reclassering", "politie"}) {
    QueryFilter f;
    f.partner = partner;
    auto found = Query(f);
    ASSERT_EQ(found.size(), 1u) << partner;
    EXPECT_EQ(found[0].event.suppliers, (std::vector<std::string>{"om", "reclassering"}));
  }
  QueryFilter f;
  f.partner = "ggz";  // holds a value withheld: not a supplier of the view
  EXPECT_TRUE(Query(f).empty());
  auto rep = log_->Verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->intact) << rep->problem;
}

// A partner's views are found through the meetings view_partners names for
// it: each once, whether it received or supplied, before and after the index
// covers them, and not the views of its meetings it had no part in.
TEST_F(ViewScopeTest, APartnersViewsAreFoundThroughItsMeetingsOnceEach) {
  ASSERT_TRUE(log_->Append(View("politie")).ok());  // om and reclassering supply
  AppendRequest by_om = View("om");                 // om receives, reclassering supplies
  by_om.events[0].suppliers = {"reclassering"};
  ASSERT_TRUE(log_->Append(std::move(by_om)).ok());
  Event answer = testing::SampleEvent(1, "om");  // not a view: found by its p: keys
  answer.meeting = "m-1";
  ASSERT_TRUE(log_->Append(answer).ok());
  AppendRequest elsewhere = View("ggz");  // another meeting, om supplies
  elsewhere.events[0].meeting = "m-2";
  ASSERT_TRUE(log_->Append(std::move(elsewhere)).ok());
  auto seqs = [&](QueryFilter f) {
    std::vector<int64_t> out;
    for (const auto& e : Query(std::move(f))) out.push_back(e.seq);
    return out;
  };
  for (bool indexed : {false, true}) {
    if (indexed) {
      ASSERT_TRUE(log_->CheckpointNow().ok());
    }
    QueryFilter f;
    f.partner = "om";
    auto om = seqs(f);
    EXPECT_EQ(om.size(), 4u) << "indexed " << indexed;
    EXPECT_TRUE(std::is_sorted(om.begin(), om.end()));
    EXPECT_EQ(std::adjacent_find(om.begin(), om.end()), om.end()) << "each once";
    f.partner = "politie";  // received one view and acted in none of the others
    EXPECT_EQ(seqs(f).size(), 1u) << "indexed " << indexed;
    f.partner = "ggz";
    EXPECT_EQ(seqs(f).size(), 1u) << "only its own view, in m-2";
    f = QueryFilter{};
    f.scope_partner = "reclassering";  // supplied both views of m-1 and the answer
    EXPECT_EQ(seqs(f).size(), 4u);
  }
  auto rep = log_->Verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->intact) << rep->problem;
}

// Queries through several keys read the log in growing windows of seq: with
// small pages over a log where the partner's and the subject's views are
// sparse, paging crosses many windows, each indexed and in the unindexed
// tail, and must find each event once, in order.
TEST_F(ViewScopeTest, PagesThroughManyWindowsFindEachEventOnceInOrder) {
  std::vector<int64_t> om_views, subject_views;
  for (int i = 1; i <= 300; ++i) {
    if (i % 23 == 0) {
      AppendRequest v = View(i % 2 ? "politie" : "ggz");  // om supplies; subj-1
      v.events[0].meeting = "m-" + std::to_string(i % 5);
      ASSERT_TRUE(log_->Append(std::move(v)).ok());
      om_views.push_back(i);
      subject_views.push_back(i);
    } else {
      Event other = testing::SampleEvent(i, "politie");  // om takes no part
      other.meeting = "m-" + std::to_string(i % 5);
      other.subject = "subj-2";
      ASSERT_TRUE(log_->Append(other).ok());
    }
    if (i == 200) {
      ASSERT_TRUE(log_->CheckpointNow().ok());  // the index covers 1..200
    }
  }
  auto pages = [&](QueryFilter f) {
    std::vector<int64_t> seqs;
    f.limit = 2;
    for (int n = 0; n < 100; ++n) {
      auto page = log_->Query(f);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const auto& e : page->events) seqs.push_back(e.seq);
      if (page->next_cursor == 0) break;
      f.after_seq = page->next_cursor;
    }
    return seqs;
  };
  QueryFilter f;
  f.partner = "om";
  EXPECT_EQ(pages(f), om_views);
  f = QueryFilter{};
  f.scope_partner = "om";
  EXPECT_EQ(pages(f), om_views);
  f = QueryFilter{};
  f.subject = "subj-1";
  EXPECT_EQ(pages(f), subject_views);
  f.partner = "om";
  EXPECT_EQ(pages(f), subject_views);
}

TEST_F(ViewScopeTest, ARecipientsOfficerReadsWithheldFieldsWithoutTheirHolder) {
  ASSERT_TRUE(log_->Append(View()).ok());
  QueryFilter f;
  f.scope_partner = "politie";
  auto events = Query(f);
  ASSERT_EQ(events.size(), 1u);
  const SubjectPart& part = events[0].event.parts.at(0);
  ASSERT_EQ(part.fields.size(), 4u);
  EXPECT_EQ(part.from, (std::vector<std::string>{"om", "reclassering", "", ""}));
  EXPECT_EQ(EventToJson(events[0]).dump().find("ggz"), std::string::npos);
  // Narrowed to the subject, the same.
  f.subject = "subj-1";
  events = Query(f);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.detail["from"], Json::array({"om", "reclassering", "", ""}));
  // The house's officer reads everything.
  events = Query(QueryFilter{});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.parts.at(0).from[2], "ggz");
}

TEST_F(ViewScopeTest, ASuppliersOfficerReadsItsOwnEntriesOnly) {
  ASSERT_TRUE(log_->Append(View()).ok());
  QueryFilter f;
  f.scope_partner = "om";
  auto events = Query(f);
  ASSERT_EQ(events.size(), 1u);
  const Event& e = events[0].event;
  EXPECT_EQ(e.suppliers, std::vector<std::string>{"om"});
  ASSERT_EQ(e.parts.size(), 1u);
  EXPECT_EQ(e.parts[0].from, (std::vector<std::string>{"om", "om"}));
  EXPECT_EQ(e.parts[0].fields[0].field, "justitie.lopende_zaak");
  EXPECT_EQ(e.parts[0].fields[1].decision, "withheld") << "its own withheld entry";
  EXPECT_EQ(e.parts[0].shown, 1);
  EXPECT_EQ(e.parts[0].withheld, 1);
  const std::string dumped = EventToJson(events[0]).dump();
  EXPECT_EQ(dumped.find("reclassering"), std::string::npos);
  EXPECT_EQ(dumped.find("lopend_toezicht"), std::string::npos);
  // ggz supplied nothing the view showed: it does not see the view.
  f.scope_partner = "ggz";
  EXPECT_TRUE(Query(f).empty());
}

TEST_F(ViewScopeTest, ViewsOfTheEarlierFormAreStillFoundAndVerify) {
  // A view of the earlier form: one supplier, no list.
  AppendRequest earlier = View();
  earlier.events[0].suppliers.clear();
  earlier.events[0].supplier = "om";
  ASSERT_TRUE(log_->Append(std::move(earlier)).ok());
  ASSERT_TRUE(log_->Append(View()).ok());
  ASSERT_TRUE(log_->CheckpointNow().ok());
  QueryFilter f;
  f.partner = "om";
  EXPECT_EQ(Query(f).size(), 2u);
  f = {};
  f.partner = "reclassering";
  EXPECT_EQ(Query(f).size(), 1u);
  f = {};
  f.scope_partner = "om";
  auto scoped = Query(f);
  ASSERT_EQ(scoped.size(), 2u);
  for (const auto& se : scoped) EXPECT_EQ(se.event.parts.at(0).from.size(), 2u);
  auto rep = log_->Verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->intact) << rep->problem;
}

TEST_F(ViewScopeTest, SubjectsWithoutABsnHaveAPseudonymPerMeeting) {
  const Pseudonymizer& p = log_->pseudonymizer();
  EXPECT_NE(p.MeetingSubjectPseudonym("m-1", "S1"), p.MeetingSubjectPseudonym("m-2", "S1"));
  EXPECT_NE(p.MeetingSubjectPseudonym("m-1", "S1"), p.SubjectPseudonym("S1"));
  EXPECT_EQ(p.MeetingSubjectPseudonym("m-1", "S1"), p.MeetingSubjectPseudonym("m-1", "S1"));
  EXPECT_EQ(p.MeetingSubjectPseudonym("m-1", "S1").size(), 64u);

  // The report by meeting and ref: through the meeting_created event's refs.
  const std::string person = p.SubjectPseudonym("123456782");
  Event created;
  created.type = kMeetingCreated;
  created.actor = {"vh-huis", "coordinator", "C", "ff", "r"};
  created.meeting = "m-1";
  created.outcome = "ok";
  created.detail = {
      {"refs",
       {{p.MeetingSubjectPseudonym("m-1", "S1"), p.MeetingSubjectPseudonym("m-1", "S1")},
        {p.MeetingSubjectPseudonym("m-1", "S2"), person}}}};
  ASSERT_TRUE(log_->Append(created).ok());
  Event asked = testing::SampleEvent(1);
  asked.type = kRequestSent;
  asked.meeting = "m-1";
  asked.subject = person;
  asked.fields = {{"justitie.lopend_toezicht", "requested", "", "", "", ""}};
  ASSERT_TRUE(log_->Append(asked).ok());
  AuditService service(*log_, clock_);
  ReportContext house;
  house.house = "vh-huis";
  Requester who;
  who.actor = {"vh-huis", "privacy-officer", "F", "ff", "r"};
  auto report = service.Report(who, house, {{"meeting", "m-1"}, {"ref", "S2"}});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->json["subject"], person);
  EXPECT_EQ(report->json["entries"].size(), 1u);
  report = service.Report(who, house, {{"meeting", "m-1"}, {"ref", "S1"}});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->json["subject"], p.MeetingSubjectPseudonym("m-1", "S1"));
  EXPECT_EQ(service.Report(who, house, {{"meeting", "m-1"}, {"ref", "S3"}}).status().code(),
            Code::kNotFound);
  EXPECT_EQ(service.Report(who, house, {{"meeting", "m-9"}, {"ref", "S1"}}).status().code(),
            Code::kNotFound);
  // A partner's officer: only a ref of a person it may see an event about
  // in that meeting resolves; any other is the same 404 as an unknown ref,
  // and recorded as asked.
  Requester politie;
  politie.actor = {"politie", "privacy-officer", "P", "ff", "r"};
  EXPECT_TRUE(service.Report(politie, house, {{"meeting", "m-1"}, {"ref", "S2"}}).ok());
  Requester ggz;
  ggz.actor = {"ggz", "privacy-officer", "G", "ff", "r"};
  for (const char* ref : {"S1", "S2", "S3"}) {
    SCOPED_TRACE(ref);
    const int64_t before = log_->last_seq();
    EXPECT_EQ(service.Report(ggz, house, {{"meeting", "m-1"}, {"ref", ref}}).status().code(),
              Code::kNotFound);
    QueryFilter asked_since;
    asked_since.after_seq = before;
    auto recorded = Query(asked_since);
    ASSERT_EQ(recorded.size(), 1u);
    EXPECT_EQ(recorded[0].event.type, kAuditQuery);
    EXPECT_EQ(recorded[0].event.outcome, "refused 404");
    EXPECT_EQ(recorded[0].event.subject, "");
  }
  auto bad = ParseReport({{"meeting", "m-1"}}, p, {"--"});
  EXPECT_EQ(bad.status().reason(), "bad_query");
  EXPECT_NE(bad.status().message().find("--ref is required with --meeting"), std::string::npos)
      << bad.status().message();
  bad = ParseReport({{"bsn", "123456782"}, {"meeting", "m-1"}, {"ref", "S1"}}, p);
  EXPECT_NE(bad.status().message().find("not both"), std::string::npos);
  EXPECT_EQ(bad.status().message().find("123456782"), std::string::npos);
}

}  // namespace
}  // namespace vh::audit
