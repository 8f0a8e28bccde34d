#include "policy/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/policy/test_util.h"

namespace vh::policy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::vh::policy::testing::ExamplePath;
using ::vh::policy::testing::ReadFile;

struct CliRun {
  int code;
  std::string out, err;
};

CliRun Policy(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = RunPolicyCommand(args, out, err);
  return {code, out.str(), err.str()};
}

class PolicyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vh_policy_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string Modified(const std::string& from, const std::string& to) {
    std::string text = ReadFile(ExamplePath());
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return Write("new.json", text);
  }
  std::filesystem::path dir_;
};

TEST_F(PolicyCliTest, CheckValid) {
  CliRun r = Policy({"check", ExamplePath()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(": valid: convenant vh-hollands-midden"));
}

TEST_F(PolicyCliTest, CheckInvalidPrintsOneLinePerProblem) {
  std::string path = Modified(R"("retention_days": 90,)", R"("retention_days": "lang",)");
  std::string text = ReadFile(path);
  text.replace(text.find(R"("chain": "zorg")"), 15, R"("chain": "care")");
  Write("new.json", text);
  CliRun r = Policy({"check", path});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, path +
                       ": /partners/6/chain: unknown chain 'care' (straf, zorg, bestuur, "
                       "overig)\n" +
                       path +
                       ": /overlegvormen/0/retention_days: expected a whole number of "
                       "days from 1 to 3650\n");
}

TEST_F(PolicyCliTest, UsageErrors) {
  EXPECT_EQ(Policy({}).code, 2);
  EXPECT_EQ(Policy({"frobnicate"}).code, 2);
  EXPECT_EQ(Policy({"check"}).code, 2);
  EXPECT_EQ(Policy({"matrix", ExamplePath(), "--format", "pdf"}).code, 2);
  EXPECT_EQ(Policy({"explain", ExamplePath(), "--field", "x"}).code, 2);
  EXPECT_EQ(Policy({"diff", ExamplePath()}).code, 2);
}

TEST_F(PolicyCliTest, ExplainAllowAndDeny) {
  CliRun r = Policy({"explain", ExamplePath(), "--overlegvorm", "briefing", "--field",
                     "justitie.lopend_toezicht", "--from", "reclassering", "--to", "politie"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("decision: ALLOW as full by rule B14"));
  EXPECT_THAT(r.out, HasSubstr("<- wins"));
  r = Policy({"explain", ExamplePath(), "--overlegvorm", "briefing", "--field",
              "justitie.lopend_toezicht", "--from", "reclassering", "--to", "politie",
              "--client-present"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("decision: DENY (client_present)"));
  r = Policy({"explain", ExamplePath(), "--overlegvorm", "briefing", "--field", "persoon.adres",
              "--from", "veiligheidshuis-hm", "--to", "woningcorporatie", "--ad-hoc"});
  EXPECT_THAT(r.out, HasSubstr("decision: ALLOW as municipality"));
  r = Policy({"explain", ExamplePath(), "--overlegvorm", "radicalisering", "--field",
              "persoon.naam", "--from", "veiligheidshuis-hm", "--to", "ggd", "--ad-hoc"});
  EXPECT_THAT(r.out, HasSubstr("DENY (ad_hoc_not_admitted)"));
}

TEST_F(PolicyCliTest, MatrixMarkdownAndHtml) {
  CliRun md = Policy({"matrix", ExamplePath(), "--format", "md"});
  EXPECT_EQ(md.code, 0) << md.err;
  EXPECT_THAT(md.out, HasSubstr("## Briefing (weegoverleg) (`briefing`)"));
  EXPECT_THAT(md.out, HasSubstr("| Lopend reclasseringstoezicht (`justitie.lopend_toezicht`) | "
                                "strafrechtelijk |"));
  EXPECT_THAT(md.out, HasSubstr("full: reclassering"));
  EXPECT_THAT(md.out, HasSubstr("woningcorporatie (ad hoc)"));
  EXPECT_THAT(md.out, HasSubstr("Besloten kring"));
  CliRun html = Policy({"matrix", ExamplePath(), "--format", "html"});
  EXPECT_EQ(html.code, 0);
  EXPECT_THAT(html.out, HasSubstr("<table>"));
  EXPECT_THAT(html.out, HasSubstr("</html>"));
  EXPECT_THAT(html.out, Not(HasSubstr("<script")));
}

TEST_F(PolicyCliTest, DiffAgainstItselfReportsNothing) {
  CliRun r = Policy({"diff", ExamplePath(), ExamplePath()});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "");
}

TEST_F(PolicyCliTest, DiffReportsExactlyTheWidenedRule) {
  // B13: om's running case to members as presence; widen it to full.
  std::string path = Modified(
      R"({"id": "B13", "field": "justitie.lopende_zaak", "from": ["om"], "to": ["@members"], "as": "presence")",
      R"({"id": "B13", "field": "justitie.lopende_zaak", "from": ["om"], "to": ["@members"], "as": "full")");
  CliRun r = Policy({"diff", ExamplePath(), path});
  EXPECT_EQ(r.code, 1);
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_THAT(line, HasSubstr("more revealing: briefing: justitie.lopende_zaak: om -> "));
    EXPECT_THAT(line, HasSubstr("presence (rule B13) -> full (rule B13)"));
  }
  // One line per member of the briefing (om itself included).
  EXPECT_EQ(n, 14);
  // And the reverse direction is a narrowing: exit 0, lines say so.
  CliRun back = Policy({"diff", path, ExamplePath()});
  EXPECT_EQ(back.code, 0);
  EXPECT_THAT(back.out,
              HasSubstr("less revealing: briefing: justitie.lopende_zaak: om -> politie"));
}

TEST_F(PolicyCliTest, DiffNewAndWithdrawnFlows) {
  std::string path = Modified(
      R"({"id": "B25", "field": "wonen.dreigende_uitzetting", "from": ["@ad_hoc"], "to": ["@members"], "as": "presence", "client": false})",
      R"({"id": "B25", "field": "wonen.dreigende_uitzetting", "from": ["@ad_hoc"], "to": ["@members"], "as": "presence", "client": false}, )"
      R"({"id": "B99", "field": "leefgebied.drugs", "from": ["ggz"], "to": ["politie"], "as": "full"})");
  CliRun r = Policy({"diff", ExamplePath(), path});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "new: briefing: leefgebied.drugs: ggz -> politie: full (rule B99)\n");
  CliRun back = Policy({"diff", path, ExamplePath()});
  EXPECT_EQ(back.code, 0);
  EXPECT_EQ(back.out,
            "withdrawn: briefing: leefgebied.drugs: ggz -> politie: was full (rule B99)\n");
}

}  // namespace
}  // namespace vh::policy
