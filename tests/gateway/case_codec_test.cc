// The JSON codecs of notifications, cases, checks and figures:
// the structural 422s with their codes and paths, commands round-tripping
// through JSON, response bodies as the contract names them.
#include "gateway/codecs/case_codec.h"

#include <gtest/gtest.h>

#include "gateway/codecs/figures_codec.h"
#include "gateway/codecs/meeting_codec.h"

namespace vh::gw::codecs {
namespace {

void ExpectCaseError(const Status& s, const std::string& code, const std::string& message) {
  EXPECT_EQ(s.code(), Code::kUnprocessable) << s.ToString();
  EXPECT_EQ(s.reason(), code) << s.ToString();
  EXPECT_EQ(s.message(), message) << s.ToString();
}

TEST(CaseCodecTest, NotifyStructuralChecks) {
  const Json ok = {{"identity", {{"persoon.bsn", "111222333"}}},
                   {"category", "detentie"},
                   {"reason", "r"},
                   {"urgent", true},
                   {"municipality", "Leiden"},
                   {"release_date", "2027-01-31"}};
  auto n = DecodeNotify(ok);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_TRUE(n->urgent);
  EXPECT_EQ(n->release_date, "2027-01-31");
  EXPECT_EQ(*DecodeNotify(EncodeNotify(*n)), *n);
  Json b = ok;
  b.erase("identity");
  ExpectCaseError(DecodeNotify(b).status(), "missing_field", "/identity: missing");
  b = ok;
  b["identity"] = "111222333";
  ExpectCaseError(DecodeNotify(b).status(), "wrong_type", "/identity: expected an object");
  b = ok;
  b.erase("category");
  ExpectCaseError(DecodeNotify(b).status(), "missing_field", "/category: missing");
  b = ok;
  b["urgent"] = "ja";
  ExpectCaseError(DecodeNotify(b).status(), "wrong_type", "/urgent: expected a boolean");
  b = ok;
  b["release_date"] = "31-01-2027";
  ExpectCaseError(DecodeNotify(b).status(), "invalid_date",
                  "/release_date: not a date (YYYY-MM-DD)");
  b = ok;
  b["reason"] = std::string(exchange::kMaxReasonBytes + 1, 'x');
  ExpectCaseError(DecodeNotify(b).status(), "too_long", "/reason: longer than allowed");
  b = ok;
  b["naam"] = "x";
  EXPECT_EQ(DecodeNotify(b).status().reason(), "unknown_field");
}

TEST(CaseCodecTest, TriageFollowUpCloseHolder) {
  auto t = DecodeTriage({{"decision", "agenderen"}, {"case", "c-1"}, {"overlegvorm", "briefing"}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*DecodeTriage(EncodeTriage(*t)), *t);
  ExpectCaseError(DecodeTriage({{"decision", "weg"}}).status(), "invalid_decision",
                  "/decision: one of agenderen, niet-agenderen, doorverwijzen");
  ExpectCaseError(DecodeTriage(Json::object()).status(), "missing_field", "/decision: missing");
  auto f = DecodeCompleteFollowUp({{"due", "2026-12-01"}, {"kind", "1-week"}, {"outcome", "ok"}});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*DecodeCompleteFollowUp(EncodeCompleteFollowUp(*f)), *f);
  ExpectCaseError(
      DecodeCompleteFollowUp({{"due", "2026-12-01"}, {"kind", "2-weeks"}, {"outcome", "x"}})
          .status(),
      "invalid_kind", "/kind: one of 1-week, 1-month, 3-months, 6-months, before-release");
  ExpectCaseError(DecodeCompleteFollowUp({{"outcome", "x"}}).status(), "missing_field",
                  "/due: missing");
  ExpectCaseError(DecodeCompleteFollowUp(
                      {{"due", "2026-12-01"},
                       {"outcome", std::string(exchange::kMaxFollowUpOutcomeBytes + 1, 'x')}})
                      .status(),
                  "too_long", "/outcome: longer than allowed");
  ExpectCaseError(DecodeCloseCase(Json::object()).status(), "missing_field", "/reason: missing");
  EXPECT_EQ(*DecodeCloseCase(EncodeCloseCase({"klaar"})), exchange::CloseCase{"klaar"});
  EXPECT_EQ(*DecodeNameCaseHolder(EncodeNameCaseHolder({"om"})), exchange::NameCaseHolder{"om"});
  EXPECT_EQ(DecodeCaseFilter("due").value(), exchange::CaseFilter::kDue);
  ExpectCaseError(DecodeCaseFilter("gesloten").status(), "invalid_status",
                  "/status: one of open, closed, due");
  ExpectCaseError(DecodeNotificationFilter("open").status(), "invalid_status",
                  "/status: one of new, triaged, closed");
}

TEST(CaseCodecTest, AMeetingSubjectMayNameItsCase) {
  const Json body = {
      {"overlegvorm", "briefing"},
      {"title", "t"},
      {"starts_at", "2026-11-24T09:00:00Z"},
      {"ends_at", "2026-11-24T12:00:00Z"},
      {"subjects", {{{"ref", "S1"}, {"identity", Json::object()}, {"case", "c-1"}}}}};
  auto m = DecodeCreateMeeting(body);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->subjects[0].case_id, "c-1");
  EXPECT_EQ(*DecodeCreateMeeting(EncodeCreateMeeting(*m)), *m);
  Json bad = body;
  bad["subjects"][0]["case"] = 7;
  ExpectCaseError(DecodeCreateMeeting(bad).status(), "wrong_type",
                  "/subjects/0/case: expected a string");
}

TEST(CaseCodecTest, ACheckNeverEchoesWhatItWasGiven) {
  EXPECT_EQ(DecodeKnownCheck({{"bsn", "111222333"}})->bsn, "111222333");
  EXPECT_EQ(DecodeKnownCheckQuery({{"bsn", "111222333"}})->bsn, "111222333");
  const Status key = DecodeKnownCheck({{"111222333", "x"}}).status();
  EXPECT_EQ(key.reason(), "unknown_field");
  EXPECT_EQ(key.message().find("111222333"), std::string::npos);
  const Status query = DecodeKnownCheckQuery({{"111222333", ""}}).status();
  EXPECT_EQ(query.message().find("111222333"), std::string::npos);
  ExpectCaseError(DecodeKnownCheckQuery({}).status(), "missing_field", "/bsn: missing");
  EXPECT_EQ(DumpJson(EncodeKnownAnswer({true, std::nullopt})), R"({"known":true})");
  EXPECT_EQ(DumpJson(EncodeKnownAnswer({true, "om"})), R"({"case_holder":"om","known":true})");
}

TEST(CaseCodecTest, FeedbackBodiesNameTheDecisionOnly) {
  exchange::NotificationFeedback f;
  f.id = "n-1";
  f.status = exchange::NotificationState::kTriaged;
  f.received_at = *ParseUtc("2026-11-23T08:00:00Z");
  EXPECT_EQ(
      DumpJson(EncodeNotificationFeedback(f)),
      R"({"decision":null,"id":"n-1","received_at":"2026-11-23T08:00:00.000Z","status":"triaged"})");
  f.decision = "focus";
  f.decision_label = "Focus";
  f.decided_at = *ParseUtc("2026-11-24T08:00:00Z");
  EXPECT_EQ(
      DumpJson(EncodeNotificationFeedback(f)),
      R"({"decided_at":"2026-11-24T08:00:00.000Z","decision":"focus","decision_label":"Focus",)"
      R"("id":"n-1","received_at":"2026-11-23T08:00:00.000Z","status":"triaged"})");
}

TEST(FiguresCodecTest, SuppressedCountsAreTextAndTheQueryIsChecked) {
  using Shown = exchange::Cell::Shown;
  exchange::Figures f;
  f.from = "2026-01-01";
  f.to = "2026-12-31";
  f.house = "vh";
  f.notifications_by_category = {
      {Shown::kAtLeast, 12},
      {{"aanhouding", {Shown::kExact, 12}}, {"overig", {Shown::kBelowFive, 0}}}};
  f.urgent_notifications = {Shown::kBelowFive, 0};
  const Json j = EncodeFigures(f);
  EXPECT_EQ(j["notifications"]["by_category"]["total"], ">= 12");
  EXPECT_EQ(j["notifications"]["by_category"]["counts"]["aanhouding"], 12);
  EXPECT_EQ(j["notifications"]["by_category"]["counts"]["overig"], "< 5");
  EXPECT_EQ(j["notifications"]["urgent"], "< 5");
  const std::string csv = RenderFiguresCsv(f);
  EXPECT_NE(csv.find("notifications.by_category,aanhouding,12\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("notifications.by_category,total,>= 12\n"), std::string::npos) << csv;
  const std::string md = RenderFiguresMarkdown(f, {{"aanhouding", "Aanhouding"}});
  EXPECT_NE(md.find("| Aanhouding | 12 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| **totaal** | >= 12 |"), std::string::npos) << md;
  ExpectCaseError(DecodeFiguresQuery("", "2026-01-01", false, true).status(), "missing_field",
                  "/from: missing");
  ExpectCaseError(DecodeFiguresQuery("2026-13-01", "2026-01-01", true, true).status(),
                  "invalid_date", "/from: not a date (YYYY-MM-DD)");
  EXPECT_TRUE(DecodeFiguresQuery("2026-01-01", "2026-01-31", true, true).ok());
}

}  // namespace
}  // namespace vh::gw::codecs
