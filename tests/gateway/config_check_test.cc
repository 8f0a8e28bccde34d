// `vhgate config check --config F` (gateway/config_check.h) through the real
// binary, on configurations the harness writes (the example PKI, the example
// covenant, fresh keys) and then breaks; and `vhgate serve` refusing one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/gateway_harness.h"

namespace vh::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

struct Check {
  int code = -1;
  std::vector<std::string> lines;  // stdout
  std::string out, err;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class ConfigCheckTest : public ::testing::Test {
 protected:
  // A harness that does not start: its configuration, keys and directory.
  std::unique_ptr<GatewayHarness> Harness(Json patch = Json::object()) {
    HarnessOptions o;
    o.start = false;
    o.config_patch = std::move(patch);
    return std::make_unique<GatewayHarness>(o);
  }
  Check Run(GatewayHarness& gw, const std::string& config = "") {
    Check c;
    std::vector<std::string> args = {"config", "check"};
    if (!config.empty()) args.insert(args.end(), {"--config", config});
    c.code = gw.RunCli(args, &c.out, &c.err, /*with_config=*/config.empty());
    c.lines = Lines(c.out);
    return c;
  }
  static std::string Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(ConfigCheckTest, CleanConfigurationIsOneOkLine) {
  auto gw = Harness();
  Check c = Run(*gw);
  EXPECT_EQ(c.code, 0) << c.out << c.err;
  ASSERT_THAT(c.lines, SizeIs(1)) << c.out;
  EXPECT_THAT(c.lines[0], StartsWith(gw->config_path() + ": ok: configuration "));
  EXPECT_THAT(c.lines[0], AllOf(HasSubstr("covenant vh-hollands-midden 2016.2"),
                                HasSubstr("4 TLS files"), HasSubstr("5 key files")));
  EXPECT_EQ(c.err, "");
}

TEST_F(ConfigCheckTest, SyntaxErrorNamesLineAndColumn) {
  auto gw = Harness();
  std::string path = Write(gw->dir() + "/broken.json",
                           "{\n  // a comment\n  \"listen\": \"127.0.0.1:8443\"\n"
                           "  \"metrics_listen\": \"127.0.0.1:9443\"\n}\n");
  Check c = Run(*gw, path);
  EXPECT_EQ(c.code, 1);
  EXPECT_THAT(c.lines, ElementsAre(path + ":4:3: unexpected string literal; expected ',' or '}'"));
  EXPECT_EQ(c.err, path + ": 1 problem\n");
}

TEST_F(ConfigCheckTest, ListsEveryProblemWithItsPath) {
  auto gw = Harness();
  gw->WriteConfig({{"bogus", true},
                   {"threads", "many"},
                   {"listen", "127.0.0.1:99999"},
                   {"audit", {{"checkpoint_seconds", 0}}},
                   {"tls", {{"colour", "blue"}, {"crl", "/nonexistent/crl.pem"}}}});
  Check c = Run(*gw);
  EXPECT_EQ(c.code, 1);
  const std::string f = gw->config_path();
  EXPECT_THAT(c.lines, Contains(f + ": /bogus: unknown key"));
  EXPECT_THAT(c.lines, Contains(f + ": /tls/colour: unknown key"));
  EXPECT_THAT(c.lines, Contains(f + ": /threads: expected an integer from 0 to 1000000000"));
  EXPECT_THAT(
      c.lines,
      Contains(f + ": /audit/checkpoint_seconds: expected an integer from 1 to 1000000000"));
  EXPECT_THAT(c.lines, Contains(f + ": /listen: port out of range"));
  EXPECT_THAT(c.lines, Contains(f + ": tls.crl /nonexistent/crl.pem: cannot read: No such file "
                                    "or directory"));
  EXPECT_THAT(c.lines, SizeIs(6)) << c.out;
  EXPECT_EQ(c.err, f + ": 6 problems\n");
}

TEST_F(ConfigCheckTest, MissingRequiredKeyAndWrongType) {
  auto gw = Harness();
  gw->WriteConfig({{"metrics_listen", nullptr}, {"tls", {{"key", 42}}}});
  Check c = Run(*gw);
  EXPECT_EQ(c.code, 1);
  const std::string f = gw->config_path();
  EXPECT_THAT(c.lines, ElementsAre(f + ": /tls/key: expected a non-empty string",
                                   f + ": /metrics_listen: missing"))
      << c.out;
}

TEST_F(ConfigCheckTest, KeyFileOpenToOthersAndMissingKeyAreNamed) {
  auto gw = Harness();
  const std::string keys = gw->dir() + "/keys";
  ASSERT_EQ(::chmod((keys + "/pseudonym.key").c_str(), 0644), 0);
  std::filesystem::remove(keys + "/case-store.key");
  Check c = Run(*gw);
  EXPECT_EQ(c.code, 1);
  const std::string f = gw->config_path();
  EXPECT_THAT(c.lines,
              ElementsAre(f + ": /keys_dir: " + keys +
                              "/pseudonym.key: readable or writable by group or others (chmod 600)",
                          f + ": /keys_dir: " + keys +
                              "/case-store.key: missing (`vhgate keys "
                              "init --config " +
                              f + "` creates it)"))
      << c.out;
}

TEST_F(ConfigCheckTest, TlsKeyReadableByOthersIsNamed) {
  auto gw = Harness();
  std::string key = gw->dir() + "/server.key";
  std::filesystem::copy_file(gw->certs_dir() + "/server.key", key);
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  gw->WriteConfig({{"tls", {{"key", key}}}});
  Check c = Run(*gw);
  EXPECT_EQ(c.code, 1);
  EXPECT_THAT(c.lines, ElementsAre(gw->config_path() + ": tls.key " + key +
                                   ": a private key readable or writable by others (chmod o-rwx)"));
}

TEST_F(ConfigCheckTest, CovenantProblemsAreAllListed) {
  auto gw = Harness();
  std::string text =
      ReadAll(std::string(std::getenv("VH_SOURCE_DIR")) + "/examples/convenant.json");
  text.replace(text.find("\"valid_from\": \"2016-01-01\""), 26, "\"valid_from\": \"2016-13-01\"");
  text.replace(text.find("\"house\": "), 9, "\"extra\": 1, \"house\": ");
  std::string covenant = Write(gw->dir() + "/covenant.json", text);
  gw->WriteConfig({{"policy", covenant}});
  Check c = Run(*gw);
  EXPECT_EQ(c.code, 1);
  EXPECT_THAT(c.lines, ElementsAre(covenant + ": /extra: unknown key",
                                   covenant + ": /convenant/valid_from: not a date (YYYY-MM-DD): "
                                              "'2016-13-01'"))
      << c.out;

  // A syntax error in the covenant: its line and column.
  Write(covenant, "{\n  \"convenant\": {\"id\": \"x\",}\n}\n");
  c = Run(*gw);
  EXPECT_THAT(c.lines, ElementsAre(covenant + ":2:27: unexpected '}'; expected string literal"));

  gw->WriteConfig({{"policy", gw->dir() + "/nope.json"}});
  c = Run(*gw);
  ASSERT_THAT(c.lines, SizeIs(1));
  EXPECT_THAT(c.lines[0], HasSubstr(": /policy: " + gw->dir() + "/nope.json: cannot read"));
}

TEST_F(ConfigCheckTest, BadAdapterEntriesAreNamed) {
  auto gw = Harness();
  const std::string certs = gw->certs_dir();
  Json pull = {{"partner", "politie"},          {"kind", "https-pull"},
               {"url", "http://127.0.0.1:1/x"}, {"ca", certs + "/ca.crt"},
               {"cert", certs + "/server.crt"}, {"key", certs + "/server.key"}};
  gw->WriteConfig({{"adapters", Json::array({pull})}});
  Check c = Run(*gw);
  const std::string f = gw->config_path();
  EXPECT_EQ(c.code, 1);
  EXPECT_THAT(c.lines, ElementsAre(f + ": /adapters/0/url: expected an https:// URL"));

  // Structure (the schema) and the covenant (partner, mapping).
  Json drop = {{"partner", "politie"}, {"kind", "file-drop"}, {"dir", gw->dir() + "/drop"}};
  pull["url"] = "https://127.0.0.1:1/x";
  pull["partner"] = "nobody";
  pull["mapping"] = {{"x", "geen.veld"}};
  gw->WriteConfig({{"adapters", Json::array({pull, drop})}});
  c = Run(*gw);
  EXPECT_THAT(c.lines, ElementsAre(f + ": /adapters/1/format: missing")) << c.out;
  drop["format"] = "csv";
  drop["timout_ms"] = 5;
  gw->WriteConfig({{"adapters", Json::array({pull, drop})}});
  c = Run(*gw);
  EXPECT_THAT(c.lines, ElementsAre(f + ": /adapters/1/timout_ms: unknown key")) << c.out;
  drop.erase("timout_ms");
  gw->WriteConfig({{"adapters", Json::array({pull, drop})}});
  c = Run(*gw);
  EXPECT_THAT(c.lines,
              ElementsAre(f + ": /adapters/0/partner: 'nobody' is not a partner in the covenant",
                          f + ": /adapters/0/mapping/x: 'geen.veld' is not a covenant field"))
      << c.out;
}

TEST_F(ConfigCheckTest, UsageErrorsExitTwo) {
  auto gw = Harness();
  Check c;
  c.code = gw->RunCli({"config", "check"}, &c.out, &c.err, /*with_config=*/false);
  EXPECT_EQ(c.code, 2);
  EXPECT_THAT(c.err, HasSubstr("vhgate config check: --config is required"));
  c.code = gw->RunCli({"config"}, &c.out, &c.err, /*with_config=*/false);
  EXPECT_EQ(c.code, 2);
  c.code = gw->RunCli({"config", "check", "--config", gw->dir() + "/none.json"}, &c.out, &c.err,
                      /*with_config=*/false);
  EXPECT_EQ(c.code, 1);
  EXPECT_THAT(c.out, HasSubstr(gw->dir() + "/none.json: cannot read"));
}

TEST_F(ConfigCheckTest, ServeStopsAtABadConfigurationListingEveryProblem) {
  auto gw = Harness();
  gw->WriteConfig({{"bogus", 1}, {"threads", -1}});
  std::string log;
  EXPECT_FALSE(gw->Start(&log));
  EXPECT_THAT(log, HasSubstr("vhgate serve: " + gw->config_path() + ": /bogus: unknown key"));
  EXPECT_THAT(log, HasSubstr("vhgate serve: " + gw->config_path() +
                             ": /threads: expected an integer from 0 to 1000000000"));
}

}  // namespace
}  // namespace vh::testing
