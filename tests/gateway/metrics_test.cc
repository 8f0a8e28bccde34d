#include "gateway/metrics.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace vh::gw
