// Need-to-know in the audit log and around the round end to end:
// the real `vhgate serve` over mutual TLS with the example certificates and
// covenant. A partner's privacy officer reads its own part of a view; admin
// is the house's and reloads name who asked; subjects without a BSN have a
// pseudonym per meeting and a report by meeting and ref; the sweep closes and
// shreds a meeting nobody closed; a file-drop row about a non-resident
// matches no request.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/clock.h"
#include "tests/exchange/need_to_know_util.h"
#include "tests/support/wait_for.h"

namespace vh::testing {
namespace {

using std::chrono::hours;

class NeedToKnowAuditE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gw_ = new GatewayHarness(); }
  static void TearDownTestSuite() {
    if (gw_) gw_->Stop();
    delete gw_;
    gw_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gw_->Running()) << gw_->Log(); }

  static void Answer(const std::string& supplier, const std::string& meeting,
                     const std::string& ref, const Json& fields) {
    auto open = NtkOpenRequests(*gw_, supplier + ".supplier", meeting);
    ASSERT_TRUE(open.count(ref)) << supplier << " " << ref;
    HttpResult r = gw_->Put(supplier + ".supplier", "/v1/requests/" + open[ref] + "/answer",
                            {{"fields", fields}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static GatewayHarness* gw_;
};

GatewayHarness* NeedToKnowAuditE2ETest::gw_ = nullptr;

// The officer of om finds the disclosure of om's values in a view that
// also showed other suppliers' values, and reads only om's part of it;
// politie's officer does not learn who held what was withheld from politie.
TEST_F(NeedToKnowAuditE2ETest, PrivacyOfficersReadTheirOwnPartOfAView) {
  const std::string id = NtkCreate(*gw_, NtkMeeting("briefing", {NtkSubject("S1", 81, "Leiden")}));
  ASSERT_FALSE(id.empty());
  NtkSendRequests(*gw_, id);
  Answer("om", id, "S1", {{"casus.bekend_bij_partner", true}, {"justitie.lopende_zaak", true}});
  Answer("reclassering", id, "S1", {{"justitie.lopend_toezicht", true}});
  Answer("politie", id, "S1", {{"casus.bekend_bij_partner", true}});
  // View A, client absent: om's, reclassering's, politie's and the house's
  // values shown. View B, client present: om's values withheld (client:false).
  ASSERT_EQ(gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier").status, 200);
  ASSERT_EQ(
      gw_->Put(kNtkCoordinator, "/v1/meetings/" + id + "/phase", {{"client_present", true}}).status,
      200);
  ASSERT_EQ(gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier").status, 200);

  const Json views = NtkEvents(*gw_, kNtkHouseOfficer, "type=dossier_disclosed&meeting=" + id);
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0]["suppliers"],
            Json::array({"om", "politie", "reclassering", "veiligheidshuis-hm"}));
  EXPECT_EQ(views[1]["suppliers"], Json::array({"veiligheidshuis-hm"}));
  // Found by supplier as by recipient (the query index files a view under
  // each of its suppliers).
  const Json by_om =
      NtkEvents(*gw_, kNtkHouseOfficer, "type=dossier_disclosed&partner=om&meeting=" + id);
  ASSERT_EQ(by_om.size(), 1u);
  EXPECT_EQ(by_om[0]["seq"], views[0]["seq"]);

  // om's officer: the view that showed om's values, with om's entries only.
  const Json om_views =
      NtkEvents(*gw_, "om.privacy-officer", "type=dossier_disclosed&meeting=" + id);
  ASSERT_EQ(om_views.size(), 1u);
  const Json& ov = om_views[0];
  EXPECT_EQ(ov["suppliers"], Json::array({"om"}));
  ASSERT_EQ(ov["parts"].size(), 1u);
  std::set<std::string> om_fields;
  for (std::size_t i = 0; i < ov["parts"][0]["fields"].size(); ++i) {
    EXPECT_EQ(ov["parts"][0]["from"][i], "om");
    EXPECT_EQ(ov["parts"][0]["fields"][i]["decision"], "disclosed");
    om_fields.insert(ov["parts"][0]["fields"][i]["field"].get<std::string>());
  }
  EXPECT_EQ(om_fields,
            (std::set<std::string>{"casus.bekend_bij_partner", "justitie.lopende_zaak"}));
  EXPECT_EQ(ov.dump().find("reclassering"), std::string::npos);
  // The same in om's access report: politie received om's fields.
  HttpResult rep = gw_->Get("om.privacy-officer", "/v1/audit/report?bsn=" + SyntheticBsn(81));
  ASSERT_EQ(rep.status, 200) << rep.body;
  bool received = false;
  const Json entries = rep.json()["entries"];
  for (const auto& e : entries) {
    if (e["kind"] != "ontvangen") continue;
    received = true;
    EXPECT_EQ(e["partner"], "politie");
    for (const auto& f : e["fields"]) EXPECT_TRUE(om_fields.count(f["field"])) << f.dump();
  }
  EXPECT_TRUE(received) << rep.body;

  // politie's officer: both its views; what was withheld from politie is
  // listed without the partner holding it.
  const Json pol_views =
      NtkEvents(*gw_, "politie.privacy-officer", "type=dossier_disclosed&meeting=" + id);
  ASSERT_EQ(pol_views.size(), 2u);
  const Json& withheld_view = pol_views[1];
  bool lopende_zaak = false;
  const Json& part = withheld_view["parts"][0];
  for (std::size_t i = 0; i < part["fields"].size(); ++i) {
    if (part["fields"][i]["decision"] != "withheld") continue;
    EXPECT_EQ(part["from"][i], "") << part["fields"][i].dump();
    lopende_zaak |= part["fields"][i]["field"] == "justitie.lopende_zaak";
  }
  EXPECT_TRUE(lopende_zaak) << withheld_view.dump();
  EXPECT_EQ(withheld_view.dump().find("\"om\""), std::string::npos) << withheld_view.dump();
  EXPECT_EQ(withheld_view.dump().find("reclassering"), std::string::npos);
  // Asked about the person, the same.
  const Json about = NtkEvents(*gw_, "politie.privacy-officer",
                               "type=dossier_disclosed&meeting=" + id + "&bsn=" + SyntheticBsn(81));
  ASSERT_EQ(about.size(), 2u);
  EXPECT_EQ(about[1].dump().find("\"om\""), std::string::npos) << about[1].dump();
}

// Admin is the house's; a reload names the certificate that asked,
// SIGHUP the gateway itself (role system).
TEST_F(NeedToKnowAuditE2ETest, AdminIsTheHouseAndReloadsNameWhoAsked) {
  NtkExpectError(gw_->Call("politie.admin", "POST", "/v1/admin/policy/reload"), 403,
                 "admin_not_house");
  EXPECT_EQ(NtkRefusals(*gw_, "Beheerder-Politie", "admin_not_house"), 1);
  ASSERT_EQ(gw_->Call("veiligheidshuis-hm.admin", "POST", "/v1/admin/policy/reload").status, 200);
  ASSERT_TRUE(gw_->Signal(SIGHUP));
  Json by_admin, by_signal;
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& e : NtkEvents(*gw_, kNtkHouseOfficer, "type=policy_loaded")) {
      if (e["detail"].value("at", "") != "reload") continue;
      if (e["actor"]["role"] == "admin") by_admin = e;
      if (e["actor"]["role"] == "system") by_signal = e;
    }
    return by_admin.is_object() && by_signal.is_object();
  }));
  EXPECT_EQ(by_admin["actor"]["partner"], "veiligheidshuis-hm");
  EXPECT_EQ(by_admin["actor"]["cn"], "Beheerder-G");
  EXPECT_EQ(by_admin["actor"]["fingerprint"].get<std::string>().size(), 64u);
  EXPECT_EQ(by_admin["actor"]["remote"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(by_signal["actor"]["cn"], "SIGHUP");
  EXPECT_EQ(by_signal["actor"]["fingerprint"], "");
}

// "S1" without a BSN is another person in every meeting; the
// access report can be asked for by meeting and ref (HTTP and CLI).
TEST_F(NeedToKnowAuditE2ETest, SubjectsWithoutBsnHaveAPseudonymPerMeeting) {
  std::string ids[2];
  for (std::string& id : ids) {
    id = NtkCreate(*gw_, NtkMeeting("briefing", {NtkSubject("S1", -1, "Leiden"),
                                                 NtkSubject("S2", 82, "Leiden")}));
    ASSERT_FALSE(id.empty());
    NtkSendRequests(*gw_, id);
    Answer("politie", id, "S1", {{"casus.bekend_bij_partner", true}});
    ASSERT_EQ(gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier").status, 200);
  }
  Json reports[2];
  for (int i = 0; i < 2; ++i) {
    HttpResult r = gw_->Get(kNtkHouseOfficer, "/v1/audit/report?meeting=" + ids[i] + "&ref=S1");
    ASSERT_EQ(r.status, 200) << r.body;
    reports[i] = r.json();
    ASSERT_FALSE(reports[i]["entries"].empty());
    for (const auto& e : reports[i]["entries"]) EXPECT_EQ(e["meeting"], ids[i]) << e.dump();
  }
  EXPECT_NE(reports[0]["subject"], reports[1]["subject"]);
  // A subject with a BSN is that person, in every meeting.
  HttpResult s2 = gw_->Get(kNtkHouseOfficer, "/v1/audit/report?meeting=" + ids[0] + "&ref=S2");
  HttpResult bsn = gw_->Get(kNtkHouseOfficer, "/v1/audit/report?bsn=" + SyntheticBsn(82));
  ASSERT_EQ(s2.status, 200);
  EXPECT_EQ(s2.json()["subject"], bsn.json()["subject"]);
  // Bad input: a precise 4xx.
  NtkExpectError(gw_->Get(kNtkHouseOfficer, "/v1/audit/report?meeting=" + ids[0]), 400, "bad_query",
                 "ref is required with meeting");
  NtkExpectError(gw_->Get(kNtkHouseOfficer, "/v1/audit/report?ref=S1"), 400, "bad_query",
                 "meeting is required with ref");
  NtkExpectError(gw_->Get(kNtkHouseOfficer, "/v1/audit/report?meeting=" + ids[0] + "&ref=S9"), 404,
                 "not_found");
  NtkExpectError(gw_->Get(kNtkHouseOfficer, "/v1/audit/report?bsn=" + SyntheticBsn(82) +
                                                "&meeting=" + ids[0] + "&ref=S1"),
                 400, "bad_query", "not both");
  // The CLI takes the same parameters.
  std::string out, err;
  ASSERT_EQ(gw_->RunCli({"audit", "report", "--meeting", ids[1], "--ref", "S1"}, &out, &err), 0)
      << err;
  auto cli = ParseJson(out);
  ASSERT_TRUE(cli.ok()) << out;
  EXPECT_EQ((*cli)["subject"], reports[1]["subject"]);
}

// The sweep closes a meeting nobody closed (outcome geen-besluit,
// by the system) a day after its end, with its retention from ends_at, and
// shreds it when that has passed.
TEST(NeedToKnowRetentionE2ETest, AMeetingNobodyClosedIsClosedAndShreddedByTheSweep) {
  HarnessOptions o;
  o.config_patch = {{"retention", {{"sweep_seconds", 1}}}};
  GatewayHarness gw(o);
  ASSERT_TRUE(gw.Running()) << gw.Log();
  const auto now = std::chrono::system_clock::now();
  auto meeting = [&](TimePoint starts, TimePoint ends) {
    return NtkCreate(gw, NtkMeeting("briefing", {NtkSubject("S1", 83, "Leiden")}, false,
                                    FormatUtc(starts), FormatUtc(ends)));
  };
  const std::string long_ago =
      meeting(*ParseUtc("2020-01-01T09:00:00Z"), *ParseUtc("2020-01-01T12:00:00Z"));
  const TimePoint ended = now - hours(48);
  const std::string recent = meeting(ended - hours(2), ended);
  const std::string just_ended = meeting(now - hours(3), now - hours(1));
  ASSERT_FALSE(long_ago.empty() || recent.empty() || just_ended.empty());
  auto state = [&](const std::string& id) {
    return gw.Get(kNtkCoordinator, "/v1/meetings/" + id).json().value("state", "");
  };
  ASSERT_TRUE(WaitFor([&] { return state(long_ago) == "shredded" && state(recent) == "closed"; }))
      << state(long_ago) << " " << state(recent);
  const Json closed = gw.Get(kNtkCoordinator, "/v1/meetings/" + recent).json();
  EXPECT_EQ(closed["subjects"][0]["outcome"], "geen-besluit");
  EXPECT_EQ(closed["retention_until"],
            FormatUtc(*ParseUtc(FormatUtc(ended)) + hours(24) * 90));  // briefing: 90 days
  EXPECT_EQ(state(just_ended), "open") << "a day's grace to close it with outcomes";

  const Json events = NtkEvents(gw, kNtkHouseOfficer, "meeting=" + long_ago);
  int closing = 0, shredded = 0;
  for (const auto& e : events) {
    if (e["type"] == "meeting_closed") {
      ++closing;
      EXPECT_EQ(e["actor"]["role"], "system");
      EXPECT_EQ(e["detail"]["decision"], "geen-besluit");
    }
    if (e["type"] == "data_shredded") ++shredded;
  }
  EXPECT_EQ(closing, 2) << "the meeting's and its subject's";
  EXPECT_EQ(shredded, 1);
  for (const auto& e : NtkEvents(gw, kNtkHouseOfficer, "meeting=" + recent)) {
    EXPECT_NE(e["type"], "data_shredded");
  }
  EXPECT_EQ(gw.Stop(), 0);
}

// Residents only, through an adapter: a file-drop row about a subject that
// does not live in the municipality matches no open request of that gemeente.
TEST(NeedToKnowFileDropE2ETest, ARowAboutANonResidentMatchesNoRequest) {
  HarnessOptions o;
  o.start = false;
  GatewayHarness gw(o);
  const std::string drop = gw.dir() + "/drop/gemeente-leiden";
  gw.WriteConfig(
      {{"adapters",
        Json::array(
            {{{"partner", "gemeente-leiden"},
              {"kind", "file-drop"},
              {"dir", drop},
              {"format", "csv"},
              {"delimiter", ";"},
              {"settle_seconds", 0},
              {"poll_seconds", 1},
              {"mapping", {{"BSN", "persoon.bsn"}, {"Schuldhulp", "gemeente.schuldhulp"}}}}})}});
  std::string error;
  ASSERT_TRUE(gw.Start(&error)) << error;
  const std::string id = NtkCreate(
      gw, NtkMeeting("briefing", {NtkSubject("S1", 91, "Leiden"), NtkSubject("S2", 92, "Gouda")}));
  NtkSendRequests(gw, id);
  auto drop_file = [&](const std::string& name, const std::string& text) {
    std::filesystem::create_directories(drop);
    std::ofstream(drop + "/." + name) << text;
    std::filesystem::rename(drop + "/." + name, drop + "/" + name);
  };
  drop_file("gouda.csv", "BSN;Schuldhulp\n" + SyntheticBsn(92) + ";ja\n");
  ASSERT_TRUE(WaitFor([&] {
    return std::filesystem::exists(drop + "/rejected/gouda.csv.error.txt");
  })) << gw.Log();
  std::ifstream in(drop + "/rejected/gouda.csv.error.txt");
  std::string why((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(why.find("no open request of gemeente-leiden matches this row"), std::string::npos)
      << why;
  EXPECT_EQ(why.find(SyntheticBsn(92)), std::string::npos) << "no BSN in the report";
  drop_file("leiden.csv", "BSN;Schuldhulp\n" + SyntheticBsn(91) + ";ja\n");
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(drop + "/done/leiden.csv"); }))
      << gw.Log();
  EXPECT_TRUE(NtkOpenRequests(gw, "gemeente-leiden.supplier", id).empty());
  EXPECT_EQ(gw.Stop(), 0);
}

}  // namespace
}  // namespace vh::testing
