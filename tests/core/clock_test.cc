#include "core/clock.h"

#include <gtest/gtest.h>

namespace vh {
namespace {

TEST(ClockTest, FormatsAndParsesUtcRoundTrip) {
  auto t = ParseUtc("2026-11-23T07:40:54.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatUtc(*t), "2026-11-23T07:40:54.123Z");
}

TEST(ClockTest, ParsesOffsetsAndDates) {
  auto a = ParseUtc("2026-03-01T10:00:00+01:00");
  auto b = ParseUtc("2026-03-01T09:00:00Z");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  auto d = ParseUtc("2026-03-01");
  ASSERT_TRUE(d);
  EXPECT_EQ(FormatUtc(*d), "2026-03-01T00:00:00.000Z");
}

TEST(ClockTest, FormatsEveryDigit) {
  auto t = ParseUtc("1800-01-02T03:04:05.006Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatUtc(*t), "1800-01-02T03:04:05.006Z");
  EXPECT_EQ(FormatUtc(*t + std::chrono::milliseconds(994)), "1800-01-02T03:04:06.000Z");
  EXPECT_EQ(FormatDate(Date{2026, 12, 31}), "2026-12-31");
  // Past four digits the year is written whole, not cut.
  EXPECT_EQ(FormatDate(Date{12026, 1, 9}), "12026-01-09");
}

TEST(ClockTest, RefusesNonsense) {
  for (const char* s : {"", "2026-13-01", "2026-02-30", "2026-11-23T25:00:00Z",
                        "2026-11-23T10:00:00", "tomorrow", "2026-11-23T10:00:00Zjunk"}) {
    EXPECT_FALSE(ParseUtc(s)) << s;
  }
}

TEST(ClockTest, LeapDays) {
  EXPECT_TRUE(ParseDate("2016-02-29"));
  EXPECT_TRUE(ParseDate("2000-02-29"));
  EXPECT_FALSE(ParseDate("1900-02-29"));
  EXPECT_FALSE(ParseDate("2017-02-29"));
}

TEST(ClockTest, FakeClockAdvances) {
  FakeClock c(*ParseUtc("2026-01-01T00:00:00Z"));
  c.Advance(std::chrono::hours(25));
  EXPECT_EQ(FormatUtc(c.Now()), "2026-01-02T01:00:00.000Z");
  EXPECT_EQ(FormatDate(DateOf(c.Now())), "2026-01-02");
}

}  // namespace
}  // namespace vh
