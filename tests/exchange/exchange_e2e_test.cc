// The exchange end to end: the real `vhgate serve` process, real mutual TLS
// (curl with the example client certificates), the example covenant.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/gateway_harness.h"
#include "tests/support/tls_client.h"

namespace vh::testing {
namespace {

constexpr const char* kCoordinator = "veiligheidshuis-hm.coordinator";

// The example covenant without its OIN checks: some example certificates
// (gemeente-leiden, reclassering) carry other OINs than
// examples/convenant.json (reported; the gateway's tests cover OINs).
std::string ExampleCovenantWithoutOins() {
  std::ifstream in(GatewayHarness::SourceDir() + "/examples/convenant.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return std::regex_replace(ss.str(), std::regex(R"(, *"oin": *"[0-9]*")"), "");
}

class ExchangeE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string text = ExampleCovenantWithoutOins();
    covenant_path_ = std::filesystem::temp_directory_path() /
                     ("vh_exchange_e2e_covenant_" + std::to_string(::getpid()) + ".json");
    std::ofstream(covenant_path_) << text;
    HarnessOptions options;
    options.covenant = covenant_path_.string();
    gw_ = new GatewayHarness(options);
    std::string error;
    if (!gw_->Running()) gw_->Start(&error);
  }
  static void TearDownTestSuite() {
    if (gw_) gw_->Stop();
    delete gw_;
    gw_ = nullptr;
    std::filesystem::remove(covenant_path_);
  }
  void SetUp() override { ASSERT_TRUE(gw_->Running()) << gw_->Log(); }

  // Subjects live in Leiden: gemeente-leiden sees its residents only.
  static Json Subject(const std::string& ref, int seed) {
    return {{"ref", ref},
            {"identity",
             {{"persoon.naam", "Synthetische Persoon " + std::to_string(seed)},
              {"persoon.geboortedatum", "199" + std::to_string(seed % 10) + "-03-14"},
              {"persoon.bsn", SyntheticBsn(seed)}}},
            {"reason", "melding (synthetisch)"},
            {"municipality", "Leiden"}};
  }
  static Json MeetingBody() {
    return {{"overlegvorm", "briefing"},
            {"title", "Briefing e2e"},
            {"starts_at", "2026-01-01T09:00:00Z"},
            {"ends_at", "2099-01-01T12:00:00Z"},
            {"ad_hoc", {"woningcorporatie"}},
            {"subjects", {Subject("S1", 11), Subject("S2", 12), Subject("S3", 13)}}};
  }
  std::string CreateMeeting(const Json& body = MeetingBody()) {
    HttpResult r = gw_->Post(kCoordinator, "/v1/meetings", body);
    EXPECT_EQ(r.status, 201) << r.body;
    Json j = r.json();
    return j.is_object() && j.contains("id") ? j["id"].get<std::string>() : "";
  }
  // The request of `supplier` about subject `ref` in meeting `meeting`.
  std::string RequestOf(const std::string& supplier_identity, const std::string& meeting,
                        const std::string& ref) {
    HttpResult r = gw_->Get(supplier_identity, "/v1/requests?status=open");
    EXPECT_EQ(r.status, 200) << supplier_identity << " " << r.body;
    const Json body = r.json();
    for (const auto& q : body["requests"]) {
      if (q["meeting"] == meeting && q["subject"] == ref) return q["id"];
    }
    return "";
  }
  static void ExpectError(const HttpResult& r, int status, const std::string& code,
                          const std::string& in_message = "") {
    EXPECT_EQ(r.status, status) << r.body;
    Json j = r.json();
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
    if (!code.empty()) {
      EXPECT_EQ(j["error"]["code"], code) << r.body;
    }
    if (!in_message.empty()) {
      EXPECT_NE(j["error"]["message"].get<std::string>().find(in_message), std::string::npos)
          << r.body;
    }
  }
  static void ExpectEveryEntryAnnotated(const Json& dossier) {
    for (const auto& s : dossier["subjects"]) {
      for (auto it = s["fields"].begin(); it != s["fields"].end(); ++it) {
        for (const auto& e : it.value()) {
          EXPECT_TRUE(e.contains("value") && e.contains("from") && e.contains("rule") &&
                      e.contains("as"))
              << it.key();
        }
      }
    }
  }

  static GatewayHarness* gw_;
  static std::filesystem::path covenant_path_;
};

GatewayHarness* ExchangeE2ETest::gw_ = nullptr;
std::filesystem::path ExchangeE2ETest::covenant_path_;

TEST_F(ExchangeE2ETest, BriefingRoundEndToEnd) {
  const std::string id = CreateMeeting();
  ASSERT_FALSE(id.empty());

  HttpResult r = gw_->Post(kCoordinator, "/v1/meetings/" + id + "/requests",
                           {{"deadline", "2099-01-01T08:00:00Z"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::set<std::string> suppliers;
  const Json sent = r.json();
  for (const auto& q : sent["requests"]) suppliers.insert(q["supplier"].get<std::string>());
  EXPECT_TRUE(suppliers.count("politie") && suppliers.count("woningcorporatie") &&
              suppliers.count("gemeente-leiden"))
      << sent.size();

  // The supplier sees the request identity and the fields asked.
  HttpResult list = gw_->Get("politie.supplier", "/v1/requests?status=open");
  ASSERT_EQ(list.status, 200) << list.body;
  bool seen = false;
  const Json listed = list.json();
  for (const auto& q : listed["requests"]) {
    if (q["meeting"] != id || q["subject"] != "S1") continue;
    seen = true;
    EXPECT_EQ(q["identity"]["persoon.bsn"], SyntheticBsn(11));
    EXPECT_EQ(q["status"], "open");
    EXPECT_EQ(q["overlegvorm"], "briefing");
  }
  EXPECT_TRUE(seen);

  // Answers over the API.
  for (const char* ref : {"S1", "S2", "S3"}) {
    HttpResult a = gw_->Put("politie.supplier",
                            "/v1/requests/" + RequestOf("politie.supplier", id, ref) + "/answer",
                            {{"fields",
                              {{"casus.bekend_bij_partner", true},
                               {"leefgebied.delictgeschiedenis", "synthetische historie"},
                               {"zorg.diagnose", "hoort hier niet"}}}});
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(a.json()["accepted"].size(), 2u);
    EXPECT_EQ(a.json()["withheld"], Json::array({"zorg.diagnose"}));
  }
  HttpResult a =
      gw_->Put("gemeente-leiden.supplier",
               "/v1/requests/" + RequestOf("gemeente-leiden.supplier", id, "S1") + "/answer",
               {{"fields", {{"gemeente.schuldhulp", true}, {"gemeente.uitkering", false}}}});
  ASSERT_EQ(a.status, 200) << a.body;
  a = gw_->Put("woningcorporatie.supplier",
               "/v1/requests/" + RequestOf("woningcorporatie.supplier", id, "S1") + "/answer",
               {{"fields", {{"wonen.dreigende_uitzetting", true}}}});
  ASSERT_EQ(a.status, 200) << a.body;
  a = gw_->Post("om.supplier", "/v1/requests/" + RequestOf("om.supplier", id, "S2") + "/decline",
                {{"reason", "geen gegevens"}});
  ASSERT_EQ(a.status, 200) << a.body;

  // The police sees presence of the offence history, from/rule/as everywhere.
  HttpResult pol = gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier");
  ASSERT_EQ(pol.status, 200) << pol.body;
  Json pd = pol.json();
  ExpectEveryEntryAnnotated(pd);
  EXPECT_EQ(pd["meeting"], id);
  EXPECT_EQ(pd["phase"], "client_absent");
  const Json& s1 = pd["subjects"][0]["fields"];
  EXPECT_EQ(s1["leefgebied.delictgeschiedenis"][0]["as"], "presence");
  EXPECT_EQ(s1["leefgebied.delictgeschiedenis"][0]["value"], true);
  EXPECT_EQ(s1["gemeente.schuldhulp"][0]["from"], "gemeente-leiden");
  EXPECT_FALSE(s1.contains("persoon.bsn"));
  EXPECT_EQ(pol.body.find("synthetische historie"), std::string::npos);
  EXPECT_EQ(pol.body.find(SyntheticBsn(11)), std::string::npos);

  // The municipality sees the same briefing fields (members).
  HttpResult gem = gw_->Get("gemeente-leiden.participant", "/v1/meetings/" + id + "/dossier");
  ASSERT_EQ(gem.status, 200) << gem.body;
  ExpectEveryEntryAnnotated(gem.json());

  // The housing corporation: nothing before signing, a reduced view after.
  HttpResult wc = gw_->Get("woningcorporatie.participant", "/v1/meetings/" + id + "/dossier");
  ExpectError(wc, 403, "declaration_not_signed");
  HttpResult decl = gw_->Get("woningcorporatie.participant", "/v1/meetings/" + id + "/declaration");
  ASSERT_EQ(decl.status, 200) << decl.body;
  ExpectError(gw_->Post("woningcorporatie.participant", "/v1/meetings/" + id + "/declarations",
                        {{"text_sha256", std::string(64, '0')}}),
              422, "declaration_mismatch", "/text_sha256");
  ExpectError(gw_->Get("politie.participant", "/v1/meetings/" + id + "/declaration"), 403, "");
  HttpResult sign =
      gw_->Post("woningcorporatie.participant", "/v1/meetings/" + id + "/declarations",
                {{"text_sha256", decl.json()["text_sha256"]}});
  ASSERT_EQ(sign.status, 201) << sign.body;
  wc = gw_->Get("woningcorporatie.participant", "/v1/meetings/" + id + "/dossier");
  ASSERT_EQ(wc.status, 200) << wc.body;
  Json wd = wc.json();
  ExpectEveryEntryAnnotated(wd);
  const Json& w1 = wd["subjects"][0]["fields"];
  // "@participants" reaches the signed ad hoc invitee, signatory or not.
  ASSERT_TRUE(w1.contains("persoon.naam")) << wd;
  EXPECT_EQ(w1["persoon.naam"][0]["as"], "full");
  EXPECT_EQ(w1["persoon.geboortedatum"][0]["as"], "age");
  EXPECT_FALSE(w1.contains("leefgebied.delictgeschiedenis"));
  EXPECT_FALSE(w1.contains("gemeente.schuldhulp"));

  // Client at the table: client:false fields disappear.
  HttpResult ph =
      gw_->Put(kCoordinator, "/v1/meetings/" + id + "/phase", {{"client_present", true}});
  ASSERT_EQ(ph.status, 200) << ph.body;
  pol = gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier");
  ASSERT_EQ(pol.status, 200);
  pd = pol.json();
  EXPECT_EQ(pd["phase"], "client_present");
  EXPECT_FALSE(pd["subjects"][0]["fields"].contains("leefgebied.delictgeschiedenis"));
  EXPECT_TRUE(pd["subjects"][0]["fields"].contains("persoon.naam"));

  // Metadata for a participant and the coordinator.
  HttpResult meta = gw_->Get("politie.participant", "/v1/meetings/" + id);
  ASSERT_EQ(meta.status, 200) << meta.body;
  EXPECT_EQ(meta.body.find(SyntheticBsn(11)), std::string::npos);
  ExpectError(gw_->Get("dji.supplier", "/v1/meetings/" + id + "/dossier"), 403, "");

  // Close with outcomes; afterwards no views (403) and no answers (409).
  const std::string late = RequestOf("reclassering.supplier", id, "S3");
  ASSERT_FALSE(late.empty());
  HttpResult close = gw_->Post(kCoordinator, "/v1/meetings/" + id + "/close",
                               {{"outcomes",
                                 {{{"subject", "S1"}, {"decision", "focus"}},
                                  {{"subject", "S2"}, {"decision", "monitoren"}}}}});
  ASSERT_EQ(close.status, 200) << close.body;
  ExpectError(gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier"), 403,
              "meeting_closed");
  ExpectError(gw_->Get("woningcorporatie.participant", "/v1/meetings/" + id + "/dossier"), 403,
              "meeting_closed");
  ExpectError(gw_->Get("politie.participant", "/v1/meetings/" + id), 403, "meeting_closed");
  ExpectError(gw_->Put("reclassering.supplier", "/v1/requests/" + late + "/answer",
                       {{"fields", {{"justitie.lopend_toezicht", true}}}}),
              409, "meeting_closed");
  ExpectError(
      gw_->Post(kCoordinator, "/v1/meetings/" + id + "/close", {{"outcomes", Json::array()}}), 409,
      "meeting_closed");
  HttpResult cm = gw_->Get(kCoordinator, "/v1/meetings/" + id);
  ASSERT_EQ(cm.status, 200) << cm.body;
  EXPECT_EQ(cm.json()["state"], "closed");
  EXPECT_EQ(cm.json()["subjects"][0]["outcome"], "focus");

  // Retention: extend (audited), then the sweep on demand keeps it.
  HttpResult ext = gw_->Post(kCoordinator, "/v1/meetings/" + id + "/retention",
                             {{"until", "2099-06-01"}, {"reason", "bezwaarprocedure loopt"}});
  ASSERT_EQ(ext.status, 200) << ext.body;
  EXPECT_EQ(ext.json()["extended_until"], "2099-06-01T00:00:00.000Z");
  std::string out, err;
  EXPECT_EQ(gw_->RunCli({"retention", "run"}, &out, &err), 0) << err;
  EXPECT_NE(out.find("0 meeting(s) shredded"), std::string::npos) << out;

  // Every view wrote its disclosure events (privacy officer of the house).
  HttpResult ev = gw_->Get("veiligheidshuis-hm.privacy-officer",
                           "/v1/audit/events?meeting=" + id + "&limit=1000");
  ASSERT_EQ(ev.status, 200) << ev.body;
  {
    int disclosed = 0, refused = 0, answers = 0;
    const Json events = ev.json();
    for (const auto& e : events["events"]) {
      if (e["type"] == "dossier_disclosed") {
        ++disclosed;
        // One event per view, with each subject's part and its decisions.
        EXPECT_EQ(e["parts"].size(), 3u);
        for (const auto& part : e["parts"]) {
          EXPECT_EQ(part["fields"].size(), part["from"].size());
          EXPECT_EQ(part["shown"].get<int>() + part["withheld"].get<int>(),
                    static_cast<int>(part["fields"].size()));
        }
      }
      if (e["type"] == "access_refused") ++refused;
      if (e["type"] == "answer_received") ++answers;
    }
    EXPECT_EQ(disclosed, 4);  // four views of three subjects
    EXPECT_GE(refused, 4);
    EXPECT_EQ(answers, 5);
    EXPECT_EQ(ev.body.find("synthetische historie"), std::string::npos);
    EXPECT_EQ(ev.body.find(SyntheticBsn(11)), std::string::npos);
  }
  EXPECT_EQ(gw_->Log().find(SyntheticBsn(11)), std::string::npos) << "no BSN in the log";
}

// A dossier of several TLS records arrives whole, the same each time, on one
// keep-alive connection (the server sends the head with the start of the
// body in one record, then the rest of the shared rendered view in place).
TEST_F(ExchangeE2ETest, ALargeDossierArrivesWholeOnOneConnection) {
  Json meeting = MeetingBody();
  meeting["subjects"] = Json::array();
  for (int i = 0; i < 12; ++i) {
    meeting["subjects"].push_back(Subject("L" + std::to_string(i), 40 + i));
  }
  const std::string id = CreateMeeting(meeting);
  ASSERT_FALSE(id.empty());
  HttpResult sent = gw_->Post(kCoordinator, "/v1/meetings/" + id + "/requests",
                              {{"deadline", "2099-01-01T08:00:00Z"}, {"suppliers", {"politie"}}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  std::map<std::string, std::string> reasons;  // subject ref -> its synthetic text
  for (int i = 0; i < 12; ++i) {
    const std::string ref = "L" + std::to_string(i);
    std::string text;
    while (text.size() < 4000) {
      text += "synthetische melding " + ref + " regel " + std::to_string(text.size()) + ". ";
    }
    HttpResult a = gw_->Put("politie.supplier",
                            "/v1/requests/" + RequestOf("politie.supplier", id, ref) + "/answer",
                            {{"fields", {{"casus.reden_melding", text}}}});
    ASSERT_EQ(a.status, 200) << a.body;
    reasons[ref] = text;
  }
  auto c = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(c);
  std::string first;
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(
        c->WriteRaw("GET /v1/meetings/" + id + "/dossier HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    HttpResult r = c->ReadResponse();
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_GT(r.body.size(), 3u * 16384u);
    EXPECT_NE(r.headers.find("Content-Length: " + std::to_string(r.body.size()) + "\r\n"),
              std::string::npos)
        << r.headers;
    if (round == 0) first = r.body;
    EXPECT_EQ(r.body, first) << "round " << round;
    const Json d = r.json();
    ASSERT_EQ(d["subjects"].size(), 12u);
    for (const auto& subject : d["subjects"]) {
      EXPECT_EQ(subject["fields"]["casus.reden_melding"][0]["value"],
                reasons[subject["ref"].get<std::string>()]);
    }
  }
}

TEST_F(ExchangeE2ETest, AnswersTwiceReplaceAndAnotherPartnersRequestIsForbidden) {
  const std::string id = CreateMeeting();
  ASSERT_EQ(gw_->Post(kCoordinator, "/v1/meetings/" + id + "/requests",
                      {{"deadline", "2099-01-01T08:00:00Z"}})
                .status,
            201);
  const std::string rid = RequestOf("politie.supplier", id, "S1");
  ExpectError(gw_->Put("om.supplier", "/v1/requests/" + rid + "/answer",
                       {{"fields", {{"casus.bekend_bij_partner", true}}}}),
              403, "forbidden");
  ExpectError(gw_->Post("om.supplier", "/v1/requests/" + rid + "/decline", {{"reason", "x"}}), 403,
              "forbidden");
  ExpectError(gw_->Put("politie.participant", "/v1/requests/" + rid + "/answer",
                       {{"fields", Json::object()}}),
              403, "");
  HttpResult first = gw_->Put("politie.supplier", "/v1/requests/" + rid + "/answer",
                              {{"fields", {{"casus.bekend_bij_partner", true}}}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json()["replaced"], false);
  HttpResult second = gw_->Put("politie.supplier", "/v1/requests/" + rid + "/answer",
                               {{"fields", {{"casus.bekend_bij_partner", false}}}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()["replaced"], true);
  HttpResult d = gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier");
  ASSERT_EQ(d.status, 200);
  const Json dossier = d.json();
  const Json& entries = dossier["subjects"][0]["fields"]["casus.bekend_bij_partner"];
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["value"], false);
  ExpectError(gw_->Post("politie.supplier", "/v1/requests/" + rid + "/decline", {{"reason", "x"}}),
              409, "already_answered");
  ExpectError(
      gw_->Put("politie.supplier", "/v1/requests/r-unknown/answer", {{"fields", Json::object()}}),
      404, "");
}

TEST_F(ExchangeE2ETest, BadMeetingsAre422NamingTheField) {
  Json b = MeetingBody();
  b["kleur"] = "rood";
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "unknown_field", "/kleur");
  b = MeetingBody();
  b["subjects"][0]["extra"] = 1;
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "unknown_field",
              "/subjects/0/extra");
  b = MeetingBody();
  b["overlegvorm"] = "koffie";
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "unknown_overlegvorm",
              "/overlegvorm");
  b = MeetingBody();
  b["participants"] = {"politie", "bakker"};
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "unknown_partner",
              "/participants/1");
  b = MeetingBody();
  b["participants"] = {"woningcorporatie"};
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "non_signatory", "/participants/0");
  b = MeetingBody();
  b["ad_hoc"] = {"bakker"};
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "unknown_partner", "/ad_hoc/0");
  b = MeetingBody();
  b["starts_at"] = 20260101;
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "wrong_type", "/starts_at");
  b = MeetingBody();
  b["subjects"] = "S1";
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "wrong_type", "/subjects");
  b = MeetingBody();
  b["subjects"][0]["identity"]["persoon.bsn"] = "111111111";  // fails the 11-proef
  HttpResult r = gw_->Post(kCoordinator, "/v1/meetings", b);
  ExpectError(r, 422, "invalid_bsn", "/subjects/0/identity/persoon.bsn");
  EXPECT_EQ(r.body.find("111111111"), std::string::npos);
  // Transport-level garbage.
  ExpectError(gw_->Call(kCoordinator, "POST", "/v1/meetings", "{\"overlegvorm\": \"brief"), 400,
              "");
  ExpectError(gw_->Call(kCoordinator, "POST", "/v1/meetings",
                        std::string("{\"overlegvorm\": \"brie\xff\xfe\"}")),
              400, "");
  ExpectError(gw_->Call(kCoordinator, "POST", "/v1/meetings",
                        std::string(200, '[') + std::string(200, ']')),
              400, "");
  HttpResult big = gw_->Call(kCoordinator, "POST", "/v1/meetings",
                             "{\"title\": \"" + std::string(2 << 20, 'x') + "\"}");
  EXPECT_EQ(big.status, 413) << big.body.substr(0, 200);
  // Roles and identities.
  ExpectError(gw_->Post("politie.participant", "/v1/meetings", MeetingBody()), 403, "");
  EXPECT_EQ(gw_->Post("onbekend.participant", "/v1/meetings", MeetingBody()).status, 401);
  ExpectError(gw_->Get("politie.participant", "/v1/meetings/m-nope/dossier"), 404, "");
  // Answers: wrong types and unknown keys.
  const std::string id = CreateMeeting();
  ASSERT_EQ(gw_->Post(kCoordinator, "/v1/meetings/" + id + "/requests",
                      {{"deadline", "2099-01-01T08:00:00Z"}})
                .status,
            201);
  const std::string rid = RequestOf("politie.supplier", id, "S2");
  ExpectError(gw_->Put("politie.supplier", "/v1/requests/" + rid + "/answer",
                       {{"fields", {{"casus.bekend_bij_partner", "misschien"}}}}),
              422, "wrong_type", "/fields/casus.bekend_bij_partner");
  ExpectError(gw_->Put("politie.supplier", "/v1/requests/" + rid + "/answer",
                       {{"fields", Json::object()}, {"opmerking", "x"}}),
              422, "unknown_field", "/opmerking");
  ExpectError(gw_->Put(kCoordinator, "/v1/meetings/" + id + "/phase", {{"client_present", 1}}), 422,
              "wrong_type", "/client_present");
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings/" + id + "/close",
                        {{"outcomes", {{{"subject", "S1"}, {"decision", "opsluiten"}}}}}),
              422, "invalid_decision", "/outcomes/0/decision");
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings/" + id + "/retention",
                        {{"until", "2099-01-01"}, {"reason", "x"}}),
              409, "meeting_not_closed");
}

TEST_F(ExchangeE2ETest, RestrictedOverlegvormAdmitsMembersOnly) {
  Json b = MeetingBody();
  b["overlegvorm"] = "radicalisering";
  ExpectError(gw_->Post(kCoordinator, "/v1/meetings", b), 422, "ad_hoc_not_admitted", "/ad_hoc/0");
  b.erase("ad_hoc");
  const std::string id = CreateMeeting(b);
  ASSERT_FALSE(id.empty());
  ExpectError(gw_->Get("woningcorporatie.participant", "/v1/meetings/" + id + "/dossier"), 403, "");
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier").status, 200);
}

// A covenant outside its validity period allows no exchange: the routes that
// move personal data answer 503 covenant_not_in_force (and the refusal is an
// audit event), health and the audit stay available, and a covenant in force
// loaded by a reload opens the exchange again.
TEST(CovenantValidityE2ETest, NoExchangeOutsideTheCovenantsValidity) {
  const std::string text = ExampleCovenantWithoutOins();
  const std::string open_ended = R"("valid_until": null)";
  ASSERT_NE(text.find(open_ended), std::string::npos);
  std::string expired = text;
  expired.replace(expired.find(open_ended), open_ended.size(), R"("valid_until": "2020-12-31")");
  auto path = std::filesystem::temp_directory_path() /
              ("vh_expired_covenant_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << expired;
  HarnessOptions options;
  options.covenant = path.string();
  GatewayHarness gw(options);
  ASSERT_TRUE(gw.Running()) << gw.Log();
  EXPECT_NE(gw.Log().find("covenant_not_in_force"), std::string::npos) << gw.Log();

  EXPECT_EQ(gw.Get("politie.participant", "/v1/health").status, 200);
  Json meeting = {
      {"overlegvorm", "briefing"},
      {"title", "Briefing"},
      {"starts_at", "2026-01-01T09:00:00Z"},
      {"ends_at", "2099-01-01T12:00:00Z"},
      {"subjects",
       {{{"ref", "S1"},
         {"identity",
          {{"persoon.naam", "Synthetische Persoon"}, {"persoon.bsn", SyntheticBsn(21)}}},
         {"reason", "melding (synthetisch)"}}}}};
  HttpResult r = gw.Post(kCoordinator, "/v1/meetings", meeting);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "covenant_not_in_force") << r.body;
  EXPECT_NE(r.body.find("2020-12-31"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find(SyntheticBsn(21)), std::string::npos) << "no personal data in errors";
  r = gw.Get("politie.supplier", "/v1/requests?status=open");
  EXPECT_EQ(r.status, 503) << r.body;

  r = gw.Get("veiligheidshuis-hm.privacy-officer", "/v1/audit/events?type=access_refused");
  ASSERT_EQ(r.status, 200) << r.body;
  int refused = 0;
  const Json events = r.json()["events"];
  for (const auto& e : events) {
    if (e["detail"]["reason"] == "covenant_not_in_force") ++refused;
  }
  EXPECT_EQ(refused, 2) << r.body;

  // A covenant in force, by reload: the exchange opens again.
  std::ofstream(path) << text;
  r = gw.Call("veiligheidshuis-hm.admin", "POST", "/v1/admin/policy/reload");
  ASSERT_EQ(r.status, 200) << r.body;
  r = gw.Post(kCoordinator, "/v1/meetings", meeting);
  EXPECT_EQ(r.status, 201) << r.body;
  gw.Stop();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vh::testing
