// `vhgate retention run` through the command line, in process, against the
// data of a gateway that is not started.

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "gateway/commands/command_line.h"
#include "tests/support/gateway_harness.h"

namespace vh::gw {
namespace {

using vh::testing::GatewayHarness;
using vh::testing::HarnessOptions;

int Retention(const std::vector<std::string>& args, std::string* out, std::string* err) {
  std::ostringstream o, e;
  int rc = gw::RunCommandLine(args, o, e);
  *out = o.str();
  *err = e.str();
  return rc;
}

// A usage error is one line naming the problem (gateway/commands/command_line.h).
TEST(RetentionCommandTest, BadUsageIs2) {
  std::string out, err;
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"retention"},
                                             {"retention", "run"},
                                             {"retention", "--config", "x.json"},
                                             {"retention", "run", "--config"},
                                             {"retention", "run", "--verbose"}}) {
    EXPECT_EQ(Retention(args, &out, &err), 2);
    EXPECT_EQ(err.rfind("vhgate retention", 0), 0u) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_EQ(out, "");
  }
}

TEST(RetentionCommandTest, AnUnreadableConfigurationIs1) {
  std::string out, err;
  EXPECT_EQ(Retention({"retention", "run", "--config", "/nonexistent/gateway.json"}, &out, &err),
            1);
  EXPECT_NE(err.find("/nonexistent/gateway.json"), std::string::npos) << err;
}

TEST(RetentionCommandTest, RunsAgainstTheGatewaysData) {
  HarnessOptions o;
  o.start = false;
  GatewayHarness gw(o);
  std::string out, err;
  EXPECT_EQ(Retention({"retention", "run", "--config", gw.config_path()}, &out, &err), 0) << err;
  EXPECT_NE(out.find(": 0 meeting(s) shredded\n"), std::string::npos) << out;
  EXPECT_EQ(out.rfind("retention run at ", 0), 0u) << out;
}

TEST(RetentionCommandTest, MissingKeysAre1NamingThem) {
  HarnessOptions o;
  o.start = false;
  o.init_keys = false;
  GatewayHarness gw(o);
  std::string out, err;
  EXPECT_EQ(Retention({"retention", "run", "--config", gw.config_path()}, &out, &err), 1);
  EXPECT_NE(err.find(gw.dir() + "/keys"), std::string::npos) << err;
}

}  // namespace
}  // namespace vh::gw
