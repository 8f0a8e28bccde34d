// https-pull against the real example partner process over real mutual TLS.

#include "adapters/https_pull_adapter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "adapters/adapter_config.h"
#include "adapters/adapter_runner.h"
#include "tests/adapters/fake_sink.h"
#include "tests/adapters/test_util.h"

namespace vh::adapters {
namespace {

using testing::CertsDir;
using testing::FakeSink;
using testing::PartnerProcess;
using testing::TempDir;
using testing::TestBsn;

// The partner speaks its own names; the mapping turns them into covenant ids.
Json Mapping() {
  return Json{{"bsn", "persoon.bsn"},
              {"toezicht", "justitie.lopend_toezicht"},
              {"einde_detentie", "detentie.einddatum"},
              {"diagnose", "zorg.diagnose"}};
}

std::string PersonsFile(const TempDir& dir) {
  Json persons = Json::array();
  persons.push_back({{"bsn", TestBsn(1)},
                     {"toezicht", true},
                     {"einde_detentie", "2027-01-15"},
                     {"diagnose", "synthetische testwaarde"}});
  persons.push_back({{"bsn", TestBsn(2)}, {"toezicht", false}});
  std::string path = dir.File("persons.json");
  testing::WriteFile(path, Json{{"persons", persons}}.dump());
  return path;
}

std::vector<std::string> PartnerArgs(const std::string& persons,
                                     std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {"--cert",     CertsDir() + "/partner-server.crt",
                                "--key",      CertsDir() + "/partner-server.key",
                                "--ca",       CertsDir() + "/ca.crt",
                                "--data",     persons,
                                "--client-o", "veiligheidshuis-hm"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

Json PullEntry(const std::string& url, Json overrides = Json::object()) {
  Json e{{"partner", "politie"},
         {"kind", "https-pull"},
         {"url", url},
         {"ca", CertsDir() + "/ca.crt"},
         {"cert", CertsDir() + "/gateway-client.crt"},
         {"key", CertsDir() + "/gateway-client.key"},
         {"mapping", Mapping()},
         {"connect_timeout_ms", 1000},
         {"timeout_ms", 1500},
         {"retries", 2},
         {"backoff_ms", 10},
         {"interval_seconds", 1}};
  e.merge_patch(overrides);
  return e;
}

OpenRequest PullRequest(const std::string& id, int bsn_seed) {
  OpenRequest r;
  r.id = id;
  r.meeting = "m-1";
  r.overlegvorm = "briefing";
  r.subject = "s-1";
  r.identity = {{"persoon.bsn", TestBsn(bsn_seed)}, {"persoon.naam", "Test Persoon"}};
  r.fields = {"justitie.lopend_toezicht", "detentie.einddatum"};
  r.deadline = *ParseUtc("2026-12-01T12:00:00Z");
  return r;
}

std::unique_ptr<HttpsPullAdapter> MakeAdapter(const Json& entry, FakeSink& sink,
                                              AdapterMetrics& metrics) {
  auto cfg = ParseAdapterConfigs(Json::array({entry}), "test.json", "/");
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  if (!cfg.ok()) return nullptr;
  auto a = HttpsPullAdapter::Create((*cfg)[0], sink, metrics);
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return a.ok() ? std::move(*a) : nullptr;
}

class HttpsPullAdapterTest : public ::testing::Test {
 protected:
  TempDir dir_;
  FakeSink sink_;
  AdapterMetrics metrics_;
  StopSignal never_;

  // One pull round for request r-1 against a partner started with
  // `--behaviour behaviour`.
  void PullOnceFrom(const std::string& behaviour) {
    PartnerProcess partner(PartnerArgs(PersonsFile(dir_), {"--behaviour", behaviour}));
    ASSERT_NE(partner.port(), 0);
    auto a = MakeAdapter(PullEntry(partner.url()), sink_, metrics_);
    ASSERT_NE(a, nullptr);
    sink_.AddRequest(PullRequest("r-1", 1));
    a->RunOnce(never_);
  }
};

TEST_F(HttpsPullAdapterTest, RequestBodyUsesThePartnersNames) {
  auto a = MakeAdapter(PullEntry("https://127.0.0.1:1/x"), sink_, metrics_);
  ASSERT_NE(a, nullptr);
  Json body = a->RequestBody(PullRequest("r-1", 1));
  EXPECT_EQ(body["request"], "r-1");
  EXPECT_EQ(body["identity"]["bsn"], TestBsn(1));
  EXPECT_EQ(body["identity"]["persoon.naam"], "Test Persoon");  // unmapped: as is
  EXPECT_EQ(body["fields"], Json::array({"toezicht", "einde_detentie"}));
}

TEST_F(HttpsPullAdapterTest, PartnerThatAnswersIsMappedAndStored) {
  PartnerProcess partner(PartnerArgs(PersonsFile(dir_)));
  ASSERT_NE(partner.port(), 0);
  auto a = MakeAdapter(PullEntry(partner.url()), sink_, metrics_);
  ASSERT_NE(a, nullptr);
  sink_.AddRequest(PullRequest("r-1", 1));
  a->RunOnce(never_);
  auto answers = sink_.answers();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].request, "r-1");
  EXPECT_EQ(answers[0].partner, "politie");
  EXPECT_EQ(answers[0].fields["justitie.lopend_toezicht"], true);
  EXPECT_EQ(answers[0].fields["detentie.einddatum"], "2027-01-15");
  EXPECT_EQ(answers[0].source.channel, "https-pull");
  EXPECT_EQ(answers[0].source.location, partner.url());
  EXPECT_EQ(answers[0].source.peer_fingerprint.size(), 64u);  // server cert SHA-256
  EXPECT_NE(answers[0].source.peer_subject.find("politie"), std::string::npos);
  EXPECT_TRUE(sink_.failures().empty());
  EXPECT_EQ(metrics_.Get(kPullTotal, "politie", "answered"), 1u);
  EXPECT_EQ(metrics_.Get(kFieldsTotal, "politie", "accepted"), 2u);
  // Answered: no longer open, so the next round asks nothing.
  a->RunOnce(never_);
  EXPECT_EQ(metrics_.Get(kPullAttempts, "politie"), 1u);
}

// The second and third pulls of a round reuse the keep-alive connection
// (no handshake): their answers must still name the partner's server.
TEST_F(HttpsPullAdapterTest, EveryAnswerOnAReusedConnectionNamesThePeer) {
  PartnerProcess partner(PartnerArgs(PersonsFile(dir_)));
  ASSERT_NE(partner.port(), 0);
  auto a = MakeAdapter(PullEntry(partner.url()), sink_, metrics_);
  ASSERT_NE(a, nullptr);
  for (int i = 1; i <= 3; ++i) sink_.AddRequest(PullRequest("r-" + std::to_string(i), 1));
  a->RunOnce(never_);
  auto answers = sink_.answers();
  ASSERT_EQ(answers.size(), 3u);
  for (const auto& ans : answers) {
    SCOPED_TRACE(ans.request);
    EXPECT_EQ(ans.source.peer_fingerprint.size(), 64u);
    EXPECT_EQ(ans.source.peer_fingerprint, answers[0].source.peer_fingerprint);
    EXPECT_NE(ans.source.peer_subject.find("politie"), std::string::npos);
  }
}

TEST_F(HttpsPullAdapterTest, FieldsThePartnerMayNotSupplyAreWithheld) {
  PartnerProcess partner(PartnerArgs(PersonsFile(dir_), {"--answer", "all"}));
  ASSERT_NE(partner.port(), 0);
  auto a = MakeAdapter(PullEntry(partner.url()), sink_, metrics_);
  ASSERT_NE(a, nullptr);
  sink_.AddRequest(PullRequest("r-1", 1));
  a->RunOnce(never_);
  auto answers = sink_.answers();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_FALSE(answers[0].fields.contains("zorg.diagnose"));
  ASSERT_EQ(sink_.withheld().size(), 1u);
  EXPECT_EQ(sink_.withheld()[0], Json::array({"zorg.diagnose"}));
  EXPECT_EQ(metrics_.Get(kFieldsTotal, "politie", "withheld"), 1u);
}

TEST_F(HttpsPullAdapterTest, UnknownPersonIsDeclined) {
  PartnerProcess partner(PartnerArgs(PersonsFile(dir_)));
  ASSERT_NE(partner.port(), 0);
  auto a = MakeAdapter(PullEntry(partner.url()), sink_, metrics_);
  ASSERT_NE(a, nullptr);
  sink_.AddRequest(PullRequest("r-9", 9));
  a->RunOnce(never_);
  ASSERT_EQ(sink_.declines().size(), 1u);
  EXPECT_EQ(sink_.declines()[0].reason, "persoon onbekend");
  EXPECT_EQ(metrics_.Get(kPullTotal, "politie", "declined"), 1u);
}

TEST_F(HttpsPullAdapterTest, PartnerThatIsDownIsRecordedAfterRetries) {
  std::string url = "https://127.0.0.1:" + std::to_string(testing::UnusedPort()) + "/vhgate/answer";
  auto a = MakeAdapter(PullEntry(url), sink_, metrics_);
  ASSERT_NE(a, nullptr);
  sink_.AddRequest(PullRequest("r-1", 1));
  sink_.AddRequest(PullRequest("r-2", 2));
  sink_.AddRequest(PullRequest("r-3", 3));
  a->RunOnce(never_);
  // Every request is recorded, but only the first cost network attempts.
  auto failures = sink_.failures();
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].request, "r-1");
  EXPECT_EQ(failures[2].request, "r-3");
  for (const auto& f : failures) EXPECT_EQ(f.reason, "unreachable");
  EXPECT_EQ(metrics_.Get(kPullAttempts, "politie"), 3u);  // first try + 2 retries
  EXPECT_EQ(metrics_.Get(kPullFailures, "politie", "unreachable"), 3u);
  EXPECT_TRUE(sink_.answers().empty());
  // Backed off: the next round does not hammer the partner.
  a->RunOnce(never_);
  EXPECT_EQ(metrics_.Get(kPullAttempts, "politie"), 3u);
  EXPECT_EQ(sink_.failures().size(), 3u);
}

TEST_F(HttpsPullAdapterTest, PartnerThatHangsTimesOut) {
  PartnerProcess partner(PartnerArgs(PersonsFile(dir_), {"--behaviour", "hang"}));
  ASSERT_NE(partner.port(), 0);
  auto a =
      MakeAdapter(PullEntry(partner.url(), {{"timeout_ms", 300}, {"retries", 1}}), sink_, metrics_);
  ASSERT_NE(a, nullptr);
  sink_.AddRequest(PullRequest("r-1", 1));
  auto start = std::chrono::steady_clock::now();
  a->RunOnce(never_);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(sink_.failures().size(), 1u);
  EXPECT_EQ(sink_.failures()[0].reason, "timeout");
  EXPECT_EQ(metrics_.Get(kPullAttempts, "politie"), 2u);
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_TRUE(sink_.answers().empty());
}

TEST_F(HttpsPullAdapterTest, InvalidJsonIsRecordedNotImported) {
  PullOnceFrom("invalid-json");
  if (HasFatalFailure()) return;
  ASSERT_EQ(sink_.failures().size(), 1u);
  EXPECT_EQ(sink_.failures()[0].reason, "invalid_response");
  EXPECT_EQ(metrics_.Get(kPullAttempts, "politie"), 1u);  // garbage is not retried
  EXPECT_TRUE(sink_.answers().empty());
}

TEST_F(HttpsPullAdapterTest, OversizedAnswerIsCutOffAndRecorded) {
  PullOnceFrom("huge");
  if (HasFatalFailure()) return;
  ASSERT_EQ(sink_.failures().size(), 1u);
  EXPECT_EQ(sink_.failures()[0].reason, "invalid_response");
  EXPECT_EQ(metrics_.Get(kPullAttempts, "politie"), 1u);
  EXPECT_TRUE(sink_.answers().empty());
}

TEST_F(HttpsPullAdapterTest, ServerErrorIsRetriedThenRecorded) {
  PullOnceFrom("http-500");
  if (HasFatalFailure()) return;
  ASSERT_EQ(sink_.failures().size(), 1u);
  EXPECT_EQ(sink_.failures()[0].reason, "http_status");
  EXPECT_EQ(metrics_.Get(kPullAttempts, "politie"), 3u);
}

TEST_F(HttpsPullAdapterTest, ServerNotSignedByTheConfiguredCaIsRefused) {
  PartnerProcess partner(PartnerArgs(PersonsFile(dir_)));
  ASSERT_NE(partner.port(), 0);
  auto a = MakeAdapter(PullEntry(partner.url(), {{"ca", CertsDir() + "/work/foreign-ca.crt"}}),
                       sink_, metrics_);
  ASSERT_NE(a, nullptr);
  sink_.AddRequest(PullRequest("r-1", 1));
  a->RunOnce(never_);
  ASSERT_EQ(sink_.failures().size(), 1u);
  EXPECT_EQ(sink_.failures()[0].reason, "tls");
  EXPECT_TRUE(sink_.answers().empty());
}

TEST_F(HttpsPullAdapterTest, PartnerRefusesAClientOfAnotherOrganisation) {
  PartnerProcess partner(PartnerArgs(PersonsFile(dir_)));
  ASSERT_NE(partner.port(), 0);
  // A valid certificate of the covenant CA, but not the house's gateway.
  auto a = MakeAdapter(PullEntry(partner.url(), {{"cert", CertsDir() + "/politie.supplier.crt"},
                                                 {"key", CertsDir() + "/politie.supplier.key"},
                                                 {"retries", 0}}),
                       sink_, metrics_);
  ASSERT_NE(a, nullptr);
  sink_.AddRequest(PullRequest("r-1", 1));
  a->RunOnce(never_);
  ASSERT_EQ(sink_.failures().size(), 1u);
  EXPECT_TRUE(sink_.answers().empty());
}

TEST_F(HttpsPullAdapterTest, RunnerRefusesPartnersAndFieldsTheCovenantDoesNotKnow) {
  struct Strict : FakeSink {
    bool KnowsPartner(std::string_view p) override { return p == "politie"; }
  } strict;
  Json entry = PullEntry("https://127.0.0.1:1/x");
  entry["partner"] = "politei";
  auto r = AdapterRunner::Create(Json::array({entry}), "gateway.json", "/", dir_.path(), strict);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "gateway.json: /adapters/0/partner: 'politei' is not a partner in the covenant");
  entry["partner"] = "politie";
  entry["mapping"]["x"] = "justitie.toezicht";
  r = AdapterRunner::Create(Json::array({entry}), "gateway.json", "/", dir_.path(), strict);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "gateway.json: /adapters/0/mapping/x: 'justitie.toezicht' is not a covenant field");
}

TEST_F(HttpsPullAdapterTest, KeyThatDoesNotFitTheCertificateStopsTheStart) {
  auto cfg = ParseAdapterConfigs(
      Json::array(
          {PullEntry("https://127.0.0.1:1/x", {{"key", CertsDir() + "/politie.supplier.key"}})}),
      "gateway.json", "/");
  ASSERT_TRUE(cfg.ok());
  auto a = HttpsPullAdapter::Create((*cfg)[0], sink_, metrics_);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("/adapters/0"), std::string::npos);
  EXPECT_NE(a.status().message().find("does not fit"), std::string::npos);
}

// The partner's own server, not any server the covenant CA
// vouches for. The example partner server's certificate is politie's
// (O=politie): an adapter for om that reaches it sends nothing and records
// "tls"; with om's server pinned by fingerprint it is accepted.
TEST_F(HttpsPullAdapterTest, AServerOfAnotherPartnerIsRefusedBeforeAnythingIsSent) {
  PartnerProcess partner(PartnerArgs(PersonsFile(dir_)));
  ASSERT_NE(partner.port(), 0);
  auto a =
      MakeAdapter(PullEntry(partner.url(), {{"partner", "om"}, {"retries", 0}}), sink_, metrics_);
  ASSERT_NE(a, nullptr);
  sink_.AddRequest(PullRequest("r-1", 1));
  a->RunOnce(never_);
  ASSERT_EQ(sink_.failures().size(), 1u);
  EXPECT_EQ(sink_.failures()[0].reason, "tls");
  EXPECT_TRUE(sink_.answers().empty());

  const std::string fp = testing::CertFingerprint(CertsDir() + "/partner-server.crt");
  ASSERT_EQ(fp.size(), 95u) << fp;
  FakeSink pinned_sink;
  AdapterMetrics pinned_metrics;
  auto pinned =
      MakeAdapter(PullEntry(partner.url(), {{"partner", "om"}, {"server_fingerprint", fp}}),
                  pinned_sink, pinned_metrics);
  ASSERT_NE(pinned, nullptr);
  pinned_sink.AddRequest(PullRequest("r-1", 1));
  pinned->RunOnce(never_);
  EXPECT_TRUE(pinned_sink.failures().empty());
  EXPECT_EQ(pinned_sink.answers().size(), 1u);

  // A fingerprint of another certificate: refused, even for politie itself.
  FakeSink other_sink;
  AdapterMetrics other_metrics;
  auto other = MakeAdapter(
      PullEntry(partner.url(),
                {{"server_fingerprint", testing::CertFingerprint(CertsDir() + "/server.crt")},
                 {"retries", 0}}),
      other_sink, other_metrics);
  ASSERT_NE(other, nullptr);
  other_sink.AddRequest(PullRequest("r-1", 1));
  other->RunOnce(never_);
  ASSERT_EQ(other_sink.failures().size(), 1u);
  EXPECT_EQ(other_sink.failures()[0].reason, "tls");
}

TEST_F(HttpsPullAdapterTest, HangingPartnerDoesNotBlockAnother) {
  PartnerProcess slow(PartnerArgs(PersonsFile(dir_), {"--behaviour", "hang"}));
  PartnerProcess good(PartnerArgs(PersonsFile(dir_)));
  ASSERT_NE(slow.port(), 0);
  ASSERT_NE(good.port(), 0);
  Json slow_entry = PullEntry(slow.url(), {{"timeout_ms", 20000}, {"retries", 0}});
  // The example partner server is politie's: pinned by fingerprint for
  // reclassering.
  Json good_entry = PullEntry(
      good.url(),
      {{"partner", "reclassering"},
       {"server_fingerprint", testing::CertFingerprint(CertsDir() + "/partner-server.crt")}});
  sink_.AddRequest(PullRequest("r-1", 1));
  sink_.AddRequest(PullRequest("r-2", 2));
  // Both adapters see both requests in this fake; the first answer wins.
  auto runner = AdapterRunner::Create(Json::array({slow_entry, good_entry}), "gateway.json", "/",
                                      dir_.path(), sink_);
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  auto start = std::chrono::steady_clock::now();
  (*runner)->Start();
  while (sink_.answers().size() < 2 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(sink_.answers().size(), 2u);
  EXPECT_LT(took, std::chrono::seconds(15)) << "the hanging partner held up the other";
  // Stop ends the hanging transfer long before its 20 s timeout (libcurl
  // asks whether to go on about once a second).
  auto stop_start = std::chrono::steady_clock::now();
  (*runner)->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace vh::adapters
