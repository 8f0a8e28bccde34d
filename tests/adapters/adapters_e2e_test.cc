// End to end: the real `vhgate serve` process (GatewayHarness) with https-pull
// adapters towards real vhgate-partner processes over mutual TLS, and a
// file-drop directory. Answers go through the exchange's covenant intake and
// audit exactly as pushed answers do; we observe them only through the
// gateway's public HTTP API, its metrics and the drop directory.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "tests/adapters/test_util.h"
#include "tests/support/gateway_harness.h"
#include "tests/support/wait_for.h"

namespace vh::adapters {
namespace {

using testing::CertsDir;
using testing::ListDir;
using testing::PartnerProcess;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteFile;
using vh::testing::GatewayHarness;
using vh::testing::HarnessOptions;
using vh::testing::WaitFor;

std::string Bsn(int seed) { return testing::TestBsn(seed); }

std::vector<std::string> PartnerArgs(const std::string& persons, std::vector<std::string> extra) {
  std::vector<std::string> a = {"--cert",     CertsDir() + "/partner-server.crt",
                                "--key",      CertsDir() + "/partner-server.key",
                                "--ca",       CertsDir() + "/ca.crt",
                                "--data",     persons,
                                "--client-o", "veiligheidshuis-hm"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

Json Pull(const std::string& partner, const std::string& url, Json mapping) {
  Json pin = Json::object();
  // The example partner server's certificate is politie's (O=politie); the
  // other partners' adapters here reach that same server, pinned by its
  // fingerprint (an https-pull adapter takes only its partner's own server).
  if (partner != "politie") {
    pin["server_fingerprint"] = testing::CertFingerprint(CertsDir() + "/partner-server.crt");
  }
  Json entry = Json{{"partner", partner},
                    {"kind", "https-pull"},
                    {"url", url},
                    {"ca", CertsDir() + "/ca.crt"},
                    {"cert", CertsDir() + "/gateway-client.crt"},
                    {"key", CertsDir() + "/gateway-client.key"},
                    {"mapping", mapping},
                    {"connect_timeout_ms", 500},
                    {"timeout_ms", 800},
                    {"retries", 1},
                    {"backoff_ms", 50},
                    {"interval_seconds", 1},
                    {"max_backoff_seconds", 2}};
  if (partner == "politie") {  // the healthy one: time enough under a sanitizer
    entry["connect_timeout_ms"] = 5000;
    entry["timeout_ms"] = 10000;
  }
  entry.merge_patch(pin);
  return entry;
}

class AdaptersEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Politie's system: its own names; `toezicht` maps to a field politie may
    // not supply in a briefing (the covenant gives it to reclassering).
    Json persons = Json::array();
    persons.push_back({{"bsn", Bsn(1)},
                       {"bekend", true},
                       {"antecedenten", "synthetisch: twee eerdere zaken"},
                       {"toezicht", true}});
    persons_ = tmp_.File("politie-persons.json");
    WriteFile(persons_, Json{{"persons", persons}}.dump());
    drop_ = tmp_.path() + "/drop/gemeente-leiden";
    // The example covenant without OINs: this test is about adapters, and the
    // example certificates' serialNumbers need not match the covenant's OINs.
    JsonLimits lim;
    lim.allow_comments = true;
    lim.max_bytes = 16 << 20;
    auto cov = ParseJson(ReadAll(GatewayHarness::SourceDir() + "/examples/convenant.json"), lim);
    ASSERT_TRUE(cov.ok());
    for (Json& p : (*cov)["partners"]) p.erase("oin");
    covenant_ = tmp_.File("convenant.json");
    WriteFile(covenant_, cov->dump(2));
  }

  Json Adapters(int politie_port) {
    Json politie_map{{"bsn", "persoon.bsn"},
                     {"bekend", "casus.bekend_bij_partner"},
                     {"antecedenten", "leefgebied.delictgeschiedenis"},
                     {"toezicht", "justitie.lopend_toezicht"}};
    std::string base = "https://127.0.0.1:";
    return Json::array(
        {Pull("politie", base + std::to_string(politie_port) + "/vhgate/answer", politie_map),
         Pull("reclassering", base + std::to_string(testing::UnusedPort()) + "/vhgate/answer",
              Json::object()),
         Pull("dji", base + std::to_string(dji_->port()) + "/vhgate/answer", Json::object()),
         Pull("om", base + std::to_string(om_->port()) + "/vhgate/answer", Json::object()),
         Json{{"partner", "gemeente-leiden"},
              {"kind", "file-drop"},
              {"dir", drop_},
              {"format", "csv"},
              {"delimiter", ";"},
              {"settle_seconds", 0},
              {"poll_seconds", 1},
              {"mapping",
               {{"BSN", "persoon.bsn"},
                {"Uitkering", "gemeente.uitkering"},
                {"Schuldhulp", "gemeente.schuldhulp"},
                {"Wmo", "gemeente.wmo_voorziening"}}}}});
  }

  // A briefing with two subjects living in Leiden (gemeente-leiden sees its
  // residents only); returns the meeting id.
  std::string CreateMeetingWithRequests(GatewayHarness& gw) {
    Json meeting{{"overlegvorm", "briefing"},
                 {"title", "Briefing adapters e2e"},
                 {"starts_at", "2030-01-07T09:00:00Z"},
                 {"ends_at", "2030-01-07T11:00:00Z"},
                 {"subjects",
                  {{{"ref", "S1"},
                    {"identity",
                     {{"persoon.naam", "Test Een"},
                      {"persoon.geboortedatum", "1990-01-01"},
                      {"persoon.bsn", Bsn(1)}}},
                    {"reason", "synthetische melding"},
                    {"municipality", "Leiden"}},
                   {{"ref", "S2"},
                    {"identity",
                     {{"persoon.naam", "Test Twee"},
                      {"persoon.geboortedatum", "1991-02-02"},
                      {"persoon.bsn", Bsn(2)}}},
                    {"reason", "synthetische melding"},
                    {"municipality", "Leiden"}}}}};
    auto m = gw.Post("veiligheidshuis-hm.coordinator", "/v1/meetings", meeting);
    EXPECT_EQ(m.status, 201) << m.body;
    std::string id = m.json().value("id", "");
    auto r = gw.Post("veiligheidshuis-hm.coordinator", "/v1/meetings/" + id + "/requests",
                     Json{{"deadline", "2030-01-06T12:00:00Z"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return id;
  }

  Json Requests(GatewayHarness& gw, const std::string& partner, const std::string& status) {
    auto r = gw.Get(partner + ".supplier", "/v1/requests?status=" + status);
    if (r.status != 200) return Json::array();
    Json j = r.json();
    return j.is_object() && j.contains("requests") ? j["requests"] : Json::array();
  }

  TempDir tmp_;
  std::string persons_, drop_, covenant_;
  std::unique_ptr<PartnerProcess> dji_, om_;
};

TEST_F(AdaptersEndToEndTest, PartnersAnswerThroughTheGatewayAndFailuresAreRecorded) {
  PartnerProcess politie(PartnerArgs(persons_, {"--answer", "all"}));
  dji_ = std::make_unique<PartnerProcess>(PartnerArgs(persons_, {"--behaviour", "hang"}));
  om_ = std::make_unique<PartnerProcess>(PartnerArgs(persons_, {"--behaviour", "invalid-json"}));
  ASSERT_NE(politie.port(), 0);
  ASSERT_NE(dji_->port(), 0);
  ASSERT_NE(om_->port(), 0);
  HarnessOptions o;
  o.config_patch = Json{{"adapters", Adapters(politie.port())}};
  o.covenant = covenant_;
  o.start = false;
  GatewayHarness gw(o);
  std::string error;
  ASSERT_TRUE(gw.Start(&error)) << error;
  std::string meeting = CreateMeetingWithRequests(gw);
  ASSERT_FALSE(meeting.empty());

  // 1. Politie answers for S1 (its system knows Bsn(1)) and declines S2.
  ASSERT_TRUE(WaitFor([&] { return Requests(gw, "politie", "answered").size() == 1; })) << gw.Log();
  ASSERT_TRUE(WaitFor([&] { return Requests(gw, "politie", "declined").size() == 1; }));
  EXPECT_EQ(Requests(gw, "politie", "open").size(), 0u);

  // 2. The field politie may not supply was withheld, and audited.
  auto events =
      gw.Get("veiligheidshuis-hm.privacy-officer", "/v1/audit/events?partner=politie&limit=1000");
  ASSERT_EQ(events.status, 200) << events.body;
  bool withheld = false, accepted = false;
  const Json politie_events = events.json();
  for (const Json& e : politie_events["events"]) {
    std::string type = e.value("type", "");
    std::string all = e.dump();
    if (type == "field_withheld" && all.find("justitie.lopend_toezicht") != std::string::npos) {
      withheld = true;
    }
    if (type == "answer_received" &&
        all.find("leefgebied.delictgeschiedenis") != std::string::npos &&
        all.find("adapter:https-pull") != std::string::npos) {
      accepted = true;
    }
  }
  EXPECT_TRUE(withheld) << events.body;
  EXPECT_TRUE(accepted) << events.body;

  // 2b. The pull carried its trace to politie's system (W3C traceparent),
  //     and the audit events of its answer carry the same trace and span.
  std::string partner_log = politie.Log();
  auto at = partner_log.find("answered");
  ASSERT_NE(at, std::string::npos) << partner_log;
  auto tp_at = partner_log.find("traceparent 00-", at);
  ASSERT_NE(tp_at, std::string::npos) << partner_log;
  const std::string traceparent = partner_log.substr(tp_at + 12, 55);
  const std::string trace_id = traceparent.substr(3, 32), span_id = traceparent.substr(36, 16);
  bool traced = false;
  for (const Json& e : politie_events["events"]) {
    if (e.value("type", "") != "answer_received" || !e.contains("trace")) continue;
    traced =
        e["trace"].value("trace_id", "") == trace_id && e["trace"].value("span_id", "") == span_id;
    if (traced) break;
  }
  EXPECT_TRUE(traced) << traceparent << "\n" << events.body;

  // 3. Down (reclassering), hanging past the timeout (dji) and garbage (om):
  //    each request is recorded as failed, none blocks the others.
  for (const char* p : {"reclassering", "dji", "om"}) {
    EXPECT_TRUE(WaitFor([&] { return Requests(gw, p, "failed").size() == 2; }))
        << p << ": " << Requests(gw, p, "").dump();
  }
  std::string metrics = gw.Metrics();
  EXPECT_NE(
      metrics.find(
          "vhgate_adapter_pull_failures_total{partner=\"reclassering\",reason=\"unreachable\"}"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("vhgate_adapter_pull_failures_total{partner=\"dji\",reason=\"timeout\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find(
                "vhgate_adapter_pull_failures_total{partner=\"om\",reason=\"invalid_response\"}"),
            std::string::npos);
  EXPECT_NE(metrics.find("vhgate_adapter_pull_total{partner=\"politie\",outcome=\"answered\"} 1"),
            std::string::npos);

  // 4. file-drop: a CSV with a bad row is rejected as a whole.
  std::string bad =
      "BSN;Uitkering;Schuldhulp;Wmo\n" + Bsn(1) + ";ja;nee;nee\n" + Bsn(2) + ";ja;soms;nee\n";
  WriteFile(drop_ + "/.w-i-export.csv", bad);
  std::filesystem::rename(drop_ + "/.w-i-export.csv", drop_ + "/w-i-export.csv");
  ASSERT_TRUE(WaitFor([&] { return ListDir(drop_ + "/rejected").size() == 2; }));
  std::string err = ReadAll(drop_ + "/rejected/w-i-export.csv.error.txt");
  EXPECT_NE(err.find("line 3, column 3: 'Schuldhulp': expected a boolean"), std::string::npos)
      << err;
  EXPECT_EQ(Requests(gw, "gemeente-leiden", "answered").size(), 0u);

  // 5. The corrected file is imported once and moved to done/.
  std::string good =
      "BSN;Uitkering;Schuldhulp;Wmo\n" + Bsn(1) + ";ja;nee;nee\n" + Bsn(2) + ";nee;ja;nee\n";
  WriteFile(drop_ + "/.w-i-export-2.csv", good);
  std::filesystem::rename(drop_ + "/.w-i-export-2.csv", drop_ + "/w-i-export-2.csv");
  ASSERT_TRUE(WaitFor([&] { return ListDir(drop_ + "/done").size() == 1; })) << gw.Log();
  EXPECT_EQ(Requests(gw, "gemeente-leiden", "answered").size(), 2u);

  // 6. The same file again is recognised and not imported twice.
  WriteFile(drop_ + "/.again.csv", good);
  std::filesystem::rename(drop_ + "/.again.csv", drop_ + "/again.csv");
  ASSERT_TRUE(WaitFor([&] { return ListDir(drop_ + "/rejected").size() == 4; }));
  EXPECT_NE(ReadAll(drop_ + "/rejected/again.csv.error.txt").find("already imported"),
            std::string::npos);
  auto leiden = gw.Get("veiligheidshuis-hm.privacy-officer",
                       "/v1/audit/events?partner=gemeente-leiden&limit=1000");
  int answers = 0;
  const Json leiden_events = leiden.json();
  for (const Json& e : leiden_events["events"]) {
    if (e.value("type", "") == "answer_received") ++answers;
  }
  EXPECT_EQ(answers, 2);
  EXPECT_EQ(gw.Stop(), 0);
}

TEST_F(AdaptersEndToEndTest, BadAdapterEntryStopsTheStartNamingThePath) {
  HarnessOptions o;
  Json entry = Pull("politie", "http://127.0.0.1:1/x", Json::object());
  o.config_patch = Json{{"adapters", Json::array({entry})}};
  o.start = false;
  GatewayHarness gw(o);
  std::string error;
  EXPECT_FALSE(gw.Start(&error));
  EXPECT_NE((error + gw.Log()).find("/adapters/0/url"), std::string::npos) << error << gw.Log();

  Json unknown = Pull("politie", "https://127.0.0.1:1/x", Json{{"x", "geen.veld"}});
  unknown["partner"] = "politie";
  HarnessOptions o2;
  o2.config_patch = Json{{"adapters", Json::array({unknown})}};
  o2.start = false;
  GatewayHarness gw2(o2);
  EXPECT_FALSE(gw2.Start(&error));
  EXPECT_NE((error + gw2.Log()).find("/adapters/0/mapping/x: 'geen.veld' is not a covenant field"),
            std::string::npos)
      << error << gw2.Log();
}

}  // namespace
}  // namespace vh::adapters
