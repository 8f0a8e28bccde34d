// AuditService without a transport: the one parser of the filters (names,
// values, BSNs and the 11-proef), role scoping, the audit_query event
// written before anything is returned, the report and verify.

#include "audit/audit_service.h"

#include <gtest/gtest.h>

#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {
using testing::OptionsIn;
using testing::SampleEvent;

constexpr const char* kBsn = "123456782";     // made up; passes the 11-proef
constexpr const char* kBadBsn = "123456789";  // fails it

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    keys_ = AuditKeys::Random();
    AuditLogOptions o = OptionsIn(dir_);
    o.busy_timeout_ms = 200;
    auto log = AuditLog::OpenWith(keys_.Clone(), o, clock_);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
    house_.house = "vh-huis";
    house_.covenant = {"vh-test", "1", std::string(64, 'c')};
  }
  Requester Officer(const std::string& partner) {
    Requester who;
    who.actor = {partner, "privacy-officer", "Functionaris", "ff", "127.0.0.1:1"};
    who.origin = {{"route", "/v1/audit/events"}};
    return who;
  }
  // The audit_query events written so far.
  std::vector<StoredEvent> Queries() {
    QueryFilter f;
    f.type = kAuditQuery;
    f.limit = 1000;
    auto page = log_->Query(f);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->events : std::vector<StoredEvent>{};
  }

  testing::TempDir dir_{"service"};
  FakeClock clock_{testing::T0()};
  AuditKeys keys_;
  std::unique_ptr<AuditLog> log_;
  ReportContext house_;
};

TEST_F(AuditServiceTest, ParsesEveryFilterItNamesAndRefusesOthersNamingThem) {
  const Pseudonymizer& p = log_->pseudonymizer();
  Params all;
  for (const ParamSpec& spec : kQueryFilters) all[spec.name] = "x";
  all["type"] = "dossier_disclosed";
  all["meeting"] = "m-0123456789abcdef0123456789abcdef";
  all["bsn"] = "1234.56.782";
  all["subject"] = p.SubjectPseudonym(kBsn);
  all["from"] = "2026-01-01T00:00:00Z";
  all["to"] = "2027-01-01T00:00:00Z";
  all["limit"] = "5";
  all["cursor"] = "7";
  auto q = ParseQuery(all, p);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->filter.subject, p.SubjectPseudonym(kBsn));
  EXPECT_EQ(q->filter.limit, 5u);
  EXPECT_TRUE(q->limit_given);
  EXPECT_EQ(q->filter.after_seq, 7);
  EXPECT_TRUE(q->filter.from && q->filter.to);
  EXPECT_EQ(q->shown.dump().find("123456782"), std::string::npos) << "BSN in the filters shown";

  auto refused = [&](Params params, ParamStyle style, Code code, const std::string& reason,
                     const std::string& names) {
    auto r = ParseQuery(params, p, style);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code);
    EXPECT_EQ(r.status().reason(), reason);
    EXPECT_NE(r.status().message().find(names), std::string::npos) << r.status().message();
  };
  // An unknown name is refused listing the names there are, never repeating
  // it (it could be anything, a BSN too); a blank or malformed value is
  // refused naming the parameter: never read as "any" or "nothing found".
  refused({{"colour", "red"}}, {}, Code::kInvalidArgument, "bad_query",
          "unknown filter; the filters are bsn, subject, partner, meeting, type");
  refused({{"colour", "red"}}, {"--"}, Code::kInvalidArgument, "bad_query",
          "the filters are --bsn, --subject");
  auto unknown = ParseQuery({{kBsn, "1"}}, p);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message().find(kBsn), std::string::npos);
  refused({{"bsn", ""}}, {}, Code::kInvalidArgument, "bad_query", "bsn is empty");
  refused({{"partner", ""}}, {"--"}, Code::kInvalidArgument, "bad_query", "--partner is empty");
  refused({{"subject", "xyz"}}, {}, Code::kInvalidArgument, "bad_query",
          "subject is not a subject pseudonym");
  refused({{"meeting", "m-doesnotexist"}}, {}, Code::kInvalidArgument, "bad_query",
          "meeting is not a meeting id");
  refused({{"limit", "0"}}, {}, Code::kInvalidArgument, "bad_query", "limit must be 1..");
  refused({{"limit", "1001"}}, {"--"}, Code::kInvalidArgument, "bad_query", "--limit");
  refused({{"cursor", "-1"}}, {}, Code::kInvalidArgument, "bad_query", "cursor");
  refused({{"from", "yesterday"}}, {}, Code::kInvalidArgument, "bad_query", "from");
  refused({{"type", "dossier_disclosd"}}, {"--"}, Code::kInvalidArgument, "bad_query", "--type");
  refused({{"bsn", kBsn}, {"subject", p.SubjectPseudonym("S9")}}, {}, Code::kInvalidArgument,
          "bad_query", "different people");
  // A BSN that fails the 11-proef, or is no BSN at all: 422, the message
  // names the parameter, never the number.
  for (const char* bad : {kBadBsn, "1234.56.789", "12345", "S1"}) {
    refused({{"bsn", bad}}, {"--"}, Code::kUnprocessable, "invalid_bsn", "--bsn");
    auto r = ParseQuery({{"bsn", bad}}, p);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message().find(bad), std::string::npos) << r.status().message();
  }
}

TEST_F(AuditServiceTest, ParsesReportParameters) {
  const Pseudonymizer& p = log_->pseudonymizer();
  auto r = ParseReport({{"bsn", kBsn}, {"format", "html"}, {"copy", "subject"}}, p);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->subject, p.SubjectPseudonym(kBsn));
  EXPECT_TRUE(r->html && r->subject_copy);
  for (const ParamSpec& spec : kReportParams) {
    EXPECT_NE(std::string(spec.help), "") << spec.name;
  }
  EXPECT_EQ(ParseReport({}, p).status().reason(), "bad_query");
  EXPECT_EQ(ParseReport({{"bsn", kBsn}, {"format", "pdf"}}, p).status().reason(), "bad_query");
  EXPECT_EQ(ParseReport({{"bsn", kBsn}, {"copy", "all"}}, p).status().reason(), "bad_query");
  EXPECT_EQ(ParseReport({{"bsn", kBsn}, {"formaat", "html"}}, p).status().reason(), "bad_query");
  auto bad = ParseReport({{"bsn", kBadBsn}}, p, {"--"});
  EXPECT_EQ(bad.status().code(), Code::kUnprocessable);
  EXPECT_EQ(bad.status().reason(), "invalid_bsn");
  EXPECT_NE(bad.status().message().find("--bsn"), std::string::npos);
  EXPECT_EQ(bad.status().message().find(kBadBsn), std::string::npos);
}

TEST_F(AuditServiceTest, ScopesPartnersRecordsEveryQueryAndRefusesBadBsnsWithoutAnswering) {
  for (int i = 0; i < 6; ++i) {
    Event e = SampleEvent(i, i % 2 ? "om" : "politie");  // supplier reclassering
    e.subject = log_->pseudonymizer().SubjectPseudonym(kBsn);
    ASSERT_TRUE(log_->Append(e).ok());
  }
  AuditService service(*log_, clock_);
  EXPECT_EQ(AuditService::ScopeOf(Officer("vh-huis").actor, house_), "");
  EXPECT_EQ(AuditService::ScopeOf(Officer("om").actor, house_), "om");

  auto all = service.Query(Officer("vh-huis"), house_, {{"bsn", kBsn}});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->events.size(), 6u);
  auto om = service.Query(Officer("om"), house_, {{"bsn", kBsn}});
  ASSERT_TRUE(om.ok());
  EXPECT_EQ(om->events.size(), 3u);
  for (const auto& e : om->events) EXPECT_EQ(e.event.recipient, "om");
  // Paging, and all pages at once.
  auto page =
      service.Query(Officer("vh-huis"), house_, {{"type", kAnswerReceived}, {"limit", "4"}});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 4u);
  EXPECT_EQ(page->next_cursor, 4);
  auto pages = service.Query(Officer("vh-huis"), house_, {{"type", kAnswerReceived}}, true);
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(pages->events.size(), 6u);
  EXPECT_EQ(pages->next_cursor, 0);

  std::vector<StoredEvent> queries = Queries();
  ASSERT_EQ(queries.size(), 4u);
  const Event& q = queries[1].event;
  EXPECT_EQ(q.actor.partner, "om");
  EXPECT_EQ(q.covenant.id, "vh-test");
  EXPECT_EQ(q.covenant.sha256, std::string(64, 'c'));
  EXPECT_EQ(q.subject, log_->pseudonymizer().SubjectPseudonym(kBsn));
  EXPECT_EQ(q.detail["scope"], "om");
  EXPECT_EQ(q.detail["results"], 3);
  EXPECT_EQ(q.detail["route"], "/v1/audit/events");
  EXPECT_EQ(q.outcome, "ok");

  // A BSN that fails the 11-proef is an error, answered by nothing and
  // recorded by nothing: never "nothing was shared".
  auto bad = service.Query(Officer("vh-huis"), house_, {{"bsn", kBadBsn}});
  EXPECT_EQ(bad.status().reason(), "invalid_bsn");
  auto bad_report = service.Report(Officer("vh-huis"), house_, {{"bsn", kBadBsn}});
  EXPECT_EQ(bad_report.status().reason(), "invalid_bsn");
  EXPECT_EQ(Queries().size(), 4u);
}

TEST_F(AuditServiceTest, ReportAndVerifyAreRecordedAndNothingIsAnsweredUnrecorded) {
  Event e = SampleEvent(1);
  e.subject = log_->pseudonymizer().SubjectPseudonym(kBsn);
  ASSERT_TRUE(log_->Append(e).ok());
  AuditService service(*log_, clock_);
  auto report = service.Report(Officer("vh-huis"), house_, {{"bsn", kBsn}, {"format", "html"}});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->json["entries"].size(), 1u);
  EXPECT_NE(report->html.find("<!DOCTYPE html>"), std::string::npos);
  auto verified = service.Verify(Officer("vh-huis"), house_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
  EXPECT_TRUE(VerifyReportToJson(*verified)["intact"].get<bool>());
  std::vector<StoredEvent> queries = Queries();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[0].event.detail["report"], true);
  EXPECT_EQ(queries[0].event.detail["format"], "html");
  EXPECT_EQ(queries[1].event.detail["verify"], true);

  // While the store cannot be written, a query answers nothing.
  auto other = OpenAuditStore(log_->options().db_path, keys_.store_key);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("BEGIN EXCLUSIVE;").ok());
  auto locked = service.Query(Officer("vh-huis"), house_, {{"bsn", kBsn}});
  EXPECT_FALSE(locked.ok());
  EXPECT_EQ(locked.status().code(), Code::kUnavailable);
  (*other)->Rollback();
}

}  // namespace
}  // namespace vh::audit
