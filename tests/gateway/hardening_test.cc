// Hardening through the real `vhgate serve` process: strict framing, the
// subject of a client certificate, refused handshakes in the log, one source
// address against the others, TLS files reloaded, the data directory's
// modes. (tests/faults/ holds the same faults at full scale.)

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "tests/support/gateway_harness.h"
#include "tests/support/tcp_connect.h"
#include "tests/support/test_ca.h"
#include "tests/support/tls_client.h"
#include "tests/support/wait_for.h"

namespace vh::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The log lines of `event`, parsed.
std::vector<Json> Events(const GatewayHarness& gw, const std::string& event) {
  std::vector<Json> out;
  std::istringstream in(gw.Log());
  for (std::string line; std::getline(in, line);) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_object() && j.value("event", "") == event) out.push_back(j);
  }
  return out;
}

// A TCP connection that sends nothing, from `from` (a loopback address).
int BareConnect(int port) { return TcpConnect(port); }

// True when the server closed `fd` within `limit`.
bool ClosedByServer(int fd, std::chrono::milliseconds limit) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, 0) <= 0;
}

int Mode(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

class HardeningTest : public ::testing::Test {
 protected:
  void Start(Json patch = Json::object()) {
    HarnessOptions o;
    o.config_patch = std::move(patch);
    gw_ = std::make_unique<GatewayHarness>(o);
    ASSERT_GT(gw_->port(), 0) << gw_->Log();
  }
  // One request's bytes on a fresh connection; the status of the answer (0:
  // none).
  int Raw(const std::string& bytes) {
    auto c = TlsClient::Connect(gw_->port(), "politie.participant");
    if (!c || !c->WriteRaw(bytes)) return 0;
    return c->ReadResponse(3s).status;
  }
  std::unique_ptr<GatewayHarness> gw_;
};

// "Transfer-Encoding: xchunked" with a Content-Length is not read as a
// length-delimited body: anything but "chunked" alone is refused.
TEST_F(HardeningTest, TransferEncodingIsChunkedAloneOrRefused) {
  Start();
  const std::string get = "GET /v1/health HTTP/1.1\r\nHost: localhost\r\n";
  EXPECT_EQ(Raw(get + "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\nhello"), 400);
  EXPECT_EQ(Raw(get + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(Raw(get + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            400);
  EXPECT_EQ(Raw(get + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(Raw("GET /v1/health HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
  // Chunked alone, in any case, is fine.
  EXPECT_EQ(Raw(get + "Transfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), 200);
  // A refused framing is tied to its log line like any other error.
  auto c = TlsClient::Connect(gw_->port(), "politie.participant");
  ASSERT_TRUE(c && c->WriteRaw(get + "Transfer-Encoding: xchunked\r\n\r\n"));
  HttpResult r = c->ReadResponse(3s);
  ASSERT_EQ(r.status, 400);
  const std::string id = r.json()["error"].value("request_id", "");
  EXPECT_FALSE(id.empty()) << r.body;
  EXPECT_NE(r.headers.find("X-Request-Id: " + id), std::string::npos) << r.headers;
  EXPECT_TRUE(WaitFor([&] { return gw_->Log().find(id) != std::string::npos; }, 20s))
      << "no log line with the request id " << id;
  // Counted once each, as refused requests.
  EXPECT_EQ(MetricValue(gw_->Metrics(), "vhgate_requests_total{route=\"unparsed\",status=\"400\"}"),
            6);
}

// 40 KB of chunked trailers (or of one chunk-size line) were taken whole.
TEST_F(HardeningTest, ChunkedTrailersAndChunkLinesAreBounded) {
  Start();
  const std::string head =
      "GET /v1/health HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string trailers;
  while (trailers.size() < 40 * 1024) trailers += "X-Trailer: " + std::string(100, 'a') + "\r\n";
  EXPECT_EQ(Raw(head + "3\r\nabc\r\n0\r\n" + trailers + "\r\n"), 400);
  EXPECT_EQ(Raw(head + "3\r\nabc\r\n0\r\nX-T: " + std::string(9000, 'a') + "\r\n\r\n"), 400);
  EXPECT_EQ(Raw(head + "3;" + std::string(10000, 'e') + "\r\nabc\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(Raw(head + "3\r\nabc\r\n0\r\nX-Small: 1\r\n\r\n"), 200);
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
}

// A repeated O, OU, CN or serialNumber is not accepted (with the first one
// winning): it is refused at the handshake, counted, logged.
TEST_F(HardeningTest, RepeatedSubjectAttributesAreRefusedAtTheHandshake) {
  Start();
  TestCa ca(gw_->dir() + "/pki");
  const std::string oin = "/serialNumber=00000001003214345000";
  ASSERT_TRUE(ca.Sign("two-o", "/O=politie/O=om/OU=participant/CN=Dubbel" + oin));
  ASSERT_TRUE(ca.Sign("two-ou", "/O=politie/OU=participant/OU=admin/CN=Dubbel" + oin));
  ASSERT_TRUE(ca.Sign("two-cn", "/O=politie/OU=participant/CN=A/CN=B" + oin));
  ASSERT_TRUE(ca.Sign("two-oin", "/O=politie/OU=participant/CN=A" + oin + oin));
  ASSERT_TRUE(ca.Sign("single", "/O=politie/OU=participant/CN=Enkel" + oin));
  auto curl = [&](const std::string& name) {
    std::string out, err;
    RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                gw_->certs_dir() + "/ca.crt", "--cert", ca.Cert(name), "--key", ca.Key(name),
                "https://localhost:" + std::to_string(gw_->port()) + "/v1/health"},
               &out, &err);
    return out;
  };
  for (const char* name : {"two-o", "two-ou", "two-cn", "two-oin"}) {
    EXPECT_EQ(curl(name), "000") << name;
  }
  EXPECT_EQ(curl("single"), "200");
  // Counted once the alert is on its way: the client may see it first.
  EXPECT_TRUE(WaitFor(
      [&] {
        return MetricValue(gw_->Metrics(),
                           "vhgate_handshake_failures_total{reason=\"ambiguous_subject\"}") == 4;
      },
      10s))
      << gw_->Metrics();
  auto lines = Events(*gw_, "handshake_refused");
  ASSERT_GE(lines.size(), 1u) << gw_->Log();
  EXPECT_EQ(lines[0]["reason"], "ambiguous_subject");
  EXPECT_NE(lines[0]["subject"].get<std::string>().find("O=om"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0]["fingerprint"].get<std::string>().size(), 64u);
  EXPECT_EQ(lines[0]["remote"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
}

// A refused handshake is not only counted: the operator reads why, from
// where and for which certificate, and a subject's
// bidirectional override cannot reorder the line (core/log).
TEST_F(HardeningTest, ARefusedHandshakeIsOneLogLineWithItsSubjectEscaped) {
  Start();
  TestCa ca(gw_->dir() + "/pki");
  // A wrong OIN (the covenant gives politie 00000001003214345000) and a CN
  // with a right-to-left override.
  ASSERT_TRUE(ca.Sign("rtl",
                      "/O=politie/OU=participant/CN=Evil\u202Eexe.gnp/"
                      "serialNumber=00000001999999999000"));
  std::string out, err;
  RunCommand(
      {"curl", "-s", "--cacert", gw_->certs_dir() + "/ca.crt", "--cert", ca.Cert("rtl"), "--key",
       ca.Key("rtl"), "https://localhost:" + std::to_string(gw_->port()) + "/v1/health"},
      &out, &err);
  EXPECT_EQ(gw_->Get("", "/v1/health").status, 0);  // no certificate
  ASSERT_TRUE(WaitFor([&] { return Events(*gw_, "handshake_refused").size() >= 2; }, 20s));
  const std::string log = gw_->Log();
  EXPECT_EQ(log.find("\u202E"), std::string::npos) << "raw override in the log";
  EXPECT_NE(log.find("Evil\\u202eexe.gnp"), std::string::npos) << log;
  auto lines = Events(*gw_, "handshake_refused");
  EXPECT_EQ(lines[0]["reason"], "oin_mismatch");
  // Parsed back, the subject is the certificate's own.
  EXPECT_NE(lines[0]["subject"].get<std::string>().find("CN=Evil\u202Eexe.gnp"), std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[0]["fingerprint"].get<std::string>().size(), 64u);
  EXPECT_EQ(lines[1]["reason"], "no_certificate");
  EXPECT_FALSE(lines[1].contains("fingerprint"));
}

// Bare TCP connections from one address do not fill the connection cap for
// the handshake's 10 s: one address holds at most its share, for at most
// the (short) handshake timeout; another address is served meanwhile.
TEST_F(HardeningTest, OneAddressCannotTakeEveryConnection) {
  Start({{"limits",
          {{"max_connections", 20},
           {"max_connections_per_address", 4},
           {"handshake_timeout_ms", 5000}}}});
  std::vector<int> flood;
  for (int i = 0; i < 30; ++i) flood.push_back(BareConnect(gw_->port()));
  const auto flooded_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitFor(
      [&] { return MetricValue(gw_->Metrics(), "vhgate_rejected_connections_total") == 26; }, 10s))
      << gw_->Metrics();
  int closed_at_once = 0;
  for (int fd : flood) closed_at_once += ClosedByServer(fd, 200ms) ? 1 : 0;
  EXPECT_EQ(closed_at_once, 26);
  auto other = gw_->Call("om.participant", "GET", "/v1/health", "", {"--interface", "127.0.0.2"});
  EXPECT_EQ(other.status, 200) << other.body;
  // The four it holds go after the configured handshake timeout (5 s), not
  // a longer one of its own: all closed 7.5 s after they connected.
  int held_closed = 0;
  for (int fd : flood) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        flooded_at + 7500ms - std::chrono::steady_clock::now());
    held_closed += ClosedByServer(fd, std::max(left, 0ms)) ? 1 : 0;
  }
  EXPECT_EQ(held_closed, 30);
  for (int fd : flood) ::close(fd);
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
  const std::string m = gw_->Metrics();
  EXPECT_EQ(MetricValue(m, "vhgate_rejected_connections_total"), 26) << m;
  EXPECT_EQ(MetricValue(m, "vhgate_handshake_failures_total{reason=\"timeout\"}"), 4) << m;
  auto refused = Events(*gw_, "connection_refused");
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused[0]["reason"], "max_connections_per_address");
}

// The CRL is not only read at start: a new one is taken on
// SIGHUP and when the file changes, from the next handshake on; a bad one
// keeps the one in force and says why.
TEST_F(HardeningTest, TheCrlIsReloadedOnSighupAndWhenItChanges) {
  Start();
  TestCa ca(gw_->dir() + "/pki");
  const std::string crl = gw_->dir() + "/crl.pem";
  ASSERT_TRUE(ca.WriteCrl(crl));
  gw_->Stop();
  gw_->WriteConfig({{"tls", {{"crl", crl}}}});
  ASSERT_TRUE(gw_->Start());
  const std::string oin = "/serialNumber=00000001003214345000";
  ASSERT_TRUE(ca.Sign("a", "/O=politie/OU=participant/CN=A" + oin));
  ASSERT_TRUE(ca.Sign("b", "/O=politie/OU=participant/CN=B" + oin));
  auto status = [&](const std::string& name) {
    std::string out, err;
    RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                gw_->certs_dir() + "/ca.crt", "--cert", ca.Cert(name), "--key", ca.Key(name),
                "https://localhost:" + std::to_string(gw_->port()) + "/v1/health"},
               &out, &err);
    return out;
  };
  ASSERT_EQ(status("a"), "200");
  ASSERT_EQ(status("b"), "200");
  const int64_t next_update =
      MetricValue(gw_->Metrics(), "vhgate_crl_next_update_timestamp_seconds");
  EXPECT_GT(next_update, 0);

  // How many reload lines with this trigger (and this text in the reason).
  auto reloads = [&](const char* event, const char* trigger, const char* reason = "") {
    int n = 0;
    for (const auto& e : Events(*gw_, event)) {
      n += e.value("trigger", "") == trigger &&
           e.value("reason", "").find(reason) != std::string::npos;
    }
    return n;
  };

  // Changed on disk: picked up by the poll (every 2 s).
  std::this_thread::sleep_for(1100ms);  // a new modification time
  ASSERT_TRUE(ca.Revoke("a"));
  ASSERT_TRUE(ca.WriteCrl(crl));
  ASSERT_TRUE(WaitFor([&] { return reloads("tls_reloaded", "file_changed") >= 1; }, 20s))
      << gw_->Log();
  EXPECT_EQ(status("a"), "000");
  EXPECT_EQ(status("b"), "200");
  EXPECT_TRUE(WaitFor(
      [&] {
        return MetricValue(gw_->Metrics(), "vhgate_handshake_failures_total{reason=\"revoked\"}") >=
               1;
      },
      10s));

  // SIGHUP: without waiting for a change of the file's stamp.
  ASSERT_TRUE(ca.Revoke("b"));
  ASSERT_TRUE(ca.WriteCrl(crl));
  gw_->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return reloads("tls_reloaded", "SIGHUP") >= 1; }, 20s)) << gw_->Log();
  EXPECT_EQ(status("b"), "000");

  // A CRL that does not load, and one already past its nextUpdate: the one
  // in force stays, the log says why.
  { std::ofstream(crl + ".new") << "not a CRL"; }
  fs::rename(crl + ".new", crl);
  gw_->Signal(SIGHUP);
  ASSERT_TRUE(ca.WriteCrl(gw_->dir() + "/old-crl.pem",
                          "-crl_lastupdate 20200101000000Z -crl_nextupdate 20200102000000Z"));
  ASSERT_TRUE(WaitFor([&] { return reloads("tls_reload_failed", "SIGHUP") >= 1; }, 20s))
      << gw_->Log();
  fs::copy_file(gw_->dir() + "/old-crl.pem", crl, fs::copy_options::overwrite_existing);
  gw_->Signal(SIGHUP);
  EXPECT_TRUE(
      WaitFor([&] { return reloads("tls_reload_failed", "SIGHUP", "nextUpdate") >= 1; }, 20s))
      << gw_->Log();
  EXPECT_EQ(status("b"), "000");
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
}

// A partner that reconnects is not verified from scratch each time (its
// chain is remembered), but never past its certificate's notAfter.
TEST_F(HardeningTest, ARememberedChainEndsWithItsCertificate) {
  Start();
  TestCa ca(gw_->dir() + "/pki");
  const auto end = std::chrono::system_clock::now() + 6s;
  const std::time_t end_t = std::chrono::system_clock::to_time_t(end);
  char enddate[32];
  std::strftime(enddate, sizeof enddate, "%Y%m%d%H%M%SZ", std::gmtime(&end_t));
  ASSERT_TRUE(ca.Sign("short",
                      "/O=politie/OU=participant/CN=Kort/serialNumber=00000001003214345000",
                      "client", std::string("-enddate ") + enddate));
  ASSERT_TRUE(ca.Sign("a-server-cert", "/O=politie/OU=participant/CN=Extra", "server"));
  auto curl = [&](const std::string& cert_file = "") {
    std::string out, err;
    RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                gw_->certs_dir() + "/ca.crt", "--cert",
                cert_file.empty() ? ca.Cert("short") : cert_file, "--key", ca.Key("short"),
                "https://localhost:" + std::to_string(gw_->port()) + "/v1/health"},
               &out, &err);
    return out;
  };
  const std::string remembered = "vhgate_client_chains_remembered_total";
  ASSERT_EQ(curl(), "200");
  const int64_t before = MetricValue(gw_->Metrics(), remembered);
  ASSERT_EQ(curl(), "200");
  EXPECT_EQ(MetricValue(gw_->Metrics(), remembered), before + 1) << "the second was remembered";
  // The same certificate with one the chain does not need sent after it:
  // accepted, but not remembered (else padding would make endless keys).
  const std::string padded = gw_->dir() + "/padded.crt";
  {
    std::ofstream out(padded);
    out << std::ifstream(ca.Cert("short")).rdbuf()
        << std::ifstream(ca.Cert("a-server-cert")).rdbuf();
  }
  ASSERT_EQ(curl(padded), "200");
  ASSERT_EQ(curl(padded), "200");
  EXPECT_EQ(MetricValue(gw_->Metrics(), remembered), before + 1) << "padded: verified each time";

  std::this_thread::sleep_until(end + 1s);
  EXPECT_EQ(curl(), "000");
  EXPECT_TRUE(WaitFor(
      [&] {
        return MetricValue(gw_->Metrics(), "vhgate_handshake_failures_total{reason=\"expired\"}") >=
               1;
      },
      10s))
      << gw_->Metrics();
}

// A remembered chain is not a remembered subject: the OIN the covenant
// gives the partner is checked on every handshake, so a covenant reload that
// changes it refuses a certificate whose chain was remembered.
TEST_F(HardeningTest, ARememberedChainHasItsOinCheckedAfterACovenantReload) {
  const std::string covenant = ::testing::TempDir() + "/remembered-oin-convenant.json";
  fs::copy_file(GatewayHarness::SourceDir() + "/examples/convenant.json", covenant,
                fs::copy_options::overwrite_existing);
  Start({{"policy", covenant}});
  const std::string remembered = "vhgate_client_chains_remembered_total";
  ASSERT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
  const int64_t before = MetricValue(gw_->Metrics(), remembered);
  ASSERT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
  ASSERT_EQ(MetricValue(gw_->Metrics(), remembered), before + 1) << "remembered";

  // Politie's OIN is another one now.
  std::string text;
  {
    std::ifstream in(covenant);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string oin = "\"oin\": \"00000001003214345000\"";
  const auto at = text.find(oin);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, oin.size(), "\"oin\": \"00000001003214345099\"");
  { std::ofstream(covenant + ".new") << text; }
  fs::rename(covenant + ".new", covenant);
  ASSERT_EQ(gw_->Post("veiligheidshuis-hm.admin", "/v1/admin/policy/reload", Json::object()).status,
            200)
      << gw_->Log();

  EXPECT_EQ(gw_->Get("politie.participant", "/v1/health").status, 0);
  EXPECT_TRUE(WaitFor(
      [&] {
        return MetricValue(gw_->Metrics(),
                           "vhgate_handshake_failures_total{reason=\"oin_mismatch\"}") >= 1;
      },
      10s))
      << gw_->Metrics();
  EXPECT_EQ(gw_->Get("om.participant", "/v1/health").status, 200) << "the others are served";
}

// The server certificate too, with its expiry as a metric and a warning
// from seven days before.
TEST_F(HardeningTest, TheServerCertificateIsReloadedAndItsExpiryWatched) {
  Start();
  TestCa ca(gw_->dir() + "/pki");
  const std::string cert = gw_->dir() + "/server.crt", key = gw_->dir() + "/server.key";
  fs::copy_file(gw_->certs_dir() + "/server.crt", cert);
  fs::copy_file(gw_->certs_dir() + "/server.key", key);
  gw_->Stop();
  gw_->WriteConfig({{"tls", {{"cert", cert}, {"key", key}}}});
  ASSERT_TRUE(gw_->Start());
  const int64_t before =
      MetricValue(gw_->Metrics(), "vhgate_server_certificate_expiry_timestamp_seconds");
  EXPECT_GT(before, 0);
  // A certificate that expires in three days.
  const auto soon = std::chrono::system_clock::now() + std::chrono::hours(72);
  const std::time_t t = std::chrono::system_clock::to_time_t(soon);
  char end[32];
  std::strftime(end, sizeof end, "%Y%m%d%H%M%SZ", std::gmtime(&t));
  ASSERT_TRUE(ca.Sign("server2", "/C=NL/O=veiligheidshuis-hm/OU=gateway/CN=localhost", "server",
                      std::string("-enddate ") + end));
  fs::copy_file(ca.Key("server2"), key, fs::copy_options::overwrite_existing);
  fs::copy_file(ca.Cert("server2"), cert, fs::copy_options::overwrite_existing);
  gw_->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor(
      [&] {
        return MetricValue(gw_->Metrics(), "vhgate_server_certificate_expiry_timestamp_seconds") ==
               static_cast<int64_t>(t);
      },
      20s));
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
  EXPECT_FALSE(Events(*gw_, "server_certificate_expiring").empty()) << gw_->Log();
  // A key that does not fit: the pair in force stays.
  fs::copy_file(gw_->certs_dir() + "/politie.participant.key", key,
                fs::copy_options::overwrite_existing);
  gw_->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return !Events(*gw_, "tls_reload_failed").empty(); }, 20s));
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/health").status, 200);
}

// A data_dir of 0755 is tightened at start: the directory 0700, no file
// open to group or others (not 0644), and an event says so.
TEST_F(HardeningTest, DataFilesAndDirectoriesAreTheGatewaysAlone) {
  HarnessOptions o;
  o.start = false;
  GatewayHarness gw(o);
  const std::string data = gw.dir() + "/data";
  fs::create_directories(data);
  ::chmod(data.c_str(), 0755);
  ASSERT_TRUE(gw.Start()) << gw.Log();
  ASSERT_EQ(gw.Get("politie.participant", "/v1/health").status, 200);
  EXPECT_EQ(Mode(data), 0700);
  for (const auto& e : fs::recursive_directory_iterator(data)) {
    const int mode = Mode(e.path().string());
    EXPECT_EQ(mode & 077, 0) << e.path() << " " << std::oct << mode;
  }
  EXPECT_EQ(Mode(data + "/audit.db"), 0600);
  EXPECT_FALSE(Events(gw, "data_permissions_tightened").empty());
}

}  // namespace
}  // namespace vh::testing
