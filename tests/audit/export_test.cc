// The exports (audit/export.h) and Prove (audit/audit_service.h) in
// process: LDV records and NEN 7513 rows field by field, one per person, the
// trace the appending thread's context gave the events, streaming through
// more than a page, and the MAC comparison of Prove, direct and through a
// view's decision sets.

#include "audit/export.h"

#include <gtest/gtest.h>

#include <sstream>

#include "audit/audit_service.h"
#include "core/trace_context.h"
#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {
using testing::OptionsIn;
using testing::SampleEvent;
using testing::SampleView;

constexpr const char* kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    auto log = AuditLog::OpenWith(AuditKeys::Random(), OptionsIn(dir_, 1000), clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
    ctx_.house = "vh-huis";
    ctx_.covenant = {"vh-test", "1", std::string(64, 'c')};
    ctx_.overlegvormen["briefing"] = {"Briefing", "Weging", false,
                                      "https://register.example/verwerkingen/briefing"};
  }
  Requester House() {
    Requester who;
    who.actor = {"vh-huis", "system", "cli:test", "", "cli"};
    who.origin = {{"command", "test"}};
    return who;
  }
  std::vector<StoredEvent> All() {
    QueryFilter f;
    f.limit = 1000;
    auto page = log_->Query(f);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->events : std::vector<StoredEvent>{};
  }

  testing::TempDir dir_{"export"};
  FakeClock clock_{testing::T0()};
  std::unique_ptr<AuditLog> log_;
  ReportContext ctx_;
};

TEST_F(ExportTest, LdvRecordsOnePerPersonWithTheRequestsTrace) {
  TraceContext t = TraceContext::Continue(kTraceparent, testing::T0());
  t.caller = "urn:vhgate:partner:politie";
  {
    ScopedTrace scope(t);
    auto view = SampleView(1);
    ASSERT_TRUE(log_->Append(AppendRequest::View(view.event, view.sets)).ok());
    ASSERT_TRUE(log_->Append(SampleEvent(2)).ok());
  }
  ASSERT_TRUE(log_->Append(SampleEvent(3)).ok());  // no context: a trace of its own
  auto events = All();
  ASSERT_GE(events.size(), 3u);
  const StoredEvent& view = events[events.size() - 3];
  ASSERT_EQ(view.event.type, kDossierDisclosed);
  std::vector<Json> records = LdvRecords(view, ctx_, "9.9.9");
  ASSERT_EQ(records.size(), 3u) << "one record per person of the view";
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Json& r = records[i];
    EXPECT_EQ(r["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(r["span_id"], t.span_id);
    EXPECT_EQ(r["parent_span_id"], "00f067aa0ba902b7");
    EXPECT_EQ(r["status_code"], "STATUS_CODE_OK");
    EXPECT_EQ(r["name"], "dossier_disclosed");
    EXPECT_EQ(r["start_time"], FormatUtc(testing::T0()));
    EXPECT_EQ(r["end_time"], view.time);
    EXPECT_EQ(r["foreign_operation"], (Json{{"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"},
                                            {"span_id", "00f067aa0ba902b7"},
                                            {"entity", "urn:vhgate:partner:politie"}}));
    EXPECT_EQ(r["resource"]["attributes"]["service.name"], "vhgate");
    EXPECT_EQ(r["resource"]["attributes"]["service.version"], "9.9.9");
    const Json& a = r["attributes"];
    EXPECT_EQ(a["dpl.core.processing_activity_id"],
              "https://register.example/verwerkingen/briefing");
    EXPECT_EQ(a["dpl.core.data_subject_id"], view.event.parts[i].subject);
    EXPECT_EQ(a["dpl.core.data_subject_id_type"], kLdvSubjectIdType);
    EXPECT_EQ(a["dpl.core.foreign_operation.span_id"], "00f067aa0ba902b7");
    EXPECT_EQ(a["vhgate.event.seq"], view.seq);
  }
  const StoredEvent& own = events.back();
  std::vector<Json> one = LdvRecords(own, ctx_, "9.9.9");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_NE(one[0]["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(one[0]["trace_id"].get<std::string>().size(), 32u);
  EXPECT_FALSE(one[0].contains("parent_span_id"));
  EXPECT_FALSE(one[0].contains("foreign_operation"));
}

TEST_F(ExportTest, Nen7513RowsNameWhoWhoseWhenWhatAuthorityAndPurpose) {
  auto view = SampleView(4);
  ASSERT_TRUE(log_->Append(AppendRequest::View(view.event, view.sets)).ok());
  auto events = All();
  const StoredEvent& e = events.back();
  auto rows = Nen7513Rows(e, ctx_);
  ASSERT_EQ(rows.size(), 3u);
  const auto& header = Nen7513Header();
  auto cell = [&](const std::vector<std::string>& row, const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << name;
    return row[static_cast<std::size_t>(it - header.begin())];
  };
  EXPECT_EQ(cell(rows[0], "user_id"), "Agent 4");
  EXPECT_EQ(cell(rows[0], "user_organisation"), "politie");
  EXPECT_EQ(cell(rows[0], "data_subject"), view.event.parts[0].subject);
  EXPECT_EQ(cell(rows[0], "time"), e.time);
  EXPECT_EQ(cell(rows[0], "action"), "dossier_disclosed");
  EXPECT_EQ(cell(rows[0], "action_code"), "R");
  EXPECT_EQ(cell(rows[0], "data"),
            "justitie.lopend_toezicht:disclosed:B1:full:reclassering "
            "leefgebied.delictgeschiedenis:withheld:politie");
  EXPECT_EQ(cell(rows[0], "rules"), "B1");
  EXPECT_EQ(cell(rows[0], "covenant").rfind("vh-hollands-midden 2016.2", 0), 0u);
  EXPECT_EQ(cell(rows[0], "purpose"), "Weging van meldingen");
  EXPECT_EQ(cell(rows[0], "processing_activity"), "https://register.example/verwerkingen/briefing");
  EXPECT_EQ(cell(rows[0], "trace_id"), e.event.trace.trace_id);
}

TEST(CsvTest, QuotesAndDefusesFormulas) {
  EXPECT_EQ(CsvLine({"a", "b c", "d,e", "say \"hi\"", "x\ny"}),
            "a,b c,\"d,e\",\"say \"\"hi\"\"\",\"x\ny\"\r\n");
  EXPECT_EQ(CsvLine({"=cmd()", "+1", "-", "@x", "ok"}), "'=cmd(),'+1,'-,'@x,ok\r\n");
}

TEST_F(ExportTest, StreamsEveryPageAndFiltersByTime) {
  std::vector<Event> batch;
  for (int i = 0; i < 2500; ++i) batch.push_back(SampleEvent(i));
  ASSERT_TRUE(log_->Append(AppendRequest(std::move(batch))).ok());
  clock_.Advance(std::chrono::hours(48));
  ASSERT_TRUE(log_->Append(SampleEvent(9999)).ok());
  AuditService service(*log_, clock_);
  ExportOptions o;
  o.format = ExportFormat::kLdv;
  int pages = 0;
  o.progress = [&](int64_t, int64_t) { ++pages; };
  std::ostringstream out;
  auto stats = service.Export(House(), ctx_, o, out);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_GE(pages, 3) << "a page of at most 1000 events at a time";
  EXPECT_EQ(stats->records, stats->events);  // one subject per answer
  EXPECT_GE(stats->events, 2501);
  std::istringstream lines(out.str());
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    ASSERT_FALSE(Json::parse(line, nullptr, false).is_discarded());
    ++n;
  }
  EXPECT_EQ(n, stats->records);

  o.format = ExportFormat::kNen7513;
  o.from = testing::T0() + std::chrono::hours(24);
  std::ostringstream csv;
  stats = service.Export(House(), ctx_, o, csv);
  ASSERT_TRUE(stats.ok());
  // The late answer and the audit_query events of the exports themselves.
  EXPECT_LE(stats->events, 3);
  EXPECT_EQ(csv.str().rfind("seq,time,action,", 0), 0u);
  EXPECT_NE(csv.str().find(",answer_received,C,"), std::string::npos);

  Requester partner = House();
  partner.actor.partner = "politie";
  EXPECT_EQ(service.Export(partner, ctx_, o, csv).status().code(), Code::kPermissionDenied);
}

TEST_F(ExportTest, ProveComparesTheMacOfTheValueGiven) {
  const Pseudonymizer& p = log_->pseudonymizer();
  Event answer = SampleEvent(1);
  answer.fields = {{"justitie.lopend_toezicht", "accepted", "B1", "full", "",
                    p.ValueMac("justitie.lopend_toezicht", Json(true))},
                   {"casus.reden_melding", "accepted", "B2", "full", "",
                    p.ValueMac("casus.reden_melding", Json("Synthetisch: overlast"))}};
  ASSERT_TRUE(log_->Append(answer).ok());
  auto view = SampleView(2);
  std::vector<FieldDecision> shown = {{"casus.bekend_bij_partner", "disclosed", "B11", "presence",
                                       "", p.ValueMac("casus.bekend_bij_partner", Json(true))}};
  auto set = MakeDecisionSet(shown, {"politie"});
  view.event.parts.resize(1);
  view.event.parts[0].set = set->hex;
  view.event.parts[0].shown = 1;
  view.event.parts[0].withheld = 0;
  ASSERT_TRUE(log_->Append(AppendRequest::View(view.event, {set})).ok());
  auto events = All();
  const int64_t answer_seq = events[events.size() - 2].seq;
  const int64_t view_seq = events.back().seq;
  AuditService service(*log_, clock_);
  auto ask = [&](int64_t seq, const std::string& field, const Json& value) {
    return service.Prove(House(), ctx_, ProveQuestion{seq, field, value});
  };
  auto yes = ask(answer_seq, "casus.reden_melding", Json("Synthetisch: overlast"));
  ASSERT_TRUE(yes.ok()) << yes.status().ToString();
  EXPECT_TRUE(yes->matches);
  EXPECT_EQ(yes->values, 1);
  auto no = ask(answer_seq, "casus.reden_melding", Json("Synthetisch: iets anders"));
  ASSERT_TRUE(no.ok());
  EXPECT_FALSE(no->matches);
  EXPECT_FALSE(ask(answer_seq, "justitie.lopend_toezicht", Json("true"))->matches)
      << "the string \"true\" is not the boolean true";
  EXPECT_TRUE(ask(answer_seq, "justitie.lopend_toezicht", Json(true))->matches);
  auto in_view = ask(view_seq, "casus.bekend_bij_partner", Json(true));
  ASSERT_TRUE(in_view.ok());
  EXPECT_TRUE(in_view->matches) << "through the view's decision set";
  ASSERT_EQ(in_view->where.size(), 1u);
  EXPECT_EQ(in_view->where[0].second, "politie");
  auto none = ask(view_seq, "zorg.diagnose", Json("x"));
  EXPECT_EQ(none->values, 0);
  EXPECT_EQ(ask(view_seq + 100, "x", Json(1)).status().reason(), "no_such_event");
  // Each question is an audit_query event naming event and field, never the value.
  QueryFilter f;
  f.type = kAuditQuery;
  auto q = log_->Query(f);
  ASSERT_TRUE(q.ok());
  ASSERT_GE(q->events.size(), 5u);
  const Json detail = q->events[0].event.detail;
  EXPECT_EQ(detail["prove"]["event"], answer_seq);
  EXPECT_EQ(detail["prove"]["field"], "casus.reden_melding");
  EXPECT_EQ(detail["matches"], true);
  EXPECT_EQ(DumpJson(detail).find("overlast"), std::string::npos);
}

}  // namespace
}  // namespace vh::audit
