// The audit log end to end: the real `vhgate serve` process, real mutual TLS,
// the example covenant. Role scoping of /v1/audit/*, the access report, audit
// queries as events, fail closed (503, nothing disclosed) while the audit
// store cannot be written, a decline-reason canary in no event and nowhere
// on disk, and 20 SIGKILLs of the gateway under load with every answered
// request's event present afterwards.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "audit/audit_log.h"
#include "crypto/key_file.h"
#include "crypto/primitives.h"
#include "db/database.h"
#include "tests/support/gateway_harness.h"
#include "tests/support/tls_client.h"
#include "tests/support/wait_for.h"

namespace vh::testing {
namespace {
namespace fs = std::filesystem;

constexpr const char* kCoordinator = "veiligheidshuis-hm.coordinator";
constexpr const char* kHouseOfficer = "veiligheidshuis-hm.privacy-officer";
constexpr const char* kPolitieOfficer = "politie.privacy-officer";
constexpr const char* kCanary = "CANARY-audit-e2e-9d1f";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A string member, or "" when absent or not a string (never throws).
std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

class AuditE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    // The example covenant without OIN checks (some example certificates
    // carry other OINs; the gateway's own tests cover OINs).
    std::string text = Slurp(GatewayHarness::SourceDir() + "/examples/convenant.json");
    text = std::regex_replace(text, std::regex(R"(, *"oin": *"[0-9]*")"), "");
    covenant_ = fs::temp_directory_path() /
                ("vh_audit_e2e_covenant_" + std::to_string(::getpid()) + ".json");
    std::ofstream(covenant_) << text;
    HarnessOptions o;
    o.covenant = covenant_.string();
    o.config_patch = {{"audit", {{"checkpoint_every", 20}, {"checkpoint_seconds", 1}}}};
    gw_ = std::make_unique<GatewayHarness>(o);
    std::string error;
    if (!gw_->Running()) {
      ASSERT_TRUE(gw_->Start(&error)) << error;
    }
  }
  void TearDown() override {
    gw_.reset();
    fs::remove(covenant_);
  }
  std::string Path(const char* key) {
    fs::path p = gw_->config()[key].get<std::string>();
    return (p.is_relative() ? fs::path(gw_->dir()) / p : p).lexically_normal().string();
  }
  // A briefing with subjects S1 (BSN seed 31) and S2, both living in Leiden
  // (gemeente-leiden sees its residents only); politie and
  // gemeente-leiden answer about S1, om declines S2 with the canary, the
  // police participant views the dossier.
  std::string Round() {
    Json subjects = Json::array();
    for (int seed : {31, 32}) {
      subjects.push_back({{"ref", "S" + std::to_string(seed - 30)},
                          {"identity",
                           {{"persoon.naam", "Synthetische Persoon"},
                            {"persoon.geboortedatum", "1990-03-14"},
                            {"persoon.bsn", SyntheticBsn(seed)}}},
                          {"reason", "melding (synthetisch)"},
                          {"municipality", "Leiden"}});
    }
    HttpResult m = gw_->Post(kCoordinator, "/v1/meetings",
                             {{"overlegvorm", "briefing"},
                              {"title", "Briefing audit e2e"},
                              {"starts_at", "2026-01-01T09:00:00Z"},
                              {"ends_at", "2099-01-01T12:00:00Z"},
                              {"subjects", subjects}});
    EXPECT_EQ(m.status, 201) << m.body;
    std::string id = m.json().value("id", "");
    HttpResult r = gw_->Post(kCoordinator, "/v1/meetings/" + id + "/requests",
                             {{"deadline", "2099-01-01T08:00:00Z"}});
    EXPECT_EQ(r.status, 201) << r.body;
    auto request_of = [&](const std::string& who, const std::string& ref) {
      HttpResult l = gw_->Get(who, "/v1/requests?status=open");
      const Json listed = l.json();  // kept alive for the loop
      for (const auto& q : listed["requests"]) {
        if (q["meeting"] == id && q["subject"] == ref) return q["id"].get<std::string>();
      }
      ADD_FAILURE() << "no request for " << who << " " << ref << ": " << l.body;
      return std::string();
    };
    HttpResult a = gw_->Put(
        "politie.supplier", "/v1/requests/" + request_of("politie.supplier", "S1") + "/answer",
        {{"fields",
          {{"casus.bekend_bij_partner", true}, {"leefgebied.delictgeschiedenis", "historie"}}}});
    EXPECT_EQ(a.status, 200) << a.body;
    a = gw_->Put("gemeente-leiden.supplier",
                 "/v1/requests/" + request_of("gemeente-leiden.supplier", "S1") + "/answer",
                 {{"fields", {{"gemeente.schuldhulp", true}}}});
    EXPECT_EQ(a.status, 200) << a.body;
    a = gw_->Post("om.supplier", "/v1/requests/" + request_of("om.supplier", "S2") + "/decline",
                  {{"reason", std::string(kCanary) + " persoon niet bekend"}});
    EXPECT_EQ(a.status, 200) << a.body;
    HttpResult d = gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier");
    EXPECT_EQ(d.status, 200) << d.body;
    return id;
  }

  fs::path covenant_;
  std::unique_ptr<GatewayHarness> gw_;
};

TEST_F(AuditE2ETest, RoleScopingReportAndQueriesAsEvents) {
  const std::string id = Round();
  ASSERT_FALSE(id.empty());

  // The house's privacy officer sees everything about the meeting.
  HttpResult all = gw_->Get(kHouseOfficer, "/v1/audit/events?meeting=" + id + "&limit=1000");
  ASSERT_EQ(all.status, 200) << all.body;
  std::set<std::string> types, parties;
  const Json all_j = all.json();
  for (const auto& e : all_j["events"]) {
    types.insert(Str(e, "type"));
    parties.insert(Str(e, "supplier"));
    parties.insert(Str(e, "recipient"));
    EXPECT_EQ(Str(e, "hash").size(), 64u);
  }
  EXPECT_TRUE(types.count("dossier_disclosed") && types.count("answer_received") &&
              types.count("request_declined"))
      << all.body;
  EXPECT_TRUE(parties.count("gemeente-leiden"));
  EXPECT_EQ(all.body.find(SyntheticBsn(31)), std::string::npos) << "BSN in an event";
  // The decline reason is free text: the event has its code and MAC, the
  // case store its text.
  EXPECT_EQ(all.body.find(kCanary), std::string::npos) << "the decline reason in an event";

  // A partner's privacy officer sees only what its partner supplied or received.
  HttpResult mine = gw_->Get(kPolitieOfficer, "/v1/audit/events?meeting=" + id + "&limit=1000");
  ASSERT_EQ(mine.status, 200) << mine.body;
  int n = 0;
  const Json mine_j = mine.json();
  for (const auto& e : mine_j["events"]) {
    ++n;
    const Json suppliers = e.value("suppliers", Json::array());
    EXPECT_TRUE(e["supplier"] == "politie" || e["recipient"] == "politie" ||
                std::find(suppliers.begin(), suppliers.end(), "politie") != suppliers.end())
        << e.dump();
  }
  EXPECT_GT(n, 0);
  EXPECT_LT(n, static_cast<int>(all.json()["events"].size()));

  // Anyone else: 403, and the refusal is itself an event.
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/audit/events").status, 403);
  EXPECT_EQ(gw_->Get("politie.supplier", "/v1/audit/report?bsn=" + SyntheticBsn(31)).status, 403);
  EXPECT_EQ(gw_->Get(kCoordinator, "/v1/audit/verify").status, 403);
  HttpResult refused = gw_->Get(kHouseOfficer, "/v1/audit/events?type=access_refused&limit=1000");
  ASSERT_EQ(refused.status, 200);
  bool found = false;
  const Json refused_j = refused.json();
  for (const auto& e : refused_j["events"]) {
    found |= e["actor"]["partner"] == "politie" && e["actor"]["role"] == "participant" &&
             e["detail"]["route"] == "/v1/audit/events" && e["outcome"] == "refused 403";
  }
  EXPECT_TRUE(found) << refused.body;

  // The access report: labels, partner names, purpose, in Dutch.
  HttpResult rep = gw_->Get(kHouseOfficer, "/v1/audit/report?bsn=" + SyntheticBsn(31));
  ASSERT_EQ(rep.status, 200) << rep.body;
  Json rj = rep.json();
  ASSERT_FALSE(rj["entries"].empty()) << rep.body;
  bool received = false, supplied = false;
  for (const auto& e : rj["entries"]) {
    if (e["kind"] == "ontvangen" && e["partner"] == "politie") {
      received = true;
      EXPECT_FALSE(Str(e, "purpose").empty());
      EXPECT_NE(Str(e, "text").find("kreeg"), std::string::npos);
      for (const auto& f : e["fields"]) EXPECT_NE(f["label"], f["field"]) << "no label";
    }
    supplied |= e["kind"] == "verstrekt" && e["partner"] == "gemeente-leiden";
  }
  EXPECT_TRUE(received && supplied) << rep.body;
  HttpResult html =
      gw_->Get(kHouseOfficer, "/v1/audit/report?bsn=" + SyntheticBsn(31) + "&format=html");
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(html.headers.find("text/html"), std::string::npos);
  // The police officer's report leaves out what the municipality supplied.
  HttpResult prep = gw_->Get(kPolitieOfficer, "/v1/audit/report?bsn=" + SyntheticBsn(31));
  ASSERT_EQ(prep.status, 200);
  const Json prep_j = prep.json();
  for (const auto& e : prep_j["entries"]) EXPECT_EQ(e["partner"], "politie") << e.dump();

  // Verify, through HTTP and through the CLI while the gateway runs.
  HttpResult v = gw_->Get(kHouseOfficer, "/v1/audit/verify");
  ASSERT_EQ(v.status, 200);
  EXPECT_TRUE(v.json()["intact"].get<bool>()) << v.body;
  EXPECT_GT(v.json()["events"].get<int>(), 10);
  std::string out, err;
  EXPECT_EQ(gw_->RunCli({"audit", "verify"}, &out, &err), 0) << out << err;

  // Every one of those queries is an audit_query event with its actor.
  HttpResult q = gw_->Get(kHouseOfficer, "/v1/audit/events?type=audit_query&limit=1000");
  ASSERT_EQ(q.status, 200);
  std::set<std::string> queried_by;
  const Json q_j = q.json();
  for (const auto& e : q_j["events"]) {
    queried_by.insert(Str(e["actor"], "partner") + "/" + Str(e["detail"], "route"));
  }
  EXPECT_TRUE(queried_by.count("politie//v1/audit/events")) << q.body;
  EXPECT_TRUE(queried_by.count("politie//v1/audit/report")) << q.body;
  EXPECT_TRUE(queried_by.count("veiligheidshuis-hm//v1/audit/verify")) << q.body;

  // The decline reason (free text) and the BSN are nowhere in the files on disk.
  ASSERT_EQ(gw_->Stop(), 0);
  for (const char* dir : {"data_dir", "keys_dir"}) {
    for (auto& f : fs::recursive_directory_iterator(Path(dir))) {
      if (!f.is_regular_file()) continue;
      std::string bytes = Slurp(f.path());
      EXPECT_EQ(bytes.find(kCanary), std::string::npos) << f.path();
      EXPECT_EQ(bytes.find(SyntheticBsn(31)), std::string::npos) << f.path();
    }
  }
  EXPECT_EQ(gw_->Log().find(kCanary), std::string::npos) << "canary in the gateway log";
}

// A bsn that fails the 11-proef is 422 invalid_bsn through the real gateway,
// for the events and for the report, and the answer never holds the number.
TEST_F(AuditE2ETest, ABsnThatFailsTheElevenTestIs422AndNeverEchoed) {
  for (const std::string bad : {"123456789", "1234.56.789", "12345"}) {
    for (const std::string route : {"/v1/audit/events?bsn=", "/v1/audit/report?bsn="}) {
      HttpResult r = gw_->Get(kHouseOfficer, route + bad);
      EXPECT_EQ(r.status, 422) << route << bad << ": " << r.body;
      EXPECT_EQ(Str(r.json()["error"], "code"), "invalid_bsn") << r.body;
      EXPECT_NE(Str(r.json()["error"], "message").find("bsn"), std::string::npos) << r.body;
      EXPECT_EQ(r.body.find(bad), std::string::npos) << r.body;
    }
  }
  // A valid one answers (an empty log about that person is an answer).
  HttpResult ok = gw_->Get(kHouseOfficer, "/v1/audit/events?bsn=" + SyntheticBsn(33));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(gw_->Get(kHouseOfficer, "/v1/audit/events?colour=red").status, 400);
}

TEST_F(AuditE2ETest, FailsClosedWith503WhileTheAuditStoreCannotBeWritten) {
  const std::string id = Round();
  ASSERT_FALSE(id.empty());
  auto key = crypto::LoadKeyFile(Path("keys_dir") + "/audit-store.key", 32);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto db = audit::OpenAuditStore(Path("data_dir") + "/audit.db", *key);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Exec("BEGIN EXCLUSIVE;").ok());  // nobody else can write now

  HttpResult d = gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier");
  EXPECT_EQ(d.status, 503) << d.body;
  EXPECT_EQ(d.body.find("subjects"), std::string::npos) << "disclosed without its event";
  HttpResult e = gw_->Get(kHouseOfficer, "/v1/audit/events?limit=5");
  EXPECT_EQ(e.status, 503) << e.body;
  EXPECT_EQ(e.body.find("\"events\""), std::string::npos);

  (*db)->Rollback();
  d = gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier");
  EXPECT_EQ(d.status, 200) << d.body;
  HttpResult v = gw_->Get(kHouseOfficer, "/v1/audit/verify");
  ASSERT_EQ(v.status, 200);
  EXPECT_TRUE(v.json()["intact"].get<bool>()) << v.body;
}

// The audit WAL taken away beneath the running gateway: its commits can no
// longer be made durable (a disk whose sync fails looks the same to it).
// Every disclosure is refused from then on, health says so with 503 for a
// monitor, and the metrics show it.
TEST_F(AuditE2ETest, AWalThatCannotBeSyncedRefusesEveryDisclosureAndHealthSaysSo) {
  const std::string id = Round();
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
  EXPECT_EQ(MetricValue(gw_->Metrics(), "vhgate_audit_writable"), 1);
  EXPECT_GT(MetricValue(gw_->Metrics(), "vhgate_audit_events_total"), 0);

  ASSERT_TRUE(fs::remove(Path("data_dir") + "/audit.db-wal"));
  for (int i = 0; i < 2; ++i) {
    HttpResult d = gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier");
    EXPECT_EQ(d.status, 503) << i << ": " << d.body;
    EXPECT_EQ(d.body.find("subjects"), std::string::npos) << "disclosed without its event";
  }
  HttpResult h = gw_->Get("politie.participant", "/v1/health");
  EXPECT_EQ(h.status, 503) << h.body;
  EXPECT_EQ(h.json()["status"], "audit_unavailable");
  const std::string m = gw_->Metrics();
  EXPECT_EQ(MetricValue(m, "vhgate_audit_writable"), 0) << m;
  EXPECT_GE(MetricValue(m, "vhgate_audit_failures_total"), 1) << m;
  EXPECT_NE(gw_->Log().find("audit_wal_sync_failed"), std::string::npos);
}

TEST_F(AuditE2ETest, SigkillUnderLoadTwentyTimesEveryAnsweredRequestHasItsEvent) {
  constexpr int kRounds = 20, kClients = 4;
  std::mt19937 rng(77);
  std::set<std::string> answered;
  std::mutex mu;
  for (int round = 1; round <= kRounds; ++round) {
    if (!gw_->Running()) {
      std::string error;
      ASSERT_TRUE(gw_->Start(&error)) << "round " << round << ": " << error;
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    const std::size_t answered_before = answered.size();
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto client = TlsClient::Connect(gw_->port(), kHouseOfficer);
        for (int i = 0; client && !stop; ++i) {
          std::string marker =
              "m-" + std::to_string(round) + "a" + std::to_string(c) + "b" + std::to_string(i);
          HttpResult r = client->Request("GET", "/v1/audit/events?limit=1&meeting=" + marker);
          if (r.status == 0) break;  // the gateway is gone
          if (r.status == 200) {
            std::lock_guard<std::mutex> lock(mu);
            answered.insert(marker);
          }
        }
      });
    }
    // Killed a random while after the clients got going (their handshakes
    // take long under a sanitizer): at least a few answers in each round.
    EXPECT_TRUE(WaitFor(
        [&] {
          std::lock_guard<std::mutex> lock(mu);
          return answered.size() >= answered_before + 5;
        },
        std::chrono::seconds(20)))
        << "round " << round;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(300, 900)(rng)));
    gw_->Kill();
    stop = true;
    for (auto& t : clients) t.join();
  }
  ASSERT_GT(answered.size(), 100u);
  // The log verifies after the last kill, and holds every answered query.
  std::string out, err;
  ASSERT_EQ(gw_->RunCli({"audit", "verify"}, &out, &err), 0) << out << err;
  ASSERT_EQ(gw_->RunCli({"audit", "query", "--type", "audit_query"}, &out, &err), 0) << err;
  std::set<std::string> logged;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = ParseJson(line);
    ASSERT_TRUE(j.ok()) << line;
    const Json& f = (*j)["detail"]["filters"];
    if (f.is_object() && f.contains("meeting")) logged.insert(f["meeting"].get<std::string>());
  }
  int missing = 0;
  for (const auto& m : answered) {
    if (!logged.count(m)) {
      ++missing;
      ADD_FAILURE() << "answered but not in the audit log: " << m;
      if (missing > 5) break;
    }
  }
  std::printf("%zu answered queries over %d SIGKILLs, all in the log\n", answered.size(), kRounds);
}

}  // namespace
}  // namespace vh::testing
