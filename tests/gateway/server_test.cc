// End-to-end tests of the mutual-TLS gateway core: the real `vhgate serve`
// process, real certificates, curl, the openssl CLI and a Beast client.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/gateway_harness.h"
#include "tests/support/tls_client.h"
#include "tests/support/wait_for.h"

namespace vh::testing {
namespace {

using namespace std::chrono_literals;

// openssl s_client with the given protocol/cipher options; true when the
// handshake completed (the server accepted).
bool OpensslHandshake(const GatewayHarness& gw, const std::vector<std::string>& opts) {
  std::vector<std::string> argv = {"openssl",  "s_client",
                                   "-connect", "127.0.0.1:" + std::to_string(gw.port()),
                                   "-CAfile",  gw.certs_dir() + "/ca.crt",
                                   "-cert",    gw.certs_dir() + "/politie.participant.crt",
                                   "-key",     gw.certs_dir() + "/politie.participant.key",
                                   "-brief",   "-ign_eof"};
  argv.insert(argv.end(), opts.begin(), opts.end());
  std::string out, err;
  int rc = RunCommand(argv, &out, &err,
                      "GET /v1/health HTTP/1.1\r\nHost: localhost\r\n"
                      "Connection: close\r\n\r\n");
  return rc == 0 && (out + err).find("CONNECTION ESTABLISHED") != std::string::npos &&
         out.find("HTTP/1.1 200") != std::string::npos;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HarnessOptions o;
    o.config_patch = {{"limits", {{"read_timeout_ms", 2000}, {"write_timeout_ms", 1000}}}};
    gw_ = std::make_unique<GatewayHarness>(o);
    ASSERT_GT(gw_->port(), 0) << gw_->Log();
  }
  std::unique_ptr<GatewayHarness> gw_;
};

TEST_F(ServerTest, ValidClientGetsHealth) {
  auto r = gw_->Get("politie.participant", "/v1/health");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["status"], "ok");
  EXPECT_TRUE(j.contains("convenant"));
  // Head and body leave as one buffer (session.cc WriteResponse): the head the
  // server composes itself.
  EXPECT_EQ(r.headers.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.headers;
  for (const char* h :
       {"Server: vhgate", "Content-Type: application/json", "Cache-Control: no-store",
        "X-Content-Type-Options: nosniff", "Strict-Transport-Security: max-age=31536000"}) {
    EXPECT_NE(r.headers.find(std::string(h) + "\r\n"), std::string::npos) << h;
  }
  EXPECT_NE(r.headers.find("Content-Length: " + std::to_string(r.body.size()) + "\r\n"),
            std::string::npos)
      << r.headers;
}

TEST_F(ServerTest, RefusesHandshakesAndCountsThemByReason) {
  EXPECT_EQ(gw_->Get("", "/v1/health").status, 0);
  EXPECT_EQ(gw_->Get("foreign", "/v1/health").status, 0);
  EXPECT_EQ(gw_->Get("expired", "/v1/health").status, 0);
  EXPECT_EQ(gw_->Get("revoked", "/v1/health").status, 0);
  std::string m = gw_->Metrics();
  EXPECT_EQ(MetricValue(m, "vhgate_handshake_failures_total{reason=\"no_certificate\"}"), 1) << m;
  EXPECT_EQ(MetricValue(m, "vhgate_handshake_failures_total{reason=\"unknown_ca\"}"), 1) << m;
  EXPECT_EQ(MetricValue(m, "vhgate_handshake_failures_total{reason=\"expired\"}"), 1) << m;
  EXPECT_EQ(MetricValue(m, "vhgate_handshake_failures_total{reason=\"revoked\"}"), 1) << m;
  // The gateway still serves the others.
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
}

// Signs a fresh client certificate with the real covenant CA (the example
// PKI's openssl-ca database) into the harness directory; true on success.
bool SignTestCert(const GatewayHarness& gw, const std::string& name, const std::string& subject,
                  const std::string& extra_ca_args = "") {
  std::string certs = gw.certs_dir();
  std::string dir = gw.dir();
  std::string script =
      "set -e; cd '" + certs +
      "'; "
      "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out '" +
      dir + "/" + name + ".key'; openssl req -new -key '" + dir + "/" + name + ".key' -subj '" +
      subject + "' -out '" + dir + "/" + name +
      ".csr'; "
      "openssl ca -batch -config work/ca.cnf -extensions client -preserveDN -notext " +
      extra_ca_args + " -in '" + dir + "/" + name + ".csr' -out '" + dir + "/" + name + ".crt'";
  std::string out, err;
  return RunCommand({"sh", "-c", script}, &out, &err) == 0;
}

int CurlWithCert(const GatewayHarness& gw, const std::string& name) {
  std::string out, err;
  return RunCommand({"curl", "-s", "--cacert", gw.certs_dir() + "/ca.crt", "--cert",
                     gw.dir() + "/" + name + ".crt", "--key", gw.dir() + "/" + name + ".key",
                     "https://localhost:" + std::to_string(gw.port()) + "/v1/health"},
                    &out, &err);
}

TEST_F(ServerTest, RefusesNotYetValidCertificate) {
  ASSERT_TRUE(SignTestCert(*gw_, "future", "/O=politie/OU=participant/CN=Toekomst",
                           "-startdate 20990101000000Z -enddate 20991231000000Z"));
  EXPECT_NE(CurlWithCert(*gw_, "future"), 0);
  EXPECT_EQ(
      MetricValue(gw_->Metrics(), "vhgate_handshake_failures_total{reason=\"not_yet_valid\"}"), 1);
}

TEST_F(ServerTest, RefusesOinThatDiffersFromTheCovenant) {
  // The covenant gives politie the OIN 00000001003214345000.
  ASSERT_TRUE(SignTestCert(
      *gw_, "wrong-oin", "/O=politie/OU=participant/CN=Namaak/serialNumber=00000001999999999000"));
  EXPECT_NE(CurlWithCert(*gw_, "wrong-oin"), 0);
  EXPECT_EQ(MetricValue(gw_->Metrics(), "vhgate_handshake_failures_total{reason=\"oin_mismatch\"}"),
            1);
  // The right OIN passes.
  ASSERT_TRUE(SignTestCert(*gw_, "right-oin",
                           "/O=politie/OU=participant/CN=Echt/serialNumber=00000001003214345000"));
  EXPECT_EQ(CurlWithCert(*gw_, "right-oin"), 0);
}

TEST_F(ServerTest, PartnerUnknownToTheCovenantIs401) {
  auto r = gw_->Get("onbekend.participant", "/v1/health");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "unauthenticated");
}

TEST_F(ServerTest, HealthNamesTheCovenantInForce) {
  auto j = gw_->Get("veiligheidshuis-hm.admin", "/v1/health").json();
  EXPECT_EQ(j["convenant"]["id"], "vh-hollands-midden");
  EXPECT_TRUE(j["convenant"]["version"].is_string());
  EXPECT_EQ(j["convenant"]["sha256"].get<std::string>().size(), 64u);
}

TEST_F(ServerTest, TlsProfile) {
  EXPECT_TRUE(OpensslHandshake(*gw_, {"-tls1_3"}));
  EXPECT_TRUE(OpensslHandshake(*gw_, {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"}));
  // TLS 1.1 (the client is allowed to try it at security level 0): refused.
  EXPECT_FALSE(OpensslHandshake(*gw_, {"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"}));
  // TLS 1.2 with a CBC suite: refused.
  EXPECT_FALSE(OpensslHandshake(*gw_, {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"}));
  EXPECT_FALSE(OpensslHandshake(*gw_, {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA384"}));
  // Counted once the alert is on its way: the client may see it first.
  std::string m;
  EXPECT_TRUE(WaitFor(
      [&] {
        m = gw_->Metrics();
        return MetricValue(m, "vhgate_handshake_failures_total{reason=\"protocol_version\"}") >=
                   1 &&
               MetricValue(m, "vhgate_handshake_failures_total{reason=\"no_shared_cipher\"}") >= 2;
      },
      10s))
      << m;
}

// The server sends its certificate and the intermediate, built once at
// start, not the root (which the partner has, and which OpenSSL added when it
// built the chain anew on every handshake): a partner that trusts only the
// root verifies the gateway.
TEST_F(ServerTest, SendsItsChainWithoutTheRoot) {
  // The root alone, taken from the example bundle.
  std::string bundle;
  {
    std::ifstream in(gw_->certs_dir() + "/ca.crt");
    bundle.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string root_file = ::testing::TempDir() + "/vh_root_only.crt";
  const std::string end = "-----END CERTIFICATE-----";
  bool found = false;
  for (std::size_t at = 0;
       (at = bundle.find("-----BEGIN CERTIFICATE-----", at)) != std::string::npos;) {
    std::size_t stop = bundle.find(end, at) + end.size();
    std::string pem = bundle.substr(at, stop - at) + "\n";
    at = stop;
    std::string out, err;
    RunCommand({"openssl", "x509", "-noout", "-subject", "-issuer"}, &out, &err, pem);
    if (out.find("subject=C = NL, O = Voorbeeld Convenant Root CA") != std::string::npos) {
      std::ofstream(root_file) << pem;
      found = true;
    }
  }
  ASSERT_TRUE(found) << "no root in ca.crt";
  std::string out, err;
  int rc =
      RunCommand({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(gw_->port()),
                  "-CAfile", root_file, "-verify_return_error", "-showcerts", "-cert",
                  gw_->certs_dir() + "/politie.participant.crt", "-key",
                  gw_->certs_dir() + "/politie.participant.key"},
                 &out, &err, "");
  EXPECT_EQ(rc, 0) << err;
  EXPECT_NE(out.find(" 0 s:C = NL, O = veiligheidshuis-hm, OU = gateway, CN = localhost"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(" 1 s:C = NL, O = Voorbeeld Convenant CA"), std::string::npos) << out;
  EXPECT_EQ(out.find(" 2 s:"), std::string::npos) << "the root was sent:\n" << out;
  EXPECT_NE(out.find("Verify return code: 0 (ok)"), std::string::npos) << out;
}

TEST_F(ServerTest, ErrorsAreJsonWithFittingStatus) {
  auto wrong_role = gw_->Call("politie.participant", "POST", "/v1/admin/policy/reload");
  EXPECT_EQ(wrong_role.status, 403);
  EXPECT_EQ(wrong_role.json()["error"]["code"], "forbidden");
  auto not_found = gw_->Get("politie.participant", "/v1/nope");
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(not_found.json()["error"]["code"], "not_found");
  auto method = gw_->Call("politie.participant", "DELETE", "/v1/health");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.json()["error"]["code"], "method_not_allowed");
  // Which methods there are (RFC 9110 15.5.6), for HEAD too.
  EXPECT_NE(method.headers.find("Allow: GET\r\n"), std::string::npos) << method.headers;
  auto head = gw_->Call("politie.participant", "PUT", "/v1/meetings/m-00");
  EXPECT_EQ(head.status, 405);
  EXPECT_NE(head.headers.find("Allow: GET\r\n"), std::string::npos) << head.headers;
  auto both = gw_->Call("politie.participant", "DELETE", "/v1/meetings");
  EXPECT_NE(both.headers.find("Allow: GET, POST\r\n"), std::string::npos) << both.headers;
}

TEST_F(ServerTest, OversizedBodyIs413) {
  std::string big(2 << 20, 'x');
  auto r = gw_->Call("veiligheidshuis-hm.admin", "POST", "/v1/admin/policy/reload", big);
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "body_too_large");
}

// The 413 leaves as soon as the header announces too much; the server then
// reads and drops what the client is still sending before it closes (for at
// most two seconds), so a client that writes on regardless is not reset in
// the middle of its write and still reads the answer.
TEST_F(ServerTest, A413ReachesAClientStillSendingItsBody) {
  auto c = TlsClient::Connect(gw_->port(), "veiligheidshuis-hm.admin");
  ASSERT_TRUE(c);
  std::string req =
      "POST /v1/admin/policy/reload HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
      "application/json\r\nContent-Length: 2097152\r\n\r\n";
  req += std::string(512 * 1024, 'x');
  EXPECT_TRUE(c->WriteRaw(req)) << "the server closed on a client still sending";
  auto r = c->ReadResponse();
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "body_too_large");
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  std::string header = "X-Filler: " + std::string(20000, 'a');
  auto r = gw_->Call("politie.participant", "GET", "/v1/health", "", {"-H", header});
  EXPECT_EQ(r.status, 431) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "headers_too_large");
}

TEST_F(ServerTest, MalformedHttpIs400) {
  auto c = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(c);
  ASSERT_TRUE(
      c->WriteRaw("GET /v1/health HTTP/1.1\r\nHost: localhost\r\nContent-Length: xyz\r\n\r\n"));
  auto r = c->ReadResponse();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["code"], "bad_request");
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto c = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(c);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c->Request("GET", "/v1/health").status, 200);
}

// The server's TLS layer hands the parser what each record holds: requests
// that arrive together are answered in order, and a request spread over many
// records (one per byte here) is put together.
TEST_F(ServerTest, PipelinedAndFragmentedRequestsAreAnsweredInOrder) {
  auto c = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(c);
  ASSERT_TRUE(
      c->WriteRaw("GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  "GET /v1/nope HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  "POST /v1/health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc"));
  EXPECT_EQ(c->ReadResponse().status, 200);
  EXPECT_EQ(c->ReadResponse().status, 404);
  EXPECT_EQ(c->ReadResponse().status, 405);
  const std::string one = "GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
  for (char ch : one) ASSERT_TRUE(c->WriteRaw(std::string(1, ch)));
  auto r = c->ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["status"], "ok");
}

// The server writes the response head itself: HTTP/1.0 keeps the connection
// only when asked and says so; HTTP/1.1 says when it closes.
TEST_F(ServerTest, ConnectionHeadersFollowTheRequestsVersion) {
  auto c = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(c);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c->WriteRaw("GET /v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = c->ReadResponse();
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_NE(r.headers.find("Connection: keep-alive\r\n"), std::string::npos) << r.headers;
  }
  ASSERT_TRUE(
      c->WriteRaw("GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
  auto last = c->ReadResponse();
  EXPECT_EQ(last.status, 200);
  EXPECT_NE(last.headers.find("Connection: close\r\n"), std::string::npos) << last.headers;
  EXPECT_EQ(c->ReadResponse(std::chrono::seconds(2)).status, 0) << "the server closed it";
}

// The read deadline also bounds the wait for the next request: a keep-alive
// connection that stays idle past it (2 s here) is closed, and counted.
TEST_F(ServerTest, AnIdleKeepAliveConnectionIsClosedAfterTheReadTimeout) {
  auto c = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->Request("GET", "/v1/health").status, 200);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c->ReadResponse(6s).status, 0);
  const auto idle = std::chrono::steady_clock::now() - start;
  EXPECT_GE(idle, 1500ms);
  EXPECT_LT(idle, 5s) << "not closed after the 2 s read timeout";
  EXPECT_EQ(MetricValue(gw_->Metrics(), "vhgate_read_timeouts_total"), 1);
}

TEST_F(ServerTest, SlowClientIsDroppedWhileOthersAreServed) {
  auto slow = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(slow);
  std::atomic<bool> dropped{false};
  std::atomic<int> served{0};
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration elapsed{};
  std::thread trickle([&] {
    std::string req = "GET /v1/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
    for (int i = 0; i < 10 && !dropped; ++i) {
      if (!slow->WriteRaw(req.substr(0, 1))) {
        dropped = true;
        break;
      }
      req = req.size() > 1 ? req.substr(1) : "aaaa";
      std::this_thread::sleep_for(1s);
    }
    if (!dropped) {
      // A write may still succeed into the kernel buffer after the close;
      // the read then sees the connection gone.
      dropped = slow->ReadResponse(2s).status == 0;
    }
    elapsed = std::chrono::steady_clock::now() - start;
  });
  // Others are served while the slow one trickles, and after it is gone.
  while ((!dropped || served < 3) && std::chrono::steady_clock::now() - start < 20s) {
    if (gw_->Get("om.participant", "/v1/health").status == 200) ++served;
  }
  trickle.join();
  EXPECT_TRUE(dropped);
  EXPECT_LT(elapsed, 8s) << "the slow client was not dropped after the 2 s read timeout";
  EXPECT_GE(served.load(), 3);
  EXPECT_GE(MetricValue(gw_->Metrics(), "vhgate_read_timeouts_total"), 1);
}

// A client that sends requests and takes none of the responses: once the
// kernel's buffers hold all they can, a response cannot leave. The
// connection is dropped when the write deadline (1 s here) passes, and the
// others are served all along.
TEST_F(ServerTest, AClientThatTakesNoResponsesIsDroppedWhileOthersAreServed) {
  auto greedy = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(greedy);
  std::string requests;
  for (int i = 0; i < 20000; ++i) requests += "GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
  // The server stops reading while its write waits, so this write blocks
  // until the server drops the connection.
  std::thread writer([&] { greedy->WriteRaw(requests); });
  const auto start = std::chrono::steady_clock::now();
  int served = 0;
  int64_t dropped = 0;
  std::chrono::steady_clock::duration elapsed{};
  while ((dropped == 0 || served < 3) && std::chrono::steady_clock::now() - start < 20s) {
    if (gw_->Get("om.participant", "/v1/health").status == 200) ++served;
    if (dropped == 0) {
      dropped = MetricValue(gw_->Metrics(), "vhgate_write_timeouts_total");
      elapsed = std::chrono::steady_clock::now() - start;
    }
  }
  greedy->Abort();  // ends the write should the server not have dropped it
  writer.join();
  EXPECT_EQ(dropped, 1);
  EXPECT_LT(elapsed, 8s) << "not dropped after the 1 s write timeout";
  EXPECT_GE(served, 3);
}

TEST_F(ServerTest, SigtermDrainsRequestInFlightAndExitsZero) {
  auto c = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(c);
  auto idle = TlsClient::Connect(gw_->port(), "om.participant");
  ASSERT_TRUE(idle);
  ASSERT_EQ(idle->Request("GET", "/v1/health").status, 200);
  // Header and half the body sent: the request is in flight.
  ASSERT_TRUE(
      c->WriteRaw("GET /v1/health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n12345"));
  // Time for the server to read the header (a connection whose header has
  // not been read is idle, and closed by the drain).
  std::this_thread::sleep_for(1s);
  std::thread stopper([&] { EXPECT_EQ(gw_->Stop(SIGTERM), 0); });
  EXPECT_TRUE(
      WaitFor([&] { return gw_->Log().find("\"event\":\"draining\"") != std::string::npos; }, 20s));
  // New connections are no longer accepted.
  EXPECT_FALSE(TlsClient::Connect(gw_->port(), "politie.participant"));
  ASSERT_TRUE(c->WriteRaw("67890"));
  auto r = c->ReadResponse();
  EXPECT_EQ(r.status, 200) << "the in-flight request was not answered";
  EXPECT_NE(r.headers.find("Connection: close"), std::string::npos) << r.headers;
  stopper.join();
  std::string log = gw_->Log();
  EXPECT_NE(log.find("\"event\":\"drained\""), std::string::npos);
}

TEST(ServerLimitsTest, ConnectionCapRefusesExtraConnections) {
  HarnessOptions o;
  o.config_patch = {{"limits", {{"max_connections", 2}}}};
  GatewayHarness gw(o);
  ASSERT_GT(gw.port(), 0) << gw.Log();
  auto a = TlsClient::Connect(gw.port(), "politie.participant");
  auto b = TlsClient::Connect(gw.port(), "om.participant");
  ASSERT_TRUE(a && b);
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(TlsClient::Connect(gw.port(), "politie.participant"));
  EXPECT_EQ(MetricValue(gw.Metrics(), "vhgate_rejected_connections_total"), 1);
  a.reset();
  // Its place is free once the server has seen it close.
  EXPECT_TRUE(
      WaitFor([&] { return bool(TlsClient::Connect(gw.port(), "politie.participant")); }, 20s));
}

TEST(ServerStartTest, UnreadableCertificateStopsTheStartNamingIt) {
  HarnessOptions o;
  o.start = false;
  o.config_patch = {{"tls", {{"cert", "/nonexistent/server.crt"}}}};
  GatewayHarness gw(o);
  std::string log;
  EXPECT_FALSE(gw.Start(&log));
  EXPECT_NE(log.find("/nonexistent/server.crt"), std::string::npos) << log;
}

TEST(ServerStartTest, BadConfigurationNamesTheKey) {
  HarnessOptions o;
  o.start = false;
  o.config_patch = {{"listen", "127.0.0.1:notaport"}};
  GatewayHarness gw(o);
  std::string log;
  EXPECT_FALSE(gw.Start(&log));
  EXPECT_NE(log.find("/listen: port is not a number"), std::string::npos) << log;
}

TEST(ServerStartTest, UnreadableCrlStopsTheStart) {
  HarnessOptions o;
  o.start = false;
  o.config_patch = {{"tls", {{"crl", "/nonexistent/crl.pem"}}}};
  GatewayHarness gw(o);
  std::string log;
  EXPECT_FALSE(gw.Start(&log));
  EXPECT_NE(log.find("tls.crl /nonexistent/crl.pem"), std::string::npos) << log;
}

TEST_F(ServerTest, LogLinesAreJsonObjects) {
  gw_->Get("politie.participant", "/v1/nope");
  gw_->Stop();
  std::istringstream in(gw_->Log());
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = Json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("event") && j.contains("ts")) << line;
    ++lines;
  }
  EXPECT_GE(lines, 2);
}

}  // namespace
}  // namespace vh::testing
