// The real `vhgate` binary's command line: a usage error (unknown flag or
// command, missing required flag, extra argument, bad value) exits 2 with one
// line on stderr naming it and nothing on stdout; --help on every command
// lists its flags and --version prints the version, both exit 0.

#include "gateway/commands/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "audit/audit_service.h"
#include "audit/event.h"
#include "tests/support/gateway_harness.h"

namespace vh::gw {
namespace {

using ::testing::HasSubstr;
using vh::testing::GatewayHarness;
using vh::testing::HarnessOptions;

struct Outcome {
  int code = -1;
  std::string out, err;
};

class CommandLineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    HarnessOptions o;
    o.start = false;
    gw_ = new GatewayHarness(o);  // a configuration with keys; no server
  }
  static void TearDownTestSuite() {
    delete gw_;
    gw_ = nullptr;
  }
  static Outcome Vhgate(const std::vector<std::string>& args) {
    Outcome r;
    r.code = gw_->RunCli(args, &r.out, &r.err, /*with_config=*/false);
    return r;
  }
  static std::string Config() { return gw_->config_path(); }
  static std::string Covenant() { return GatewayHarness::SourceDir() + "/examples/convenant.json"; }
  // Exit 2, nothing on stdout, and exactly `line` on stderr.
  static void ExpectUsageError(const std::vector<std::string>& args, const std::string& line) {
    Outcome r = Vhgate(args);
    EXPECT_EQ(r.code, 2) << line << "\n" << r.err;
    EXPECT_EQ(r.err, line + "\n");
    EXPECT_EQ(r.out, "");
  }
  // Exit 2, nothing on stdout, one line on stderr that holds `part`.
  static Outcome ExpectOneLineNaming(const std::vector<std::string>& args,
                                     const std::string& part) {
    Outcome r = Vhgate(args);
    EXPECT_EQ(r.code, 2) << part << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_THAT(r.err, HasSubstr(part));
    EXPECT_EQ(r.out, "");
    return r;
  }

  static GatewayHarness* gw_;
};

GatewayHarness* CommandLineTest::gw_ = nullptr;

TEST_F(CommandLineTest, UnknownFlagsExitTwoNamingThem) {
  // Once returned every event, the filter ignored.
  ExpectUsageError({"audit", "query", "--config", Config(), "--bns", "123456782"},
                   "vhgate audit query: unknown flag --bns");
  ExpectUsageError({"audit", "query", "--bns=123456782", "--config", Config()},
                   "vhgate audit query: unknown flag --bns");
  // Named before the missing --config.
  ExpectUsageError({"audit", "query", "--bns", "123456782"},
                   "vhgate audit query: unknown flag --bns");
  ExpectUsageError({"policy", "check", "--x", Covenant()}, "vhgate policy check: unknown flag --x");
  ExpectUsageError({"serve", "--confg", Config()}, "vhgate serve: unknown flag --confg");
  ExpectUsageError({"retention", "run", "--config", Config(), "--verbose"},
                   "vhgate retention run: unknown flag --verbose");
  ExpectUsageError({"--frobnicate"}, "vhgate: unknown flag --frobnicate");
}

TEST_F(CommandLineTest, UnknownOrMissingCommandsExitTwo) {
  ExpectOneLineNaming({}, "a command is required");
  ExpectOneLineNaming({"frobnicate"}, "vhgate: unknown command 'frobnicate'");
  ExpectOneLineNaming(
      {"audit"},
      "vhgate audit: a command is required (verify, query, report, text-mac, export, prove)");
  ExpectOneLineNaming({"audit", "erase", "--config", Config()}, "unknown command 'erase'");
  ExpectOneLineNaming({"policy", "frobnicate"}, "vhgate policy: unknown command 'frobnicate'");
  ExpectOneLineNaming({"keys"}, "vhgate keys: a command is required (init)");
}

TEST_F(CommandLineTest, AMissingConfigExitsTwo) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"serve"},
                                             {"keys", "init"},
                                             {"audit", "verify"},
                                             {"audit", "query"},
                                             {"audit", "report", "--bsn", "123456782"},
                                             {"retention", "run"}}) {
    ExpectOneLineNaming(args, "--config is required");
  }
  ExpectUsageError({"serve", "--config"}, "vhgate serve: --config needs a value");
  ExpectOneLineNaming({"audit", "report", "--config", Config()},
                      "--bsn (or --meeting and --ref) is required");
  ExpectOneLineNaming({"policy", "check"}, "F is required");
  ExpectOneLineNaming({"policy", "diff", Covenant()}, "NEW is required");
  ExpectOneLineNaming({"policy", "explain", Covenant(), "--field", "persoon.naam"}, "is required");
}

TEST_F(CommandLineTest, ExtraArgumentsExitTwo) {
  ExpectUsageError({"policy", "diff", Covenant(), Covenant(), "third.json"},
                   "vhgate policy diff: unexpected argument 'third.json'");
  ExpectUsageError({"audit", "verify", "--config", Config(), "now"},
                   "vhgate audit verify: unexpected argument 'now'");
  ExpectUsageError({"policy", "check", Covenant(), Covenant()},
                   "vhgate policy check: unexpected argument '" + Covenant() + "'");
}

TEST_F(CommandLineTest, BadValuesExitTwo) {
  ExpectOneLineNaming({"policy", "matrix", Covenant(), "--format", "pdf"},
                      "vhgate policy matrix: --format");
  ExpectOneLineNaming(
      {"audit", "report", "--config", Config(), "--bsn", "123456782", "--format", "pdf"},
      "--format");
  // A BSN that fails the 11-proef: named by its flag, never by the number.
  Outcome r = ExpectOneLineNaming({"audit", "report", "--config", Config(), "--bsn", "123456789"},
                                  "vhgate audit report: ");
  EXPECT_THAT(r.err, HasSubstr("--bsn"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("123456789")));
  ExpectOneLineNaming({"audit", "query", "--config", Config(), "--limit", "0"}, "--limit");
  ExpectOneLineNaming(
      {"policy", "explain", Covenant(), "--overlegvorm", "briefing", "--field", "persoon.naam",
       "--from", "politie", "--to", "om", "--resident", "--not-resident"},
      "--resident and --not-resident exclude each other");
}

TEST_F(CommandLineTest, HelpOnEveryCommandListsItsFlags) {
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases = {
      {{}, {"serve", "policy", "keys", "audit", "retention", "--version"}},
      {{"serve"}, {"--config"}},
      {{"policy"}, {"check", "explain", "matrix", "diff"}},
      {{"policy", "check"}, {"F"}},
      {{"policy", "explain"},
       {"F", "--overlegvorm", "--field", "--from", "--to", "--ad-hoc", "--client-present",
        "--supplier-ad-hoc", "--resident", "--not-resident"}},
      {{"policy", "matrix"}, {"F", "--format", "md|html"}},
      {{"policy", "diff"}, {"OLD", "NEW"}},
      {{"keys"}, {"init"}},
      {{"keys", "init"}, {"--config"}},
      {{"audit"}, {"verify", "query", "report", "text-mac"}},
      {{"audit", "verify"}, {"--config"}},
      {{"audit", "query"}, {"--config"}},
      {{"audit", "report"}, {"--config"}},
      {{"audit", "text-mac"}, {"--config", "--purpose", "--id", "--text-file", "--exact"}},
      {{"retention"}, {"run"}},
      {{"retention", "run"}, {"--config"}},
  };
  for (const auto& [command, flags] : cases) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    Outcome r = Vhgate(args);
    EXPECT_EQ(r.code, 0) << args[0] << r.err;
    for (const std::string& flag : flags) {
      EXPECT_THAT(r.out, HasSubstr(flag)) << "vhgate " << ::testing::PrintToString(command);
    }
  }
  Outcome query = Vhgate({"audit", "query", "--help"});
  for (const audit::ParamSpec& p : audit::kQueryFilters) {
    EXPECT_THAT(query.out, HasSubstr(std::string("--") + p.name));
    EXPECT_THAT(query.out, HasSubstr(p.help));
  }
  for (std::string_view type : audit::kEventTypes) {
    EXPECT_THAT(query.out, HasSubstr(std::string(type)));
  }
  Outcome report = Vhgate({"audit", "report", "--help"});
  for (const audit::ParamSpec& p : audit::kReportParams) {
    EXPECT_THAT(report.out, HasSubstr(std::string("--") + p.name));
    EXPECT_THAT(report.out, HasSubstr(p.help));
  }
  EXPECT_EQ(Vhgate({"-h"}).code, 0);
}

TEST_F(CommandLineTest, VersionPrintsTheProjectVersion) {
  Outcome r = Vhgate({"--version"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, VersionLine() + "\n");
  EXPECT_THAT(r.out, ::testing::MatchesRegex("vhgate [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

}  // namespace
}  // namespace vh::gw
