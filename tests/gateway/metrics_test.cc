#include "gateway/metrics.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace vh::gw {
namespace {

TEST(MetricsTest, RendersCountersHistogramAndGauge) {
  Metrics m;
  m.CountRequest("/v1/meetings/{id}", 200, std::chrono::milliseconds(3));
  m.CountRequest("/v1/meetings/{id}", 200, std::chrono::milliseconds(30));
  m.CountHandshakeFailure("revoked");
  m.ConnectionOpened();
  m.Add("vhgate_adapter_failures_total", "partner=\"politie\",reason=\"timeout\"");
  std::string text = m.Render();
  EXPECT_NE(text.find("vhgate_requests_total{route=\"/v1/meetings/{id}\",status=\"200\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("vhgate_handshake_failures_total{reason=\"revoked\"} 1"), std::string::npos);
  EXPECT_NE(text.find("vhgate_request_duration_seconds_bucket{le=\"0.005\"} 1"), std::string::npos);
  EXPECT_NE(text.find("vhgate_request_duration_seconds_count 2"), std::string::npos);
  EXPECT_NE(text.find("vhgate_open_connections 1"), std::string::npos);
  EXPECT_NE(text.find("vhgate_adapter_failures_total{partner=\"politie\",reason=\"timeout\"} 1"),
            std::string::npos);
  EXPECT_EQ(m.HandshakeFailures("revoked"), 1);
}

// Each thread counts in a shard of its own; the scrape adds them all up.
TEST(MetricsTest, RequestsCountedOnManyThreadsAddUp) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 100; ++i) {
        m.CountRequest("/v1/health", t % 2 == 0 ? 200 : 503, std::chrono::microseconds(100));
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::string text = m.Render();
  EXPECT_NE(text.find("vhgate_requests_total{route=\"/v1/health\",status=\"200\"} 600\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("vhgate_requests_total{route=\"/v1/health\",status=\"503\"} 600\n"),
            std::string::npos);
  EXPECT_NE(text.find("vhgate_request_duration_seconds_bucket{le=\"0.0005\"} 1200\n"),
            std::string::npos);
  EXPECT_NE(text.find("vhgate_request_duration_seconds_count 1200\n"), std::string::npos);
}

}  // namespace
}  // namespace vh::gw

namespace vh::gw {
namespace {

TEST(MetricsTest, EveryFamilyHasHelpAndType) {
  Metrics m;
  m.Add("vhgate_adapter_files_total", "partner=\"p\",outcome=\"imported\"");
  m.Describe("vhgate_adapter_files_total", "Files.");
  m.Add("vhgate_other_total", "");
  m.AddSampledFamily("vhgate_requests_open", "gauge", "Open.", [] {
    return std::vector<Metrics::Sample>{{"status=\"open\"", 3}, {"status=\"failed\"", 0.5}};
  });
  m.AddSampledFamily("process_start_time_seconds", "gauge", "Start.", [] {
    return std::vector<Metrics::Sample>{{"", 1764696000.25}};
  });
  std::string text = m.Render();
  EXPECT_NE(text.find("# HELP vhgate_adapter_files_total Files.\n"
                      "# TYPE vhgate_adapter_files_total counter\n"
                      "vhgate_adapter_files_total{partner=\"p\",outcome=\"imported\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# HELP vhgate_other_total "), std::string::npos);
  EXPECT_NE(text.find("# HELP vhgate_requests_open Open.\n# TYPE vhgate_requests_open gauge\n"
                      "vhgate_requests_open{status=\"open\"} 3\n"
                      "vhgate_requests_open{status=\"failed\"} 0.5\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nprocess_start_time_seconds 1764696000.25\n"), std::string::npos) << text;
  // Every # TYPE line follows its # HELP line.
  for (std::size_t at = text.find("# TYPE "); at != std::string::npos;
       at = text.find("# TYPE ", at + 1)) {
    std::string name = text.substr(at + 7, text.find(' ', at + 7) - at - 7);
    EXPECT_NE(text.rfind("# HELP " + name + " ", at), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace vh::gw

namespace vh::gw {
namespace {

// The deadlock the disk-full fault found: a scrape read the case store's
// open requests (waiting for its lock) while holding the metrics lock; the
// handler holding the case store's lock waited for an audit commit, whose
// completion counts a request. Here a sampled reader waits for a request to
// be counted, as that handler would: it must not wait forever.
TEST(MetricsTest, SampledReadersRunWithoutTheCountersLock) {
  Metrics m;
  std::promise<void> counted;
  auto counted_future = counted.get_future();
  m.AddSampled("vhgate_waits", "gauge", "Waits for a counted request.", [&] {
    return counted_future.wait_for(std::chrono::seconds(5)) == std::future_status::ready ? 1 : 0;
  });
  std::string text;
  std::thread scrape([&] { text = m.Render(); });
  // Give the scrape time to be inside the reader, then count.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto count = std::async(std::launch::async, [&] {
    m.CountRequest("/v1/health", 200, std::chrono::milliseconds(1));
    counted.set_value();
  });
  EXPECT_EQ(count.wait_for(std::chrono::seconds(3)), std::future_status::ready)
      << "CountRequest waited for the scrape's reader";
  scrape.join();
  EXPECT_NE(text.find("vhgate_waits 1"), std::string::npos) << text;
}

}  // namespace
}  // namespace vh::gw
