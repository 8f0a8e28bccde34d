#include "tests/faults/fault_util.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/support/tcp_connect.h"

namespace vh::faults {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// One client context per certificate, shared by the threads (SSL_CTX is
// thread-safe once set up).
SSL_CTX* ClientContext(const std::string& cert, const std::string& key) {
  static std::mutex mu;
  static std::map<std::string, SSL_CTX*> contexts;
  std::lock_guard<std::mutex> lock(mu);
  SSL_CTX*& c = contexts[cert];
  if (c) return c;
  c = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_load_verify_locations(c, (GatewayHarness::CertsDir() + "/ca.crt").c_str(), nullptr);
  SSL_CTX_use_certificate_chain_file(c, cert.c_str());
  SSL_CTX_use_PrivateKey_file(c, key.c_str(), SSL_FILETYPE_PEM);
  return c;
}

int Connect(int port, const std::string& source, bool nodelay, std::chrono::milliseconds timeout) {
  return testing::TcpConnect(port, {.source = source, .nodelay = nodelay, .timeout = timeout});
}

std::string Request(const std::string& method, const std::string& path, const std::string& body,
                    bool close) {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!body.empty() || method == "PUT" || method == "POST") {
    r +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (close) r += "Connection: close\r\n";
  return r + "\r\n" + body;
}

// Reads one response from `ssl` (bytes past it stay in *pending).
Reply ReadReply(SSL* ssl, std::string* pending) {
  Reply r;
  std::string& buf = *pending;
  char chunk[16384];
  std::size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    int n = SSL_read(ssl, chunk, sizeof chunk);
    if (n <= 0) return r;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  const std::string head = buf.substr(0, head_end);
  std::smatch m;
  static const std::regex kLength(R"((?:^|\r\n)[Cc]ontent-[Ll]ength: *(\d+))");
  std::size_t length = 0;
  if (std::regex_search(head, m, kLength)) length = std::stoul(m[1]);
  while (buf.size() < head_end + 4 + length) {
    int n = SSL_read(ssl, chunk, sizeof chunk);
    if (n <= 0) return r;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  if (head.size() > 12) r.status = std::atoi(head.c_str() + 9);
  r.body = buf.substr(head_end + 4, length);
  buf.erase(0, head_end + 4 + length);
  return r;
}

std::pair<std::string, std::string> CertKey(const ClientOptions& o) {
  if (!o.cert.empty()) return {o.cert, o.key};
  const std::string d = GatewayHarness::CertsDir() + "/" + o.identity;
  return {d + ".crt", d + ".key"};
}

// Everything written at once (one record, one segment), as loadgen does.
bool WriteAll(SSL* ssl, const std::string& bytes) {
  return SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) ==
         static_cast<int>(bytes.size());
}

}  // namespace

std::unique_ptr<Conn> Conn::Open(int port, const ClientOptions& o, std::string* error) {
  auto [cert, key] = CertKey(o);
  std::unique_ptr<Conn> c(new Conn());
  c->fd_ = Connect(port, o.source, o.nodelay, o.timeout);
  if (c->fd_ < 0) {
    if (error) *error = "connect failed";
    return nullptr;
  }
  SSL* ssl = SSL_new(ClientContext(cert, key));
  c->ssl_ = ssl;
  SSL_set_fd(ssl, c->fd_);
  SSL_set_tlsext_host_name(ssl, "localhost");
  SSL_set1_host(ssl, "localhost");
  if (SSL_connect(ssl) != 1) {
    if (error) *error = "handshake failed";
    ERR_clear_error();
    return nullptr;
  }
  return c;
}

Conn::~Conn() {
  if (ssl_) SSL_free(static_cast<SSL*>(ssl_));
  if (fd_ >= 0) ::close(fd_);
}

Reply Conn::Send(const std::string& method, const std::string& path, const std::string& body,
                 bool close) {
  auto* ssl = static_cast<SSL*>(ssl_);
  const auto t0 = Clock::now();
  if (!WriteAll(ssl, Request(method, path, body, close))) {
    ERR_clear_error();
    return {};
  }
  Reply r = ReadReply(ssl, &pending_);
  ERR_clear_error();
  r.ms = MsSince(t0);
  return r;
}

Reply Conn::SendSplit(const std::string& method, const std::string& path, const std::string& body) {
  auto* ssl = static_cast<SSL*>(ssl_);
  const std::string all = Request(method, path, body, false);
  const std::string head = all.substr(0, all.size() - body.size());
  const auto t0 = Clock::now();
  if (!WriteAll(ssl, head) || !WriteAll(ssl, body)) {
    ERR_clear_error();
    return {};
  }
  Reply r = ReadReply(ssl, &pending_);
  ERR_clear_error();
  r.ms = MsSince(t0);
  return r;
}

Reply Conn::SendRaw(const std::string& bytes) {
  auto* ssl = static_cast<SSL*>(ssl_);
  const auto t0 = Clock::now();
  if (!WriteAll(ssl, bytes)) {
    ERR_clear_error();
    return {};
  }
  Reply r = ReadReply(ssl, &pending_);
  ERR_clear_error();
  r.ms = MsSince(t0);
  return r;
}

Reply OneShot(int port, const ClientOptions& o, const std::string& method, const std::string& path,
              const std::string& body) {
  const auto t0 = Clock::now();
  auto [cert, key] = CertKey(o);
  int fd = Connect(port, o.source, o.nodelay, o.timeout);
  Reply r;
  if (fd < 0) return r;
  SSL* ssl = SSL_new(ClientContext(cert, key));
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  SSL_set1_host(ssl, "localhost");
  std::string pending;
  if (SSL_connect(ssl) == 1 && WriteAll(ssl, Request(method, path, body, true))) {
    r = ReadReply(ssl, &pending);
  }
  ERR_clear_error();
  r.ms = MsSince(t0);
  SSL_free(ssl);
  ::close(fd);
  return r;
}

void Latencies::Add(double ms) {
  std::lock_guard<std::mutex> lock(mu_);
  v_.push_back(ms);
}

double Latencies::Percentile(double p) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (v_.empty()) return 0;
  std::vector<double> s = v_;
  std::sort(s.begin(), s.end());
  return s[static_cast<std::size_t>(p * static_cast<double>(s.size() - 1))];
}

std::size_t Latencies::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return v_.size();
}

namespace {

std::vector<std::string>& Lines() {
  static std::vector<std::string> lines;
  return lines;
}

class SummaryPrinter : public ::testing::Environment {
 public:
  // A peer that hung up fails the write, not the suite.
  void SetUp() override { ::signal(SIGPIPE, SIG_IGN); }
  void TearDown() override {
    std::printf("\n== fault suite summary (%zu faults)\n", Lines().size());
    for (const auto& l : Lines()) std::printf("%s\n", l.c_str());
    std::fflush(stdout);
  }
};
[[maybe_unused]] ::testing::Environment* const kPrinter =
    ::testing::AddGlobalTestEnvironment(new SummaryPrinter);

}  // namespace

FaultReport::~FaultReport() {
  const bool failed = ::testing::Test::HasFailure();
  std::string line = "fault " + name_ + ": load held (" + load + "); faults survived: " + survived +
                     "; lost: " + (failed ? "FAILED (see above)" : lost);
  if (failed) line = "fault " + name_ + ": FAILED; load (" + load + "); survived: " + survived;
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  Lines().push_back(line);
}

std::string CovenantWithoutOins() {
  static const std::string path = [] {
    std::ifstream in(GatewayHarness::SourceDir() + "/examples/convenant.json");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string p =
        (fs::temp_directory_path() / ("vh_faults_covenant_" + std::to_string(::getpid()) + ".json"))
            .string();
    std::ofstream(p) << std::regex_replace(ss.str(), std::regex(R"(, *"oin": *"[0-9]*")"), "");
    return p;
  }();
  return path;
}

Briefing CreateBriefing(GatewayHarness& gw, int subjects, int seed) {
  Briefing b;
  Json list = Json::array();
  for (int i = 0; i < subjects; ++i) {
    list.push_back({{"ref", "S" + std::to_string(i + 1)},
                    {"identity",
                     {{"persoon.naam", "Synthetische Persoon " + std::to_string(seed + i)},
                      {"persoon.geboortedatum", "1990-03-14"},
                      {"persoon.bsn", testing::SyntheticBsn(seed + i)}}},
                    {"municipality", "Leiden"},
                    {"reason", "melding (synthetisch)"}});
  }
  auto m = gw.Post("veiligheidshuis-hm.coordinator", "/v1/meetings",
                   {{"overlegvorm", "briefing"},
                    {"title", "Briefing fault suite"},
                    {"starts_at", "2026-01-01T09:00:00Z"},
                    {"ends_at", "2099-01-01T12:00:00Z"},
                    {"subjects", list}});
  if (m.status != 201) {
    ADD_FAILURE() << "meeting: " << m.status << " " << m.body;
    return b;
  }
  b.id = m.json().value("id", "");
  auto r = gw.Post("veiligheidshuis-hm.coordinator", "/v1/meetings/" + b.id + "/requests",
                   {{"deadline", "2099-01-01T08:00:00Z"}});
  if (r.status != 201) {
    ADD_FAILURE() << "requests: " << r.status << " " << r.body;
    return b;
  }
  const Json sent = r.json();
  for (const auto& q : sent["requests"]) {
    const std::string who = q["supplier"].get<std::string>() + ".supplier";
    // Suppliers the example PKI has a certificate for.
    if (!fs::exists(GatewayHarness::CertsDir() + "/" + who + ".crt")) continue;
    b.requests.emplace_back(who, q["id"].get<std::string>());
  }
  return b;
}

std::string AnswerBody() { return R"({"fields":{"casus.bekend_bij_partner":true}})"; }

int CountEvents(GatewayHarness& gw, const std::string& meeting, const std::string& type) {
  int n = 0;
  std::string cursor;
  for (;;) {
    auto r = gw.Get("veiligheidshuis-hm.privacy-officer",
                    "/v1/audit/events?meeting=" + meeting + "&type=" + type + "&limit=1000" +
                        (cursor.empty() ? "" : "&cursor=" + cursor));
    if (r.status != 200) return -1;
    Json j = r.json();
    n += static_cast<int>(j["events"].size());
    if (!j["next_cursor"].is_string()) return n;
    cursor = j["next_cursor"].get<std::string>();
  }
}

bool AuditIntact(GatewayHarness& gw, std::string* out) {
  std::string o, e;
  int rc = gw.RunCli({"audit", "verify"}, &o, &e);
  if (out) *out = o + e;
  return rc == 0;
}

BareFlood::BareFlood(int port, int count, const std::string& source, int per_second)
    : thread_([=, this] { Run(port, count, source, per_second); }) {}

BareFlood::~BareFlood() { Stop(); }

void BareFlood::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void BareFlood::Run(int port, int count, std::string source, int per_second) {
  std::vector<pollfd> fds;
  const auto start = Clock::now();
  auto open_one = [&] {
    int fd = Connect(port, source, true, std::chrono::milliseconds(2000));
    if (fd >= 0) {
      fds.push_back({fd, POLLIN, 0});
      ++opened_;
    }
  };
  while (!stop_) {
    // Keep `count` open, but open at most per_second a second overall.
    const double budget = per_second * std::chrono::duration<double>(Clock::now() - start).count();
    while (static_cast<int>(fds.size()) < count && opened_ < budget && !stop_) open_one();
    ::poll(fds.data(), fds.size(), 20);
    for (std::size_t i = 0; i < fds.size();) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        ::close(fds[i].fd);
        ++closed_;
        fds[i] = fds.back();
        fds.pop_back();
      } else {
        fds[i].revents = 0;
        ++i;
      }
    }
  }
  for (auto& p : fds) ::close(p.fd);
}

SlowPartner::SlowPartner(std::string cert, std::string key, std::chrono::milliseconds gap,
                         bool hang)
    : cert_(std::move(cert)), key_(std::move(key)), gap_(gap), hang_(hang) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(listen_fd_, 64);
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

SlowPartner::~SlowPartner() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (auto& w : workers) w.join();
  ::close(listen_fd_);
}

void SlowPartner::Serve() {
  const std::string certs = GatewayHarness::CertsDir();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate_chain_file(ctx, cert_.c_str());
  SSL_CTX_use_PrivateKey_file(ctx, key_.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_load_verify_locations(ctx, (certs + "/ca.crt").c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  while (!stop_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) break;
    std::lock_guard<std::mutex> lock(mu_);
    workers_.emplace_back([this, fd, ctx] {
      timeval tv{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      SSL* ssl = SSL_new(ctx);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        std::string in;
        char buf[4096];
        while (in.find("\r\n\r\n") == std::string::npos && !stop_) {
          int n = SSL_read(ssl, buf, sizeof buf);
          if (n <= 0) break;
          in.append(buf, static_cast<std::size_t>(n));
        }
        ++requests_;
        // An answer the gateway accepts (an answer with no field is 422).
        const std::string body = R"({"fields":{"casus.bekend_bij_partner":true}})";
        const std::string resp =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            "Content-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
        for (std::size_t i = 0; i < resp.size() && !stop_; ++i) {
          if (hang_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            --i;
            continue;
          }
          if (SSL_write(ssl, resp.data() + i, 1) != 1) break;
          std::this_thread::sleep_for(gap_);
        }
      }
      ERR_clear_error();
      SSL_free(ssl);
      ::close(fd);
    });
  }
  SSL_CTX_free(ctx);
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace vh::faults
