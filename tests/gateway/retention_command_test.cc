#include "gateway/commands/retention_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/gateway_harness.h"

namespace vh::gw {
namespace {

using vh::testing::GatewayHarness;
using vh::testing::HarnessOptions;

int RunCommandLine(const std::vector<std::string>& args, std::string* out, std::string* err) {
  std::ostringstream o, e;
  int rc = RunRetentionCommand(args, o, e);
  *out = o.str();
  *err = e.str();
  return rc;
}

TEST(RetentionCommandTest, BadUsageIs2) {
  std::string out, err;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"run"}, {"--config", "x.json"}, {"run", "--config"}, {"run", "--verbose"}}) {
    EXPECT_EQ(RunCommandLine(args, &out, &err), 2);
    EXPECT_EQ(err, "usage: vhgate retention run --config F\n");
    EXPECT_EQ(out, "");
  }
}

TEST(RetentionCommandTest, AnUnreadableConfigurationIs1) {
  std::string out, err;
  EXPECT_EQ(RunCommandLine({"run", "--config", "/nonexistent/gateway.json"}, &out, &err), 1);
  EXPECT_NE(err.find("/nonexistent/gateway.json"), std::string::npos) << err;
}

TEST(RetentionCommandTest, RunsAgainstTheGatewaysData) {
  HarnessOptions o;
  o.start = false;
  GatewayHarness gw(o);
  std::string out, err;
  // A leading "retention" is skipped.
  EXPECT_EQ(RunCommandLine({"retention", "run", "--config", gw.config_path()}, &out, &err), 0)
      << err;
  EXPECT_NE(out.find(": 0 meeting(s) shredded\n"), std::string::npos) << out;
  EXPECT_EQ(out.rfind("retention run at ", 0), 0u) << out;
}

TEST(RetentionCommandTest, MissingKeysAre1NamingThem) {
  HarnessOptions o;
  o.start = false;
  o.init_keys = false;
  GatewayHarness gw(o);
  std::string out, err;
  EXPECT_EQ(RunCommandLine({"run", "--config", gw.config_path()}, &out, &err), 1);
  EXPECT_NE(err.find(gw.dir() + "/keys"), std::string::npos) << err;
}

}  // namespace
}  // namespace vh::gw
