// After the meeting end to end: the real gateway process, on the
// test-only binary vhgate-test whose clock the test moves
// (tests/support/test_clock_main.cc). A follow-up item falls due when the
// clock passes its day; a closed case is crypto-shredded after its
// retention, by `vhgate retention run`; a DJI detention notice dropped as a
// file opens a nazorg case for the gemeente of residence only; the figures
// leave radicalisation out and never show a small count.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "core/clock.h"
#include "tests/exchange/case_util.h"
#include "tests/support/wait_for.h"

namespace vh::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;

std::unique_ptr<GatewayHarness> Start(HarnessOptions o) {
  auto gw = std::make_unique<GatewayHarness>(std::move(o));
  EXPECT_TRUE(gw->Running()) << gw->Log();
  return gw;
}

HarnessOptions WithTestClock() {
  HarnessOptions o;
  o.test_clock = true;
  return o;
}

Json FollowUpOf(const Json& c, const std::string& kind) {
  for (const auto& i : c["follow_up"]) {
    if (i["kind"] == kind) return i;
  }
  return nullptr;
}

std::string Today(std::chrono::hours offset = hours(0)) {
  return FormatDate(DateOf(std::chrono::system_clock::now() + offset));
}

TEST(CaseLifecycleE2ETest, AFollowUpItemFallsDueWhenTheClockPassesIt) {
  auto gw = Start(WithTestClock());
  const std::string case_id =
      Triage(*gw, Notify(*gw, CaseNotification(301)), {{"decision", "agenderen"}});
  // No plan before a decision; the briefing decides.
  Json c = gw->Get(kNtkCoordinator, "/v1/cases/" + case_id).json();
  EXPECT_TRUE(c["follow_up"].empty()) << c;
  const std::string meeting = MeetingForCase(*gw, case_id, 301);
  ASSERT_EQ(gw->Post(kNtkCoordinator, "/v1/meetings/" + meeting + "/close",
                     {{"outcomes", {{{"subject", "S1"}, {"decision", "bilateraal"}}}}})
                .status,
            200);
  c = gw->Get(kNtkCoordinator, "/v1/cases/" + case_id).json();
  ASSERT_EQ(c["follow_up"].size(), 4u) << c;
  const Json week = FollowUpOf(c, "1-week");
  EXPECT_EQ(week["due"], Today(hours(24 * 7)));
  for (const auto& i : c["follow_up"]) EXPECT_EQ(i["state"], "planned") << i;
  auto due_cases = [&] {
    const Json list = gw->Get(kNtkCoordinator, "/v1/cases?status=due").json();
    return list["cases"].size();
  };
  EXPECT_EQ(due_cases(), 0u);
  // Eight days later the first moment is due; the others are not.
  gw->AdvanceClock(hours(24 * 8));
  c = gw->Get(kNtkCoordinator, "/v1/cases/" + case_id).json();
  EXPECT_EQ(FollowUpOf(c, "1-week")["state"], "due");
  EXPECT_EQ(FollowUpOf(c, "1-month")["state"], "planned");
  EXPECT_EQ(due_cases(), 1u);
  // Closed with a short outcome; a second time is 409 (audited).
  HttpResult done = gw->Post(kNtkCoordinator, "/v1/cases/" + case_id + "/follow-up",
                             {{"due", week["due"]}, {"outcome", "casushouder gesproken"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["state"], "done");
  EXPECT_TRUE(done.json()["done"].get<bool>());
  NtkExpectError(gw->Post(kNtkCoordinator, "/v1/cases/" + case_id + "/follow-up",
                          {{"due", week["due"]}, {"outcome", "nogmaals"}}),
                 409, "follow_up_done");
  NtkExpectError(gw->Post(kNtkCoordinator, "/v1/cases/" + case_id + "/follow-up",
                          {{"due", "2020-01-01"}, {"outcome", "x"}}),
                 422, "unknown_follow_up", "/due");
  EXPECT_EQ(due_cases(), 0u);
  c = gw->Get(kNtkCoordinator, "/v1/cases/" + case_id).json();
  EXPECT_EQ(FollowUpOf(c, "1-week")["outcome"], "casushouder gesproken");
  EXPECT_EQ(NtkEvents(*gw, kNtkHouseOfficer, "type=follow_up_done").size(), 1u);
}

TEST(CaseLifecycleE2ETest, AClosedCaseIsShreddedAfterItsRetention) {
  auto gw = Start(WithTestClock());
  const std::string notification = Notify(*gw, CaseNotification(311));
  const std::string case_id = Triage(*gw, notification, {{"decision", "agenderen"}});
  HttpResult closed =
      gw->Post(kNtkCoordinator, "/v1/cases/" + case_id + "/close", {{"reason", "afgerond"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  // case_retention_days: 365 in the example covenant.
  EXPECT_EQ(closed.json()["retention_until"].get<std::string>().substr(0, 10),
            Today(hours(24 * 365)));
  std::string out, err;
  ASSERT_EQ(gw->RunCli({"retention", "run"}, &out, &err), 0) << err;
  EXPECT_EQ(out.find(case_id), std::string::npos) << out;
  EXPECT_EQ(gw->Get(kNtkCoordinator, "/v1/cases/" + case_id).status, 200);
  gw->AdvanceClock(hours(24 * 366));
  ASSERT_EQ(gw->RunCli({"retention", "run"}, &out, &err), 0) << err;
  EXPECT_NE(out.find("shredded case " + case_id), std::string::npos) << out;
  EXPECT_NE(out.find(": 1 case(s) and 0 notification(s) shredded"), std::string::npos) << out;
  // Gone: the case is unknown, the notifier hears only that it was shredded.
  EXPECT_EQ(gw->Get(kNtkCoordinator, "/v1/cases/" + case_id).status, 404);
  const Json f = gw->Get("politie.participant", "/v1/notifications/" + notification).json();
  EXPECT_EQ(f["status"], "shredded");
  EXPECT_TRUE(f["decision"].is_null());
  EXPECT_TRUE(gw->Get(kNtkCoordinator, "/v1/notifications").json()["notifications"].empty());
  const Json shredded = NtkEvents(*gw, kNtkHouseOfficer, "type=data_shredded");
  ASSERT_EQ(shredded.size(), 1u);
  EXPECT_EQ(shredded[0]["detail"]["case"], case_id);
  // The store's file no longer holds a sealed box that opens: the key is gone.
  gw->Stop();
  std::ifstream db(gw->dir() + "/data/cases.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("Synthetisch"), std::string::npos);
}

TEST(CaseLifecycleE2ETest, ADetentionNoticeDroppedAsAFileOpensANazorgCaseForItsGemeente) {
  HarnessOptions o;
  const std::string drop = "drop-dji";
  o.config_patch = {{"adapters", Json::array({{{"partner", "dji"},
                                               {"kind", "file-drop"},
                                               {"mode", "notifications"},
                                               {"dir", drop},
                                               {"format", "csv"},
                                               {"delimiter", ";"},
                                               {"settle_seconds", 0},
                                               {"poll_seconds", 1},
                                               {"mapping",
                                                {{"BSN", "persoon.bsn"},
                                                 {"Naam", "persoon.naam"},
                                                 {"Geboortedatum", "persoon.geboortedatum"},
                                                 {"Woonplaats", "@municipality"},
                                                 {"Soort", "@category"},
                                                 {"Toelichting", "@reason"},
                                                 {"Vrijlating", "@release_date"}}}}})}};
  auto gw = Start(o);
  const fs::path dir = fs::path(gw->dir()) / drop;
  const std::string release = Today(hours(24 * 120));
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / ("." + name)) << text;
    fs::rename(dir / ("." + name), dir / name);
  };
  // A bad row (a BSN failing the 11-proef) rejects the whole file.
  write("bad.csv",
        "BSN;Naam;Geboortedatum;Woonplaats;Soort;Toelichting;Vrijlating\n"
        "123456789;Synthetische Gedetineerde;1988-02-03;Leiden;detentie;Synthetisch: detentie;" +
            release + "\n");
  ASSERT_TRUE(WaitFor([&] { return fs::exists(dir / "rejected" / "bad.csv.error.txt"); }));
  std::ifstream err_file(dir / "rejected" / "bad.csv.error.txt");
  const std::string why((std::istreambuf_iterator<char>(err_file)),
                        std::istreambuf_iterator<char>());
  EXPECT_NE(why.find("invalid_bsn"), std::string::npos) << why;
  EXPECT_EQ(why.find("123456789"), std::string::npos) << why;
  // A Leiden resident, released in four months (DD-MM-YYYY as exports write).
  const std::string dutch =
      release.substr(8, 2) + "-" + release.substr(5, 2) + "-" + release.substr(0, 4);
  write("detenties.csv",
        "BSN;Naam;Geboortedatum;Woonplaats;Soort;Toelichting;Vrijlating\n" + SyntheticBsn(321) +
            ";Synthetische Gedetineerde;1988-02-03;Leiden;detentie;Synthetisch: detentie;" + dutch +
            "\n");
  ASSERT_TRUE(WaitFor([&] { return fs::exists(dir / "done" / "detenties.csv"); })) << gw->Log();
  // Routed to gemeente-leiden: its participant sees it, limited.
  const Json leiden = gw->Get("gemeente-leiden.participant", "/v1/cases").json();
  ASSERT_EQ(leiden["cases"].size(), 1u) << leiden;
  const Json row = leiden["cases"][0];
  EXPECT_EQ(row["kind"], "nazorg");
  EXPECT_EQ(row["routed_to"], "gemeente-leiden");
  EXPECT_EQ(row["release_date"], release);
  EXPECT_TRUE(row["limited"].get<bool>());
  EXPECT_FALSE(row.contains("notifications"));
  EXPECT_FALSE(row.contains("identity")) << "lists show nobody's identity to a gemeente";
  // The due item three months before the release.
  const Json before = FollowUpOf(row, "before-release");
  ASSERT_TRUE(before.is_object()) << row;
  {
    using namespace std::chrono;
    year_month_day ymd{floor<days>(system_clock::now() + hours(24 * 120))};
    ymd -= months(3);
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;
    EXPECT_EQ(before["due"], FormatDate(Date{static_cast<int>(ymd.year()),
                                             static_cast<int>(static_cast<unsigned>(ymd.month())),
                                             static_cast<int>(static_cast<unsigned>(ymd.day()))}));
    EXPECT_EQ(before["state"], "planned");
  }
  const std::string id = row["id"];
  HttpResult one = gw->Get("gemeente-leiden.participant", "/v1/cases/" + id);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json()["identity"]["persoon.bsn"], SyntheticBsn(321));
  EXPECT_EQ(one.body.find("Synthetisch: detentie"), std::string::npos) << "no reasons";
  // Alphen: nothing, and a refusal for the case itself (audited).
  EXPECT_TRUE(gw->Get("gemeente-alphen.participant", "/v1/cases").json()["cases"].empty());
  NtkExpectError(gw->Get("gemeente-alphen.participant", "/v1/cases/" + id), 403, "not_routed");
  EXPECT_EQ(NtkRefusals(*gw, "Contactpersoon-Alphen", "not_routed"), 1);
  // The coordinator sees the notice triaged into the case, from dji.
  const Json listed = gw->Get(kNtkCoordinator, "/v1/notifications?status=triaged").json();
  ASSERT_EQ(listed["notifications"].size(), 1u);
  EXPECT_EQ(listed["notifications"][0]["partner"], "dji");
  EXPECT_EQ(listed["notifications"][0]["case"], id);
  EXPECT_EQ(NtkEvents(*gw, kNtkHouseOfficer, "type=case_disclosed").size(), 1u);
  // The automatic triage's event keeps what every notification event
  // carries (the category; `restricted` for a restricted one).
  const auto triaged = NtkEvents(*gw, kNtkHouseOfficer, "type=notification_triaged");
  ASSERT_EQ(triaged.size(), 1u);
  EXPECT_EQ(triaged[0]["detail"]["category"], "detentie") << triaged[0];
  EXPECT_EQ(triaged[0]["detail"]["automatic"], true);
  EXPECT_EQ(triaged[0]["detail"]["case"], id);
}

TEST(CaseLifecycleE2ETest, FiguresLeaveRadicalisationOutAndShowNoSmallCount) {
  auto gw = Start(HarnessOptions());
  // Six arrests, one of them handled in the radicalisation circle; two
  // radicalisation signals; one care notification. Four Leiden residents.
  std::vector<std::string> arrests;
  for (int i = 0; i < 6; ++i) {
    Json n = CaseNotification(401 + i);
    n["municipality"] = i < 4 ? "Leiden" : "Gouda";
    arrests.push_back(Notify(*gw, n));
  }
  Triage(*gw, arrests[5], {{"decision", "agenderen"}, {"overlegvorm", "radicalisering"}});
  Triage(*gw, arrests[0], {{"decision", "agenderen"}});
  Notify(*gw, CaseNotification(411, "radicalisering"));
  Notify(*gw, CaseNotification(412, "radicalisering"));
  Notify(*gw, CaseNotification(413, "zorgmelding"));
  NtkCreate(*gw, NtkMeeting("radicalisering", {NtkSubject("S1", 414)}));
  NtkCreate(*gw, NtkMeeting("briefing", {NtkSubject("S1", 415)}, false,
                            FormatUtc(std::chrono::system_clock::now())));
  const std::string period = "from=" + Today(hours(-24)) + "&to=" + Today(hours(24));
  HttpResult r = gw->Get(kNtkCoordinator, "/v1/statistics?" + period);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json f = r.json();
  const Json& by_category = f["notifications"]["by_category"]["counts"];
  EXPECT_EQ(by_category["aanhouding"], 5) << f;
  EXPECT_EQ(by_category["zorgmelding"], "< 5");
  EXPECT_EQ(by_category["overlast"], "< 5") << "0 looks like a small count";
  EXPECT_FALSE(by_category.contains("radicalisering"));
  // The total is not shown exactly while a cell is suppressed.
  EXPECT_EQ(f["notifications"]["by_category"]["total"], ">= 5");
  EXPECT_EQ(f["cases"]["opened"]["counts"]["casus"], "< 5");
  EXPECT_FALSE(f["meetings"]["counts"].contains("radicalisering"));
  EXPECT_FALSE(f["outcomes"].contains("radicalisering"));
  EXPECT_EQ(r.body.find("radicalisering"), std::string::npos) << r.body;
  std::smatch m;
  EXPECT_FALSE(std::regex_search(r.body, m, std::regex("[nmc]-[0-9a-f]{32}"))) << "no ids";
  EXPECT_EQ(r.body.find("Synthetische"), std::string::npos) << "no names";
  // A gemeente: its own residents only (four arrests, none of them counted
  // exactly: "< 5").
  HttpResult own = gw->Get("gemeente-leiden.participant", "/v1/statistics?" + period);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json()["municipality"], "Leiden");
  EXPECT_EQ(own.json()["notifications"]["by_category"]["counts"]["aanhouding"], "< 5");
  EXPECT_FALSE(own.json().contains("meetings"));
  NtkExpectError(gw->Get("politie.participant", "/v1/statistics?" + period), 403,
                 "statistics_not_allowed");
  NtkExpectError(gw->Get(kNtkCoordinator, "/v1/statistics?from=2026-02-01&to=2026-01-01"), 422,
                 "invalid_period", "/to");
  NtkExpectError(gw->Get(kNtkCoordinator, "/v1/statistics?from=2026-01-01"), 422, "missing_field",
                 "/to");
  // The factsheet on the command line: the same figures.
  std::string out, err;
  ASSERT_EQ(gw->RunCli(
                {"stats", "--from", Today(hours(-24)), "--to", Today(hours(24)), "--format", "csv"},
                &out, &err),
            0)
      << err;
  EXPECT_NE(out.find("notifications.by_category,aanhouding,5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("notifications.by_category,zorgmelding,< 5\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("radicalisering"), std::string::npos) << out;
  ASSERT_EQ(
      gw->RunCli({"stats", "--from", Today(hours(-24)), "--to", Today(hours(24))}, &out, &err), 0)
      << err;
  EXPECT_NE(out.find("| Aanhouding door de politie | 5 |"), std::string::npos) << out;
  // A gemeente's factsheet, made by the house: Leiden's residents only,
  // as Leiden's participants see them; an unknown gemeente is a usage error.
  ASSERT_EQ(gw->RunCli({"stats", "--from", Today(hours(-24)), "--to", Today(hours(24)),
                        "--gemeente", "gemeente-leiden"},
                       &out, &err),
            0)
      << err;
  EXPECT_NE(out.find("Alleen inwoners van Leiden."), std::string::npos) << out;
  EXPECT_NE(out.find("| Aanhouding door de politie | < 5 |"), std::string::npos) << out;
  EXPECT_EQ(gw->RunCli({"stats", "--from", Today(), "--to", Today(), "--gemeente", "politie"}, &out,
                       &err),
            2);
  EXPECT_NE(err.find("--gemeente: politie"), std::string::npos) << err;
  EXPECT_EQ(gw->RunCli({"stats", "--from", "gisteren", "--to", Today()}, &out, &err), 2);
  EXPECT_NE(err.find("--from"), std::string::npos) << err;
  EXPECT_EQ(
      gw->RunCli({"stats", "--from", Today(), "--to", Today(), "--format", "pdf"}, &out, &err), 2);
}

}  // namespace
}  // namespace vh::testing
