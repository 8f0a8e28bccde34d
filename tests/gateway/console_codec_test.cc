// gateway/codecs/console_codec.h: the meeting list filter, the board and the
// audit questions in a body.
#include "gateway/codecs/console_codec.h"

#include <gtest/gtest.h>

#include "audit/audit_service.h"

namespace vh::gw::codecs {
namespace {

TEST(ConsoleCodecTest, MeetingListFilter) {
  using F = exchange::MeetingListFilter;
  EXPECT_EQ(*DecodeMeetingListFilter(""), F::kAll);
  EXPECT_EQ(*DecodeMeetingListFilter("upcoming"), F::kUpcoming);
  EXPECT_EQ(*DecodeMeetingListFilter("open"), F::kOpen);
  EXPECT_EQ(*DecodeMeetingListFilter("closed"), F::kClosed);
  auto bad = DecodeMeetingListFilter("shredded");
  EXPECT_EQ(bad.status().reason(), "invalid_status");
}

TEST(ConsoleCodecTest, RequestBoard) {
  exchange::BoardRequest open{"r-1",
                              "politie",
                              "S1",
                              exchange::RequestState::kOverdue,
                              *ParseUtc("2026-11-29T17:00:00Z"),
                              std::nullopt};
  exchange::BoardRequest done = open;
  done.id = "r-2";
  done.status = exchange::RequestState::kAnswered;
  done.answered_at = *ParseUtc("2026-11-28T10:00:00.5Z");
  Json j = EncodeRequestBoard("m-1", {open, done});
  EXPECT_EQ(j["meeting"], "m-1");
  ASSERT_EQ(j["requests"].size(), 2u);
  EXPECT_EQ(j["requests"][0]["status"], "overdue");
  EXPECT_TRUE(j["requests"][0]["answered_at"].is_null());
  EXPECT_EQ(j["requests"][0]["deadline"], "2026-11-29T17:00:00.000Z");
  EXPECT_EQ(j["requests"][1]["answered_at"], "2026-11-28T10:00:00.500Z");
}

// A declined or failed request: its reason's code and text, when the store
// has them; other rows keep their form.
TEST(ConsoleCodecTest, RequestBoardReasons) {
  exchange::BoardRequest declined{"r-1",
                                  "om",
                                  "S1",
                                  exchange::RequestState::kDeclined,
                                  *ParseUtc("2026-11-29T17:00:00Z"),
                                  *ParseUtc("2026-11-28T10:00:00Z"),
                                  "onbekend",
                                  "niet bekend bij het OM"};
  exchange::BoardRequest failed = declined;
  failed.status = exchange::RequestState::kFailed;
  failed.reason_code = "timeout";
  failed.reason.reset();
  exchange::BoardRequest open = failed;
  open.status = exchange::RequestState::kOpen;
  open.reason_code.reset();
  Json j = EncodeRequestBoard("m-1", {declined, failed, open});
  EXPECT_EQ(j["requests"][0]["reason_code"], "onbekend");
  EXPECT_EQ(j["requests"][0]["reason"], "niet bekend bij het OM");
  EXPECT_EQ(j["requests"][1]["reason_code"], "timeout");
  EXPECT_FALSE(j["requests"][1].contains("reason"));
  EXPECT_FALSE(j["requests"][2].contains("reason_code"));
  EXPECT_FALSE(j["requests"][2].contains("reason"));
}

TEST(ConsoleCodecTest, AuditParamsFromABody) {
  auto p = DecodeAuditParams(Json{{"bsn", "111222333"}, {"limit", 50}});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["bsn"], "111222333");
  EXPECT_EQ((*p)["limit"], "50");
  EXPECT_EQ(DecodeAuditParams(Json::array()).status().code(), Code::kUnprocessable);
  auto nested = DecodeAuditParams(Json{{"bsn", {{"geheim", 1}}}});
  EXPECT_EQ(nested.status().code(), Code::kUnprocessable);
  EXPECT_EQ(nested.status().message().find("geheim"), std::string::npos);
  // Only limit and cursor are numbers: a BSN is text (a number loses a
  // leading zero).
  auto number = DecodeAuditParams(Json{{"bsn", 111222333}});
  EXPECT_EQ(number.status().code(), Code::kUnprocessable);
  EXPECT_NE(number.status().message().find("/bsn"), std::string::npos);
  // An unknown member of any type is left for the service to refuse as
  // unknown, never named here.
  auto unknown = DecodeAuditParams(Json{{"111222333", true}});
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(audit::IsParamName(unknown->begin()->first));
}

}  // namespace
}  // namespace vh::gw::codecs
