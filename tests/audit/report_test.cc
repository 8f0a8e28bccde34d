// The access report's rendering (audit/report.h).

#include "audit/report.h"

#include <gtest/gtest.h>

#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {

TEST(ReportTest, DutchCivilTime) {
  EXPECT_EQ(DutchDateTime(*ParseUtc("2026-11-23T08:15:00Z")), "23 november 2026 om 09:15");
  EXPECT_EQ(DutchDateTime(*ParseUtc("2026-07-01T22:30:00Z")), "2 juli 2026 om 00:30");
  EXPECT_EQ(DutchDateTime(*ParseUtc("2026-03-29T00:59:00Z")), "29 maart 2026 om 01:59");
  EXPECT_EQ(DutchDateTime(*ParseUtc("2026-03-29T01:00:00Z")), "29 maart 2026 om 03:00");
}

TEST(ReportTest, HtmlEscapesEverything) {
  StoredEvent e;
  e.seq = 1;
  e.time = "2026-11-23T08:00:00.000Z";
  e.event = testing::SampleEvent(1);
  e.event.overlegvorm = "<script>alert(1)</script>";
  ReportContext ctx;
  Json r = BuildAccessReport({e}, ctx, {}, testing::T0());
  std::string html = RenderAccessReportHtml(r);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
}

}  // namespace
}  // namespace vh::audit
