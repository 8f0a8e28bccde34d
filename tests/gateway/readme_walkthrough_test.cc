// The README's curl walkthrough, as written: the fenced blocks after the
// "walkthrough" markers run in one bash (-e -u -o pipefail) against a real
// gateway this test starts, with C and GW pointing at it. Every curl call's
// status is recorded (a curl function in front of the real one adds
// `-w '%{stderr}STEP <status> <method> <url> <file>'`, and keeps the
// response's headers and body in <file>.h and <file>.b) and must be 2xx;
// every JSON response must match docs/openapi.json, as the harness's own
// calls must; the steps must cover the round from scheduling to the audit
// log.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/gateway_harness.h"
#include "tests/support/openapi_check.h"

namespace vh::gw {
namespace {

using vh::testing::GatewayHarness;
using vh::testing::RunCommand;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The sh blocks after the "walkthrough" markers, in order, as one script (a
// later block continues the shell of the one before); "" when there is none.
std::string WalkthroughBlocks(const std::string& readme) {
  std::string script;
  for (auto marker = readme.find("<!-- walkthrough"); marker != std::string::npos;
       marker = readme.find("<!-- walkthrough", marker + 1)) {
    auto open = readme.find("```sh\n", marker);
    if (open == std::string::npos) break;
    open += 6;
    auto close = readme.find("\n```", open);
    if (close == std::string::npos) break;
    script += readme.substr(open, close - open + 1);
  }
  return script;
}

TEST(ReadmeWalkthroughTest, RunsAsWrittenAndEveryStepSucceeds) {
  const std::string block = WalkthroughBlocks(Slurp(GatewayHarness::SourceDir() + "/README.md"));
  ASSERT_FALSE(block.empty()) << "README.md has no walkthrough block after its marker";
  GatewayHarness gw;
  ASSERT_GT(gw.port(), 0) << gw.Log();
  ::setenv("C", gw.certs_dir().c_str(), 1);
  const std::string origin = "https://localhost:" + std::to_string(gw.port());
  ::setenv("GW", origin.c_str(), 1);
  const std::string steps_dir = gw.dir() + "/steps";
  std::filesystem::create_directories(steps_dir);
  ::setenv("VH_STEPS", steps_dir.c_str(), 1);
  const std::string script =
      "set -euo pipefail\n"
      "cd '" +
      GatewayHarness::SourceDir() +
      "'\n"
      "curl() { local f; f=$(mktemp \"$VH_STEPS/s.XXXXXX\"); command curl -D \"$f.h\" "
      "-w \"%{stderr}STEP %{http_code} %{method} %{url_effective} $f\\n\" \"$@\" | tee \"$f.b\"; "
      "}\n" +
      block;
  std::string out, err;
  const int exit_code = RunCommand({"bash", "-c", script}, &out, &err);
  ::unsetenv("C");
  ::unsetenv("GW");
  ::unsetenv("VH_STEPS");
  EXPECT_EQ(exit_code, 0) << "stdout:\n" << out << "\nstderr:\n" << err;

  std::vector<std::string> steps;
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("STEP ", 0) != 0) continue;
    steps.push_back(line);
    const int status = std::atoi(line.c_str() + 5);
    EXPECT_TRUE(status >= 200 && status < 300) << line;
    // "STEP <status> <method> <url> <file>": the response against the description.
    std::istringstream fields(line.substr(5));
    std::string code, method, url, file;
    fields >> code >> method >> url >> file;
    ASSERT_EQ(url.rfind(origin, 0), 0u) << line;
    vh::testing::HttpResult r;
    r.status = status;
    r.headers = Slurp(file + ".h");
    r.body = Slurp(file + ".b");
    if (r.body.rfind("HTTP/", 0) == 0) {  // curl -i: the headers in front of the body
      const auto end = r.body.find("\r\n\r\n");
      r.body = end == std::string::npos ? "" : r.body.substr(end + 4);
    }
    vh::testing::ExpectMatchesDescription(method, url.substr(origin.size()), r);
  }
  EXPECT_GE(steps.size(), 20u) << err;
  auto has_step = [&](const std::string& method, const std::string& path_part) {
    for (const std::string& s : steps) {
      if (s.find(" " + method + " ") != std::string::npos &&
          s.find(path_part) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  for (const auto& [method, part] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/health"},
                                                        {"POST", "/v1/meetings"},
                                                        {"POST", "/requests"},
                                                        {"PUT", "/answer"},
                                                        {"POST", "/decline"},
                                                        {"GET", "/dossier"},
                                                        {"POST", "/declarations"},
                                                        {"PUT", "/phase"},
                                                        {"POST", "/close"},
                                                        {"POST", "/v1/audit/report"},
                                                        {"GET", "/v1/audit/verify"},
                                                        {"POST", "/v1/notifications"},
                                                        {"POST", "/triage"},
                                                        {"POST", "/holder"},
                                                        {"POST", "/follow-up"},
                                                        {"POST", "/v1/check"},
                                                        {"GET", "/v1/statistics"}}) {
    EXPECT_TRUE(has_step(method, part)) << method << " " << part << " not among the steps:\n"
                                        << err;
  }
  // The ids the walkthrough captured were real, and the answers what it says.
  EXPECT_NE(out.find("meeting m-"), std::string::npos) << out;
  EXPECT_NE(out.find("\"withheld\":[\"justitie.lopend_toezicht\"]"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Request-Id: walkthrough-1"), std::string::npos) << out;
  EXPECT_NE(out.find("traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-"), std::string::npos);
  EXPECT_NE(out.find("\"intact\":true"), std::string::npos) << out;
  EXPECT_NE(out.find("notification n-"), std::string::npos) << out;
  EXPECT_NE(out.find("case c-"), std::string::npos) << out;
  EXPECT_NE(out.find("\"case_holder\":\"reclassering\",\"known\":true"), std::string::npos) << out;
  EXPECT_EQ(gw.Stop(), 0);
}

}  // namespace
}  // namespace vh::gw
