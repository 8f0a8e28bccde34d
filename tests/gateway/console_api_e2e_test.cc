// The web console's API additions end to end (gateway/console_routes.h): the
// real `vhgate serve` process, real mutual TLS (curl
// with the example client certificates), the example covenant. Status
// codes, bodies, refusals with their access_refused events, the cross-site
// refusal, and the console's static files with their headers.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/clock.h"
#include "tests/support/gateway_harness.h"

namespace vh::testing {
namespace {

constexpr const char* kCoordinator = "veiligheidshuis-hm.coordinator";
constexpr const char* kOfficer = "veiligheidshuis-hm.privacy-officer";

std::string In(std::chrono::hours h) { return FormatUtc(SystemClock().Now() + h); }

// A member of a response's JSON body, by value (a range-for over a member of
// the temporary r.json() would outlive it).
Json Member(const HttpResult& r, const char* key) {
  Json j = r.json();
  return j.is_object() && j.contains(key) ? j[key] : Json::array();
}

class ConsoleApiE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gw_ = new GatewayHarness();
    std::string error;
    if (!gw_->Running()) gw_->Start(&error);
  }
  static void TearDownTestSuite() {
    if (gw_) gw_->Stop();
    delete gw_;
    gw_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(gw_->Running()) << gw_->Log(); }

  static Json Subject(const std::string& ref, int seed) {
    return {{"ref", ref},
            {"identity",
             {{"persoon.naam", "Synthetische Persoon " + std::to_string(seed)},
              {"persoon.geboortedatum", "1990-03-14"},
              {"persoon.bsn", SyntheticBsn(seed)}}},
            {"reason", "melding (synthetisch)"}};
  }
  // A briefing from `from` to `to` hours from now; woningcorporatie ad hoc
  // when `ad_hoc`. Returns its id.
  static std::string Meeting(const std::string& title, int from, int to, bool ad_hoc, int seed) {
    Json body = {{"overlegvorm", "briefing"},
                 {"title", title},
                 {"starts_at", In(std::chrono::hours(from))},
                 {"ends_at", In(std::chrono::hours(to))},
                 {"subjects", {Subject("S1", seed)}}};
    if (ad_hoc) body["ad_hoc"] = {"woningcorporatie"};
    HttpResult r = gw_->Post(kCoordinator, "/v1/meetings", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }
  static std::set<std::string> MeetingIds(const std::string& identity, const std::string& query) {
    HttpResult r = gw_->Get(identity, "/v1/meetings" + query);
    EXPECT_EQ(r.status, 200) << identity << " " << r.body;
    std::set<std::string> ids;
    for (const auto& m : Member(r, "meetings")) ids.insert(m["id"].get<std::string>());
    return ids;
  }
  // access_refused events with `reason` as the house's privacy officer sees them.
  static int Refusals(const std::string& reason, const std::string& route) {
    HttpResult r =
        gw_->Post(kOfficer, "/v1/audit/query", {{"type", "access_refused"}, {"limit", 1000}});
    EXPECT_EQ(r.status, 200) << r.body;
    int n = 0;
    for (const auto& e : Member(r, "events")) {
      if (e["detail"].value("reason", "") == reason && e["detail"].value("route", "") == route) ++n;
    }
    return n;
  }
  static std::string CovenantText() {
    std::ifstream in(GatewayHarness::SourceDir() + "/examples/convenant.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static GatewayHarness* gw_;
};

GatewayHarness* ConsoleApiE2ETest::gw_ = nullptr;

TEST_F(ConsoleApiE2ETest, MeSaysWhoTheCertificateIs) {
  HttpResult r = gw_->Get("woningcorporatie.participant", "/v1/me");
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = r.json();
  EXPECT_EQ(j["partner"], "woningcorporatie");
  EXPECT_EQ(j["partner_name"], "Woningcorporatie (flexibele schil)");
  EXPECT_EQ(j["role"], "participant");
  EXPECT_EQ(j["cn"], "Wijkconsulent-D");
  EXPECT_EQ(j["fingerprint"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["house"], false);
  EXPECT_EQ(gw_->Get(kCoordinator, "/v1/me").json()["house"], true);
}

TEST_F(ConsoleApiE2ETest, MeetingListShowsWhatTheCallerTakesPartIn) {
  const std::string upcoming = Meeting("Later", 48, 50, false, 1);
  const std::string running = Meeting("Nu", -1, 20, true, 2);
  const std::string done = Meeting("Voorbij", -5, 20, false, 3);
  ASSERT_EQ(
      gw_->Post(kCoordinator, "/v1/meetings/" + done + "/close", {{"outcomes", Json::array()}})
          .status,
      200);

  // The house's coordinator: all of them, by status.
  std::set<std::string> all = MeetingIds(kCoordinator, "");
  for (const auto& id : {upcoming, running, done}) EXPECT_TRUE(all.count(id)) << id;
  EXPECT_TRUE(MeetingIds(kCoordinator, "?status=upcoming").count(upcoming));
  EXPECT_FALSE(MeetingIds(kCoordinator, "?status=upcoming").count(running));
  EXPECT_TRUE(MeetingIds(kCoordinator, "?status=open").count(running));
  EXPECT_FALSE(MeetingIds(kCoordinator, "?status=open").count(done));
  EXPECT_TRUE(MeetingIds(kCoordinator, "?status=closed").count(done));
  HttpResult listed = gw_->Get(kCoordinator, "/v1/meetings?status=open");
  for (const auto& m : Member(listed, "meetings")) {
    EXPECT_TRUE(m.contains("requests")) << "coordinators see request counts";
  }

  // A member's participant: the open ones it takes part in (GetMeeting's
  // decision: closed meetings are not shown to participants).
  std::set<std::string> politie = MeetingIds("politie.participant", "");
  EXPECT_TRUE(politie.count(upcoming));
  EXPECT_TRUE(politie.count(running));
  EXPECT_FALSE(politie.count(done));
  // The ad hoc partner: only the meeting it is invited to.
  std::set<std::string> woco = MeetingIds("woningcorporatie.participant", "");
  EXPECT_TRUE(woco.count(running));
  EXPECT_FALSE(woco.count(upcoming));
  // Roles that take part in no meeting: an empty list.
  EXPECT_TRUE(MeetingIds("politie.supplier", "").empty());
  EXPECT_TRUE(MeetingIds(kOfficer, "").empty());

  HttpResult bad = gw_->Get(kCoordinator, "/v1/meetings?status=soon");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.json()["error"]["code"], "invalid_status");
}

TEST_F(ConsoleApiE2ETest, RequestBoardFollowsTheAnswers) {
  const std::string id = Meeting("Bord", -1, 20, false, 4);
  ASSERT_EQ(gw_->Post(kCoordinator, "/v1/meetings/" + id + "/requests",
                      {{"deadline", In(std::chrono::hours(10))}})
                .status,
            201);
  HttpResult board = gw_->Get(kCoordinator, "/v1/meetings/" + id + "/requests");
  ASSERT_EQ(board.status, 200) << board.body;
  Json rows = board.json()["requests"];
  ASSERT_GT(rows.size(), 5u);
  std::string politie_request;
  for (const auto& r : rows) {
    EXPECT_EQ(r["status"], "open");
    EXPECT_TRUE(r["answered_at"].is_null());
    EXPECT_EQ(r["subject"], "S1");
    EXPECT_FALSE(r.contains("identity")) << "the board carries no identities";
    if (r["supplier"] == "politie") politie_request = r["id"];
  }
  ASSERT_FALSE(politie_request.empty());
  ASSERT_EQ(gw_->Put("politie.supplier", "/v1/requests/" + politie_request + "/answer",
                     {{"fields", {{"casus.bekend_bij_partner", true}}}})
                .status,
            200);
  for (const auto& r :
       Member(gw_->Get(kCoordinator, "/v1/meetings/" + id + "/requests"), "requests")) {
    if (r["id"] != politie_request) continue;
    EXPECT_EQ(r["status"], "answered");
    ASSERT_TRUE(r["answered_at"].is_string());
    EXPECT_TRUE(ParseUtc(r["answered_at"].get<std::string>()).has_value());
  }

  // Another role: refused by the router and audited.
  const int before = Refusals("forbidden", "/v1/meetings/{id}/requests");
  HttpResult refused = gw_->Get("politie.participant", "/v1/meetings/" + id + "/requests");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(Refusals("forbidden", "/v1/meetings/{id}/requests"), before + 1);
  EXPECT_EQ(gw_->Get(kCoordinator, "/v1/meetings/m-unknown/requests").status, 404);
}

TEST_F(ConsoleApiE2ETest, CovenantFieldsAreWhatThePartnerMaySupplyOrSee) {
  HttpResult r =
      gw_->Get("woningcorporatie.participant", "/v1/covenant/fields?overlegvorm=briefing");
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> supply, see;
  for (const auto& f : Member(r, "fields")) {
    EXPECT_TRUE(f.contains("label") && f.contains("type") && f.contains("category"));
    if (f["supply"] == true) supply.insert(f["id"]);
    if (f["see"] == true) see.insert(f["id"]);
  }
  EXPECT_EQ(supply,
            (std::set<std::string>{"casus.bekend_bij_partner", "wonen.dreigende_uitzetting"}));
  EXPECT_TRUE(see.count("persoon.naam"));
  EXPECT_TRUE(see.count("casus.reden_melding"));
  EXPECT_FALSE(see.count("persoon.bsn"));
  EXPECT_FALSE(see.count("leefgebied.delictgeschiedenis"));

  // The house enters the identity fields.
  bool bsn_identity = false;
  for (const auto& f :
       Member(gw_->Get(kCoordinator, "/v1/covenant/fields?overlegvorm=briefing"), "fields")) {
    if (f["id"] == "persoon.bsn") bsn_identity = f["identity"] == true && f["supply"] == true;
  }
  EXPECT_TRUE(bsn_identity);
  // Enum values come along.
  for (const auto& f :
       Member(gw_->Get("dji.supplier", "/v1/covenant/fields?overlegvorm=nazorg"), "fields")) {
    if (f["id"] == "nazorg.huisvesting") {
      EXPECT_EQ(f["values"].size(), 6u);
    }
  }
  EXPECT_EQ(gw_->Get(kCoordinator, "/v1/covenant/fields").status, 400);
  EXPECT_EQ(gw_->Get(kCoordinator, "/v1/covenant/fields?overlegvorm=geen").status, 404);

  HttpResult c = gw_->Get("politie.supplier", "/v1/covenant");
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(c.json()["house"], "veiligheidshuis-hm");
  EXPECT_GT(c.json()["fields"].size(), 50u);
  EXPECT_FALSE(c.json()["overlegvormen"].empty());
  // What the coordinator's form needs of need-to-know: a gemeente's
  // municipality, who a meeting may ask, who sees only residents, whether a
  // circle decides who takes part (never its CNs).
  const Json covenant = c.json();
  std::map<std::string, Json> partners, forms;
  for (const auto& p : covenant["partners"]) partners[p["id"].get<std::string>()] = p;
  for (const auto& o : covenant["overlegvormen"]) forms[o["id"].get<std::string>()] = o;
  EXPECT_EQ(partners["gemeente-leiden"]["municipality"], "Leiden");
  EXPECT_FALSE(partners["politie"].contains("municipality"));
  const Json& briefing = forms["briefing"];
  EXPECT_EQ(briefing["residents_only"],
            (Json{"gemeente-leiden", "gemeente-alphen", "gemeente-gouda"}));
  EXPECT_EQ(briefing["circle"], false);
  std::set<std::string> suppliers(briefing["suppliers"].begin(), briefing["suppliers"].end());
  EXPECT_TRUE(suppliers.count("politie"));
  EXPECT_TRUE(suppliers.count("gemeente-leiden"));
  EXPECT_TRUE(suppliers.count("woningcorporatie"));  // supplies ad hoc (B11, B25)
  const Json& smd = forms["smd"];
  std::set<std::string> smd_suppliers(smd["suppliers"].begin(), smd["suppliers"].end());
  EXPECT_TRUE(smd_suppliers.count("om"));
  EXPECT_FALSE(smd_suppliers.count("gemeente-leiden"));   // no rule lets it supply in smd
  EXPECT_FALSE(smd_suppliers.count("woningcorporatie"));  // smd admits no ad hoc partners
  EXPECT_EQ(forms["radicalisering"]["circle"], true);
  EXPECT_EQ(c.body.find("J.de-Vries"), std::string::npos);
}

TEST_F(ConsoleApiE2ETest, MatrixAndDiffForThePrivacyOfficer) {
  HttpResult m = gw_->Get(kOfficer, "/v1/covenant/matrix?overlegvorm=briefing");
  ASSERT_EQ(m.status, 200) << m.body;
  ASSERT_EQ(m.json()["tables"].size(), 1u);
  const Json t = m.json()["tables"][0];
  EXPECT_EQ(t["id"], "briefing");
  for (const auto& row : t["rows"]) EXPECT_EQ(row["cells"].size(), t["columns"].size());
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/covenant/matrix").status, 403);

  const std::string text = CovenantText();
  HttpResult same = gw_->Post(kOfficer, "/v1/covenant/diff", {{"text", text}});
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json()["widens"], false);
  EXPECT_TRUE(same.json()["lines"].empty());

  std::string wider = text;
  const std::string anchor = "{\"id\": \"B27\",";
  wider.replace(wider.find(anchor), 0,
                "{\"id\": \"B99\", \"field\": \"leefgebied.delictgeschiedenis\", \"from\": "
                "[\"politie\"], \"to\": [\"@ad_hoc\"], \"as\": \"full\", \"client\": false},\n");
  HttpResult diff = gw_->Post(kOfficer, "/v1/covenant/diff", {{"text", wider}, {"name", "c.json"}});
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(diff.json()["widens"], true);
  bool found = false;
  for (const auto& l : Member(diff, "lines")) {
    found = found || (l["kind"] == "new" && l["text"].get<std::string>().find(
                                                "briefing: leefgebied.delictgeschiedenis: "
                                                "politie -> woningcorporatie (ad hoc)") == 0);
  }
  EXPECT_TRUE(found) << diff.body;
  // Read-only: the covenant in force is the same.
  EXPECT_EQ(gw_->Get(kOfficer, "/v1/health").json()["convenant"]["sha256"],
            diff.json()["in_force"]["sha256"]);

  HttpResult invalid = gw_->Post(kOfficer, "/v1/covenant/diff", {{"text", "{\"convenant\": {}}"}});
  EXPECT_EQ(invalid.status, 422) << invalid.body;
  EXPECT_EQ(invalid.json()["error"]["code"], "invalid_covenant");
  EXPECT_EQ(gw_->Post(kCoordinator, "/v1/covenant/diff", {{"text", text}}).status, 403);
}

TEST_F(ConsoleApiE2ETest, AuditReportAndQueryByPost) {
  const std::string id = Meeting("Inzage", -1, 20, false, 7);
  ASSERT_EQ(gw_->Post(kCoordinator, "/v1/meetings/" + id + "/requests",
                      {{"deadline", In(std::chrono::hours(10))}})
                .status,
            201);
  const std::string bsn = SyntheticBsn(7);
  HttpResult get = gw_->Get(kOfficer, "/v1/audit/report?bsn=" + bsn);
  HttpResult post = gw_->Post(kOfficer, "/v1/audit/report", {{"bsn", bsn}});
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_GT(post.json()["entries"].size(), 0u);
  EXPECT_EQ(post.json()["entries"].size(), get.json()["entries"].size());
  EXPECT_EQ(post.json()["subject"], get.json()["subject"]);

  HttpResult bad = gw_->Post(kOfficer, "/v1/audit/report", {{"bsn", "123456789"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.json()["error"]["code"], "invalid_bsn");
  EXPECT_EQ(bad.body.find("123456789"), std::string::npos);
  EXPECT_EQ(gw_->Post(kOfficer, "/v1/audit/report", {{"bsn", 12}}).status, 422);
  EXPECT_EQ(gw_->Post(kOfficer, "/v1/audit/report", Json::array()).status, 422);
  EXPECT_EQ(gw_->Post(kOfficer, "/v1/audit/report", {{"nonsense", "x"}}).status, 400);
  const int before = Refusals("forbidden", "/v1/audit/report");
  EXPECT_EQ(gw_->Post("politie.participant", "/v1/audit/report", {{"bsn", bsn}}).status, 403);
  EXPECT_EQ(Refusals("forbidden", "/v1/audit/report"), before + 1);

  // The query: the audit_query events of the POSTs name route and method.
  HttpResult q =
      gw_->Post(kOfficer, "/v1/audit/query", {{"type", "audit_query"}, {"limit", "1000"}});
  ASSERT_EQ(q.status, 200) << q.body;
  bool posted = false;
  for (const auto& e : Member(q, "events")) {
    posted = posted || (e["detail"].value("route", "") == "/v1/audit/report" &&
                        e["detail"].value("method", "") == "POST");
    EXPECT_EQ(e.dump().find(bsn), std::string::npos) << "a BSN in an audit_query event";
  }
  EXPECT_TRUE(posted);
}

TEST_F(ConsoleApiE2ETest, AuditReportByMeetingAndRef) {
  const std::string id = Meeting("Zonder BSN", -1, 20, false, 8);
  HttpResult r = gw_->Post(kOfficer, "/v1/audit/report", {{"meeting", id}, {"ref", "S1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const Json j = Json::parse(r.body);
  EXPECT_TRUE(j.contains("subject") && j.contains("entries")) << r.body;
}

TEST_F(ConsoleApiE2ETest, CrossSiteRequestsAreRefusedAndAudited) {
  const std::string origin = "https://localhost:" + std::to_string(gw_->port());
  Json body = {{"overlegvorm", "briefing"},
               {"title", "Andere site"},
               {"starts_at", In(std::chrono::hours(1))},
               {"ends_at", In(std::chrono::hours(2))},
               {"subjects", {Subject("S1", 9)}}};
  const int before = Refusals("cross_site_request", "/v1/meetings");
  auto post = [&](std::vector<std::string> headers) {
    std::vector<std::string> args;
    for (const auto& h : headers) args.insert(args.end(), {"-H", h});
    return gw_->Call(kCoordinator, "POST", "/v1/meetings", DumpJson(body), args);
  };
  for (const auto& headers : std::vector<std::vector<std::string>>{
           {"Origin: https://evil.example"},
           {"Sec-Fetch-Site: cross-site"},
           {"Sec-Fetch-Site: same-site", "Origin: https://localhost:1"},
           {"Origin: null"},
           {"Origin: http://localhost:" + std::to_string(gw_->port())}}) {
    HttpResult r = post(headers);
    EXPECT_EQ(r.status, 403) << headers[0] << " " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "cross_site_request") << r.body;
  }
  EXPECT_EQ(Refusals("cross_site_request", "/v1/meetings"), before + 5);
  for (const auto& m : Member(gw_->Get(kCoordinator, "/v1/meetings"), "meetings")) {
    EXPECT_NE(m["title"], "Andere site");
  }
  // The gateway's own origin, a user's own navigation, and clients that send
  // neither header (partner systems, curl) pass.
  EXPECT_EQ(post({"Origin: " + origin, "Sec-Fetch-Site: same-origin"}).status, 201);
  EXPECT_EQ(post({"Sec-Fetch-Site: none"}).status, 201);
  EXPECT_EQ(post({}).status, 201);
  // A read of the API from another site is refused too: a check (or a
  // dossier view) is an event in the user's name, made by an <img> tag.
  const int checks_before = Refusals("cross_site_request", "/v1/check");
  HttpResult check = gw_->Call("om.participant", "GET", "/v1/check?bsn=111222333", "",
                               {"-H", "Sec-Fetch-Site: cross-site", "-H", "Sec-Fetch-Dest: image"});
  EXPECT_EQ(check.status, 403) << check.body;
  EXPECT_EQ(check.json()["error"]["code"], "cross_site_request") << check.body;
  EXPECT_EQ(Refusals("cross_site_request", "/v1/check"), checks_before + 1);
  HttpResult me = gw_->Call(kCoordinator, "GET", "/v1/me", "", {"-H", "Sec-Fetch-Site: same-site"});
  EXPECT_EQ(me.status, 403);
  // The console's page opens from a link anywhere; the API from its own pages.
  EXPECT_EQ(gw_->Call(kCoordinator, "GET", "/", "", {"-H", "Sec-Fetch-Site: cross-site"}).status,
            200);
  EXPECT_EQ(
      gw_->Call(kCoordinator, "GET", "/v1/me", "", {"-H", "Sec-Fetch-Site: same-origin"}).status,
      200);
}

TEST_F(ConsoleApiE2ETest, ServesTheConsoleWithItsHeaders) {
  HttpResult index = gw_->Get("politie.supplier", "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("<main"), std::string::npos);
  EXPECT_NE(index.headers.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(
      index.headers.find("Content-Security-Policy: default-src 'self'; frame-ancestors 'none'"),
      std::string::npos);
  EXPECT_NE(index.headers.find("Referrer-Policy: no-referrer"), std::string::npos);
  EXPECT_NE(index.headers.find("Cache-Control: no-store"), std::string::npos);
  EXPECT_NE(index.headers.find("X-Content-Type-Options: nosniff"), std::string::npos);
  HttpResult js = gw_->Get(kOfficer, "/console/js/main.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_NE(js.headers.find("Content-Type: text/javascript; charset=utf-8"), std::string::npos);
  EXPECT_EQ(gw_->Get(kOfficer, "/console/app.css").status, 200);
  EXPECT_EQ(gw_->Get(kOfficer, "/console/missing.js").status, 404);
  EXPECT_EQ(gw_->Get(kOfficer, "/console/js/../../gateway.json").status, 404);
  // The API's answers carry the same browser headers.
  EXPECT_NE(gw_->Get(kOfficer, "/v1/me").headers.find("Content-Security-Policy:"),
            std::string::npos);
  // Without a certificate nothing is served (mutual TLS).
  EXPECT_EQ(gw_->Get("", "/").status, 0);
}

TEST(ConsoleDirTest, AConfiguredConsoleDirThatIsNoConsoleStopsTheStart) {
  HarnessOptions options;
  options.start = false;
  options.config_patch = {{"console_dir", "/nonexistent/console"}};
  GatewayHarness gw(options);
  std::string error;
  EXPECT_FALSE(gw.Start(&error));
  EXPECT_NE(error.find("/console_dir"), std::string::npos) << error;
}

}  // namespace
}  // namespace vh::testing
