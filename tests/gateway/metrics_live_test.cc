// The metrics listener of a LIVE gateway (the real `vhgate serve`) after some
// traffic, checked by Prometheus' own linter: `promtool check metrics` must
// find nothing to complain about (HELP and TYPE on every family, counter
// names ending in _total, base units, label names). And the operator's
// metrics (gateway/ops_metrics.h) are there with sensible values.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/gateway_harness.h"

namespace vh::testing {
namespace {

using ::testing::HasSubstr;

TEST(MetricsLiveTest, PromtoolAcceptsTheMetricsOfALiveGateway) {
  std::string out, err;
  ASSERT_EQ(RunCommand({"sh", "-c", "command -v promtool"}, &out, &err), 0)
      << "promtool not found: scripts/install-deps.sh installs the Debian package prometheus";

  HarnessOptions o;
  o.start = false;
  GatewayHarness gw(o);
  const std::string drop = gw.dir() + "/drop";
  gw.WriteConfig({{"audit", {{"checkpoint_every", 1}}},
                  {"adapters", Json::array({{{"partner", "gemeente-leiden"},
                                             {"kind", "file-drop"},
                                             {"dir", drop},
                                             {"format", "csv"},
                                             {"settle_seconds", 0},
                                             {"poll_seconds", 1}}})}});
  std::string log;
  ASSERT_TRUE(gw.Start(&log)) << log;

  // Traffic for every kind of family: requests (200, 404), a refused
  // handshake, a meeting whose requests await answers, an adapter's file.
  EXPECT_EQ(gw.Get("politie.participant", "/v1/health").status, 200);
  EXPECT_EQ(gw.Get("politie.participant", "/v1/nope").status, 404);
  EXPECT_EQ(gw.Get("", "/v1/health").status, 0);
  Json meeting{{"overlegvorm", "briefing"},
               {"title", "Metrics"},
               {"starts_at", "2030-01-07T09:00:00Z"},
               {"ends_at", "2030-01-07T11:00:00Z"},
               {"subjects",
                {{{"ref", "S1"},
                  {"identity",
                   {{"persoon.naam", "Test Een"},
                    {"persoon.geboortedatum", "1990-01-01"},
                    {"persoon.bsn", SyntheticBsn(1)}}},
                  {"reason", "synthetische melding"}}}}};
  auto m = gw.Post("veiligheidshuis-hm.coordinator", "/v1/meetings", meeting);
  ASSERT_EQ(m.status, 201) << m.body;
  auto r = gw.Post("veiligheidshuis-hm.coordinator",
                   "/v1/meetings/" + m.json().value("id", "") + "/requests",
                   Json{{"deadline", "2030-01-06T12:00:00Z"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::filesystem::create_directories(drop);
  std::ofstream(drop + "/export.csv") << "Onbekend;Kolom\n1;2\n";

  std::string metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = gw.Metrics();
    if (metrics.find("vhgate_adapter_files_total{") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_THAT(metrics, HasSubstr("vhgate_adapter_files_total{partner=\"gemeente-leiden\""));

  int rc = RunCommand({"promtool", "check", "metrics"}, &out, &err, metrics);
  EXPECT_EQ(rc, 0) << out << err << "\n" << metrics;
  EXPECT_EQ(out + err, "") << metrics;

  EXPECT_THAT(metrics, HasSubstr("\nvhgate_build_info{version=\""));
  EXPECT_THAT(metrics, HasSubstr("\",commit=\""));
  EXPECT_GE(MetricValue(metrics, "vhgate_requests_open{status=\"open\"}"), 1) << metrics;
  EXPECT_THAT(metrics, HasSubstr("\nvhgate_requests_open{status=\"overdue\"} 0\n"));
  EXPECT_THAT(metrics, HasSubstr("\nvhgate_requests_open{status=\"failed\"} 0\n"));
  EXPECT_GT(MetricValue(metrics, "process_open_fds"), 5) << metrics;
  EXPECT_GT(MetricValue(metrics, "process_resident_memory_bytes"), 1 << 20) << metrics;
  EXPECT_GT(MetricValue(metrics, "process_start_time_seconds"), 1600000000) << metrics;
  EXPECT_THAT(metrics, HasSubstr("\nprocess_cpu_seconds_total "));
  // The log signs a checkpoint after every event here (checkpoint_every 1).
  EXPECT_THAT(metrics, HasSubstr("\nvhgate_audit_last_checkpoint_age_seconds "));
  EXPECT_EQ(gw.Stop(), 0);
}

}  // namespace
}  // namespace vh::testing
