// W3C traceparent parsing, request ids, the thread's context and the log
// lines that carry it, and the configuration's log.level.

#include "core/trace_context.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/config.h"
#include "core/log.h"

namespace vh {
namespace {

constexpr const char* kParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceparentTest, ParsesVersion00) {
  auto t = ParseTraceparent(kParent);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(t->flags, "01");
}

TEST(TraceparentTest, RefusesWhatTheStandardRefuses) {
  for (const char* bad : {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                          "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"}) {
    EXPECT_FALSE(ParseTraceparent(bad)) << bad;
  }
  // A later version: its first fields as version 00's, more after a '-'.
  EXPECT_TRUE(ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"));
  EXPECT_FALSE(ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01xlater"));
}

TEST(TraceContextTest, ContinuesTheCallersTraceWithASpanOfItsOwn) {
  TimePoint now = *ParseUtc("2026-12-01T10:00:00Z");
  TraceContext c = TraceContext::Continue(kParent, now);
  EXPECT_EQ(c.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(c.parent_span_id, "00f067aa0ba902b7");
  ASSERT_EQ(c.span_id.size(), 16u);
  EXPECT_NE(c.span_id, c.parent_span_id);
  EXPECT_EQ(c.start, now);
  EXPECT_EQ(c.ToTraceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-" + c.span_id + "-01");

  TraceContext fresh = TraceContext::Continue("garbage", now);
  EXPECT_EQ(fresh.trace_id.size(), 32u);
  EXPECT_TRUE(fresh.parent_span_id.empty());
  EXPECT_TRUE(ParseTraceparent(fresh.ToTraceparent()));
}

TEST(TraceContextTest, IdsAreDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(RandomHex(8));
  std::thread([&] {
    for (int i = 0; i < 1000; ++i) ids.insert(RandomHex(8));
  }).join();
  EXPECT_EQ(ids.size(), 2000u);
  EXPECT_EQ(NewRequestId().size(), 32u);
}

TEST(TraceContextTest, IdsAreLowerHexOfTheirLengthWithEveryDigit) {
  std::set<char> digits;
  for (std::size_t bytes : {1u, 3u, 8u, 13u, 16u}) {
    for (int i = 0; i < 200; ++i) {
      const std::string id = RandomHex(bytes);
      ASSERT_EQ(id.size(), 2 * bytes);
      for (char c : id) {
        ASSERT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
        digits.insert(c);
      }
    }
  }
  EXPECT_EQ(digits.size(), 16u);
}

TEST(RequestIdTest, SaneLengthAndCharsetNotDigitsOnly) {
  EXPECT_TRUE(IsValidRequestId("req-42.a:b_c"));
  EXPECT_TRUE(IsValidRequestId(std::string(128, 'a')));
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsValidRequestId("a b"));
  EXPECT_FALSE(IsValidRequestId("a\r\nX-Evil: 1"));
  EXPECT_FALSE(IsValidRequestId("abc/def"));
  EXPECT_FALSE(IsValidRequestId("111222333")) << "digits only could be a BSN";
  for (const char* bsn : {"111.222.333", "111-222-333", "1112_22333", "111:222:333", "-"}) {
    EXPECT_FALSE(IsValidRequestId(bsn)) << bsn;
  }
  EXPECT_TRUE(IsValidRequestId("550e8400-e29b-41d4-a716-446655440000"));
}

TEST(ScopedTraceTest, NestsAndRestores) {
  EXPECT_EQ(CurrentTrace(), nullptr);
  {
    TraceContext a = TraceContext::Start(SystemClock().Now());
    a.request_id = "outer";
    ScopedTrace outer(a);
    ASSERT_NE(CurrentTrace(), nullptr);
    EXPECT_EQ(CurrentTrace()->request_id, "outer");
    {
      TraceContext b = TraceContext::Start(SystemClock().Now());
      b.request_id = "inner";
      ScopedTrace inner(b);
      EXPECT_EQ(CurrentTrace()->request_id, "inner");
      std::thread([] { EXPECT_EQ(CurrentTrace(), nullptr) << "per thread"; }).join();
    }
    EXPECT_EQ(CurrentTrace()->request_id, "outer");
  }
  EXPECT_EQ(CurrentTrace(), nullptr);
}

// What Log() writes to stderr while `f` runs.
template <typename F>
std::string StderrOf(F f) {
  char path[] = "/tmp/vh_log_test_XXXXXX";
  int fd = ::mkstemp(path);
  int saved = ::dup(2);
  ::dup2(fd, 2);
  f();
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::unlink(path);
  return text;
}

TEST(LogTest, LinesCarryTheRequestIdAndTrace) {
  TraceContext t = TraceContext::Continue(kParent, SystemClock().Now());
  t.request_id = "req-7";
  std::string out = StderrOf([&] {
    ScopedTrace scope(t);
    LogInfo("something_happened", {{"count", 1}});
  });
  Json line = Json::parse(out);
  EXPECT_EQ(line["event"], "something_happened");
  EXPECT_EQ(line["request_id"], "req-7");
  EXPECT_EQ(line["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  out = StderrOf([] { LogInfo("outside"); });
  EXPECT_FALSE(Json::parse(out).contains("request_id"));
}

TEST(LogTest, LevelsParseAndFilter) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("verbose"));
  SetLogLevel(LogLevel::kWarn);
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  SetLogLevel(LogLevel::kInfo);
  std::string out = StderrOf([] {
    SetLogLevel(LogLevel::kWarn);
    LogInfo("hidden");
    LogWarn("shown");
    SetLogLevel(LogLevel::kDebug);
    Log(LogLevel::kDebug, "debug_shown");
    SetLogLevel(LogLevel::kInfo);
    Log(LogLevel::kDebug, "debug_hidden");
  });
  EXPECT_EQ(out.find("hidden"), std::string::npos) << out;
  EXPECT_NE(out.find("\"shown\""), std::string::npos);
  EXPECT_NE(out.find("debug_shown"), std::string::npos);
}

TEST(LogTest, ConfigurationsLogLevel) {
  auto dir =
      std::filesystem::temp_directory_path() / ("vh_log_level_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto load = [&](const std::string& log) {
    std::string path = (dir / "gateway.json").string();
    std::ofstream(path) << R"({"listen": "127.0.0.1:1", "metrics_listen": "127.0.0.1:2",
        "policy": "c.json", "data_dir": "d", "keys_dir": "k",
        "tls": {"cert": "a", "key": "b", "client_ca": "c", "crl": "d"})"
                        << (log.empty() ? "" : ", \"log\": " + log) << "}";
    return LoadConfig(path);
  };
  auto c = load("");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_level, LogLevel::kInfo);
  c = load(R"({"level": "debug"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_level, LogLevel::kDebug);
  c = load(R"({"level": "loud"})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/log/level"), std::string::npos);
  c = load(R"({"lvl": "info"})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/log/lvl: unknown key"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vh
