// `vhgate policy check|explain|matrix|diff` through the command line, in
// process, on real covenant files.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/commands/command_line.h"
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
  args.insert(args.begin(), "policy");
  int code = gw::RunCommandLine(args, out, err);
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
  // "@participants" names the ad hoc invitee, a non-signatory among them.
  r = Policy({"explain", ExamplePath(), "--overlegvorm", "briefing", "--field", "persoon.naam",
              "--from", "veiligheidshuis-hm", "--to", "woningcorporatie", "--ad-hoc"});
  EXPECT_THAT(r.out, HasSubstr("decision: ALLOW as full by rule B01")) << r.out;
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

// The example covenant has the briefing's gemeenten see residents only
// (`residents_only`); the diff compares it with the same covenant without.
constexpr const char* kResidentsOnlyLine = R"("residents_only": ["@chain:bestuur"],)";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_F(PolicyCliTest, ExplainResidentAndNotResident) {
  const std::string path = ExamplePath();
  const std::vector<std::string> flow = {"explain",        path,      "--overlegvorm",
                                         "briefing",       "--field", "casus.bekend_bij_partner",
                                         "--from",         "politie", "--to",
                                         "gemeente-leiden"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = flow;
    args.insert(args.end(), extra.begin(), extra.end());
    return Policy(args);
  };
  CliRun r = with({"--not-resident"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(", subject not resident\n"));
  EXPECT_THAT(r.out, HasSubstr("decision: DENY (not_resident): gemeente-leiden sees only "
                               "residents of Leiden in briefing\n"));
  EXPECT_THAT(r.out, HasSubstr("residents only: [@chain:bestuur]"));
  EXPECT_THAT(r.out, HasSubstr("recipient: gemeente-leiden (bestuur, signatory, member, "
                               "residents only)"));
  r = with({"--resident"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("decision: ALLOW as full by rule B11"));
  // Without either flag the subject's municipality is unknown: nobody's resident.
  r = with({});
  EXPECT_THAT(r.out, HasSubstr("decision: DENY (not_resident)"));
  EXPECT_THAT(r.out, HasSubstr("note: gemeente-leiden sees only residents of Leiden in briefing; "
                               "without --resident"));
  // Partners that are not residents-only are not affected.
  r = Policy({"explain", path, "--overlegvorm", "briefing", "--field", "casus.bekend_bij_partner",
              "--from", "gemeente-leiden", "--to", "politie", "--not-resident"});
  EXPECT_THAT(r.out, HasSubstr("decision: ALLOW as full by rule B11"));
  EXPECT_THAT(r.out, Not(HasSubstr("note:")));
  EXPECT_THAT(r.out, HasSubstr("supplier: gemeente-leiden sees only residents of Leiden in "
                               "briefing: it is asked only about its residents\n"));
  r = with({"--resident", "--not-resident"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--resident and --not-resident exclude each other"));
}

TEST_F(PolicyCliTest, ExplainUnknownNamesExitTwo) {
  auto explain = [](const char* o, const char* f, const char* from, const char* to) {
    return Policy(
        {"explain", ExamplePath(), "--overlegvorm", o, "--field", f, "--from", from, "--to", to});
  };
  struct Case {
    CliRun run;
    const char* message;
  } cases[] = {
      {explain("weegoverleg", "persoon.naam", "politie", "om"),
       "unknown overlegvorm 'weegoverleg'"},
      {explain("briefing", "persoon.schoenmaat", "politie", "om"),
       "unknown field 'persoon.schoenmaat'"},
      {explain("briefing", "persoon.naam", "bakkerij", "om"),
       "unknown supplier (--from) 'bakkerij'"},
      {explain("briefing", "persoon.naam", "politie", "bakkerij"),
       "unknown recipient (--to) 'bakkerij'"},
  };
  for (const Case& k : cases) {
    EXPECT_EQ(k.run.code, 2) << k.message;
    EXPECT_THAT(k.run.err, HasSubstr(k.message));
    EXPECT_THAT(k.run.err, HasSubstr(ExamplePath()));
    EXPECT_EQ(k.run.out, "") << "no decision is printed for an unknown name";
  }
}

TEST_F(PolicyCliTest, MatrixShowsResidentsOnlyAndTheCircle) {
  const std::string path = ExamplePath();
  CliRun md = Policy({"matrix", path, "--format", "md"});
  EXPECT_EQ(md.code, 0) << md.err;
  EXPECT_THAT(md.out, HasSubstr("Alleen inwoners van de eigen gemeente (residents_only "
                                "[@chain:bestuur]): gemeente-leiden (Leiden), gemeente-alphen "
                                "(Alphen aan den Rijn), gemeente-gouda (Gouda)"));
  EXPECT_THAT(md.out, HasSubstr(" gemeente-leiden (alleen inwoners) |"));
  EXPECT_THAT(md.out, HasSubstr("Kring (alleen deze certificaten nemen deel): "
                                "veiligheidshuis-hm: Informatiecoordinator-E, Procesregisseur-F; "
                                "politie: J.de-Vries, BVH-koppelvlak;"));
  EXPECT_THAT(md.out, HasSubstr("Spoed: bij een spoedmelding"));
  EXPECT_THAT(md.out,
              HasSubstr("Verwerkingsactiviteit: https://register.example-vh.nl/verwerkingen/"));
  // A residents-only column still shows what its residents' values look like:
  // the briefing's first table, its gemeente-leiden column.
  auto cells = [](const std::string& line) {
    std::vector<std::string> out;
    std::size_t at = 0;
    for (std::size_t bar; (bar = line.find(" |", at)) != std::string::npos; at = bar + 2) {
      out.push_back(line.substr(at, bar - at));
    }
    return out;
  };
  std::vector<std::string> header, row;
  for (const std::string& line : Lines(md.out)) {
    if (header.empty() && line.rfind("| Veld |", 0) == 0) header = cells(line);
    if (!header.empty() && line.rfind("| Persoon is bekend bij de partner", 0) == 0) {
      row = cells(line);
      break;
    }
  }
  const auto col = std::find(header.begin(), header.end(), " gemeente-leiden (alleen inwoners)");
  ASSERT_NE(col, header.end());
  ASSERT_EQ(row.size(), header.size());
  EXPECT_THAT(row[static_cast<std::size_t>(col - header.begin())], HasSubstr("full: alle leden"));
  CliRun html = Policy({"matrix", path, "--format", "html"});
  EXPECT_THAT(html.out, HasSubstr("Alleen inwoners van de eigen gemeente"));
  EXPECT_THAT(html.out, HasSubstr("Kring (alleen deze certificaten nemen deel)"));
}

TEST_F(PolicyCliTest, DiffResidentsOnlyWidensWhenRemoved) {
  const std::string narrowed = ExamplePath();
  const std::string wide = Write("wide.json", ReadFile(Modified(kResidentsOnlyLine, "")));
  // Adding residents_only only withdraws flows: exit 0.
  CliRun r = Policy({"diff", wide, narrowed});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("withdrawn: briefing: casus.bekend_bij_partner: politie -> "
                               "gemeente-leiden [subject not resident]: was full (rule B11)\n"));
  for (const std::string& line : Lines(r.out)) {
    EXPECT_THAT(line, HasSubstr("[subject not resident]"));
    EXPECT_THAT(line, ::testing::ContainsRegex("-> gemeente-(leiden|alphen|gouda)"));
  }
  // Removing it (a partner leaves residents_only) makes them new: exit 1.
  r = Policy({"diff", narrowed, wide});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("new: briefing: casus.bekend_bij_partner: politie -> "
                               "gemeente-leiden [subject not resident]: full (rule B11)\n"));
  // Another municipality for a residents-only partner widens what it sees.
  std::string moved = ReadFile(narrowed);
  const std::string leiden = R"("municipality": "Leiden")";
  moved.replace(moved.find(leiden), leiden.size(), R"("municipality": "Katwijk")");
  r = Policy({"diff", narrowed, Write("moved.json", moved)});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out,
            "more revealing: gemeente-leiden: municipality 'Leiden' -> 'Katwijk': where it sees "
            "residents only, it now sees those of 'Katwijk'\n");
}

TEST_F(PolicyCliTest, DiffCircleAndCheck) {
  const std::string wider = Modified(
      R"({"partner": "politie", "cn": "J.de-Vries"},)",
      R"({"partner": "politie", "cn": "J.de-Vries"}, {"partner": "politie", "cn": "K.Nieuw"},)");
  CliRun r = Policy({"diff", ExamplePath(), wider});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "new: radicalisering: circle: politie CN 'K.Nieuw'\n");
  r = Policy({"diff", wider, ExamplePath()});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "withdrawn: radicalisering: circle: politie CN 'K.Nieuw'\n");
  const std::string check =
      Modified(R"("municipality": "Gouda"})", R"("municipality": "Gouda", "check": true})");
  r = Policy({"diff", ExamplePath(), check});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "new: gemeente-gouda: check (GET /v1/check: is a person known)\n");
}

// @participants now reaches ad hoc invitees that did not sign the covenant:
// a new @participants rule shows those flows as new too.
TEST_F(PolicyCliTest, DiffShowsParticipantsFlowsToNonSignatoryInvitees) {
  const std::string path = Modified(
      R"({"id": "B25", "field": "wonen.dreigende_uitzetting", "from": ["@ad_hoc"], "to": ["@members"], "as": "presence", "client": false})",
      R"({"id": "B25", "field": "wonen.dreigende_uitzetting", "from": ["@ad_hoc"], "to": ["@members"], "as": "presence", "client": false}, )"
      R"({"id": "B98", "field": "leefgebied.huisvesting", "from": ["politie"], "to": ["@participants"], "as": "full"})");
  CliRun r = Policy({"diff", ExamplePath(), path});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("new: briefing: leefgebied.huisvesting: politie -> "
                               "woningcorporatie (ad hoc): full (rule B98)\n"));
  EXPECT_THAT(r.out, HasSubstr("new: briefing: leefgebied.huisvesting: politie -> uwv (ad hoc): "
                               "full (rule B98)\n"));
  EXPECT_THAT(r.out, HasSubstr("new: briefing: leefgebied.huisvesting: politie -> om: full"));
  // Members and ad hoc invitees only: nobody else.
  EXPECT_EQ(Lines(r.out).size(), 14u + 3u);  // 14 members; welzijn, woningcorporatie, uwv ad hoc
}

}  // namespace
}  // namespace vh::policy
