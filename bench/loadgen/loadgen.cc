// vhgate-loadgen: a mutual-TLS HTTP/1.1 load generator.
//
//   vhgate-loadgen --port P [--host 127.0.0.1] --cert C --key K --ca CA
//                  [--path /v1/health] [--method GET] [--body-file F]
//                  [--connections 50] [--duration 10] [--threads 1]
//                  [--mode keepalive|handshake] [--client nodelay|nagle]
//                  [--label name]
//
// keepalive: each connection sends requests back to back on one TLS session.
// handshake: every request on a fresh TCP connection with a full TLS
// handshake (no session resumption). --client nagle leaves Nagle's algorithm
// on, as a Beast/Asio client with default socket options does (the default,
// nodelay, sets TCP_NODELAY). Prints one JSON line:
//   {"label", "mode", "client", "connections", "seconds", "requests", "errors",
//    "rps", "p50_ms", "p90_ms", "p99_ms", "max_ms"}
// A request's latency runs from its first byte written (keepalive) or its
// connect (handshake) to the last byte of its response read. After the
// duration no new request starts; those under way finish and count.
// Only loopback targets: the benchmark never leaves the machine.
//
// The client shares two cores with the server it measures, so every cycle it
// spends is taken from that server: like wrk, it is one epoll loop per thread
// over non-blocking sockets with OpenSSL on the socket itself (no memory BIOs,
// no coroutines), and it reads a response body into one scratch buffer,
// counting its bytes against Content-Length, without keeping it.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gateway/commands/parse_command_line.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxHeader = 64 * 1024;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string cert, key, ca;
  std::string path = "/v1/health";
  std::string method = "GET";
  std::string body;
  int connections = 50;
  int duration = 10;
  int threads = 1;
  bool handshake_mode = false;
  bool nodelay = true;
  std::string label = "target";
};

struct Stats {
  std::vector<double> latencies_ms;
  int64_t errors = 0;
};

bool IEquals(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

// Case-insensitive search for a header's value in a response head.
std::string_view HeaderValue(std::string_view head, std::string_view name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    std::size_t start = pos + 2;
    std::size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(start, end - start);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && IEquals(line.substr(0, colon), name)) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return v;
    }
    pos = end;
  }
  return {};
}

// One connection: a small state machine driven by its socket's readiness.
class Conn {
 public:
  enum class State { kIdle, kConnecting, kHandshake, kWriting, kReading };

  Conn(const Options& o, SSL_CTX* ctx, const sockaddr_in& addr, int epfd, const std::string& req,
       Stats& stats)
      : o_(o), ctx_(ctx), addr_(addr), epfd_(epfd), req_(req), stats_(stats) {}
  ~Conn() { Close(); }

  State state() const { return state_; }
  Clock::time_point deadline() const { return deadline_; }

  // Starts the next request (connecting first where there is no session).
  void Start(Clock::time_point now) {
    t0_ = now;
    deadline_ = now + kRequestTimeout;
    if (ssl_ == nullptr) {
      Connect();
    } else {
      BeginRequest();
    }
  }

  // Makes all the progress the socket allows. Returns true when a request
  // finished (done or failed) and the connection is idle again.
  bool Drive() {
    for (;;) {
      switch (state_) {
        case State::kIdle:
          return true;
        case State::kConnecting: {
          int err = 0;
          socklen_t len = sizeof err;
          if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return Fail();
          ssl_ = SSL_new(ctx_);
          SSL_set_fd(ssl_, fd_);
          SSL_set_tlsext_host_name(ssl_, "localhost");
          SSL_set_connect_state(ssl_);
          state_ = State::kHandshake;
          break;
        }
        case State::kHandshake: {
          int r = SSL_do_handshake(ssl_);
          if (r != 1) return Want(r);
          BeginRequest();
          break;
        }
        case State::kWriting: {
          int r = SSL_write(ssl_, req_.data() + written_, static_cast<int>(req_.size() - written_));
          if (r <= 0) return Want(r);
          written_ += static_cast<std::size_t>(r);
          if (written_ == req_.size()) {
            state_ = State::kReading;
            head_.clear();
            body_left_ = -1;
          }
          break;
        }
        case State::kReading: {
          static thread_local char scratch[64 * 1024];
          int r = SSL_read(ssl_, scratch, sizeof scratch);
          if (r <= 0) return Want(r);
          if (!Consume(std::string_view(scratch, static_cast<std::size_t>(r)))) return Fail();
          if (body_left_ == 0) return Finish();
          break;
        }
      }
    }
  }

  // The request ran past its timeout.
  void TimeOut() { Fail(); }

 private:
  void Connect() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (o_.nodelay) setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    state_ = State::kConnecting;
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.ptr = this;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, fd_, &ev);
    events_ = EPOLLOUT;
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_) != 0 &&
        errno != EINPROGRESS) {
      Fail();
    }
  }

  void BeginRequest() {
    if (!o_.handshake_mode) t0_ = Clock::now();  // a handshake's time counts in its mode only
    written_ = 0;
    state_ = State::kWriting;
  }

  // Feeds response bytes; false on a response it cannot read.
  bool Consume(std::string_view data) {
    if (body_left_ < 0) {
      std::size_t old = head_.size();
      head_.append(data);
      std::size_t end = head_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
      if (end == std::string::npos) return head_.size() <= kMaxHeader;
      std::string_view head(head_.data(), end);
      if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return false;
      status_ = std::atoi(head_.c_str() + 9);
      std::string_view cl = HeaderValue(head, "content-length");
      if (cl.empty()) return false;  // every server measured here sends one
      body_left_ = std::strtoll(std::string(cl).c_str(), nullptr, 10);
      close_after_ = IEquals(HeaderValue(head, "connection"), "close");
      std::size_t extra = head_.size() - (end + 4);
      body_left_ -= static_cast<int64_t>(extra);
    } else {
      body_left_ -= static_cast<int64_t>(data.size());
    }
    return body_left_ >= 0;  // a byte past the body: no request was sent for it
  }

  bool Finish() {
    stats_.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - t0_).count());
    if (status_ >= 400) ++stats_.errors;
    state_ = State::kIdle;
    if (o_.handshake_mode || close_after_) Close();
    return true;
  }

  bool Fail() {
    ++stats_.errors;
    ERR_clear_error();
    Close();
    return true;
  }

  // After SSL returned r <= 0: wait for the socket, or fail.
  bool Want(int r) {
    int e = SSL_get_error(ssl_, r);
    uint32_t want;
    if (e == SSL_ERROR_WANT_READ) {
      want = EPOLLIN;
    } else if (e == SSL_ERROR_WANT_WRITE) {
      want = EPOLLOUT;
    } else {
      return Fail();
    }
    if (want != events_) {
      epoll_event ev{};
      ev.events = want;
      ev.data.ptr = this;
      epoll_ctl(epfd_, EPOLL_CTL_MOD, fd_, &ev);
      events_ = want;
    }
    return false;
  }

  void Close() {
    if (ssl_ != nullptr) {
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    if (fd_ >= 0) {
      epoll_ctl(epfd_, EPOLL_CTL_DEL, fd_, nullptr);
      close(fd_);
      fd_ = -1;
    }
    state_ = State::kIdle;
  }

  const Options& o_;
  SSL_CTX* ctx_;
  sockaddr_in addr_;
  int epfd_;
  const std::string& req_;
  Stats& stats_;
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  State state_ = State::kIdle;
  uint32_t events_ = 0;
  std::size_t written_ = 0;
  std::string head_;
  int64_t body_left_ = -1;
  int status_ = 0;
  bool close_after_ = false;
  Clock::time_point t0_, deadline_;
};

void RunLoop(const Options& o, SSL_CTX* ctx, const sockaddr_in& addr, const std::string& req,
             int connections, Clock::time_point end, Stats& stats) {
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < connections; ++i) {
    conns.push_back(std::make_unique<Conn>(o, ctx, addr, epfd, req, stats));
  }
  auto now = Clock::now();
  int busy = 0;
  auto next = [&](Conn& c) {
    // Issue the next request on an idle connection, or let it rest after the end.
    while (c.state() == Conn::State::kIdle && now < end) {
      c.Start(now);
      if (c.state() == Conn::State::kIdle) {  // the connect failed at once
        now = Clock::now();
        continue;
      }
      if (c.state() == Conn::State::kConnecting || !c.Drive()) {
        ++busy;
        return;
      }
    }
  };
  for (auto& c : conns) next(*c);
  std::vector<epoll_event> evs(static_cast<std::size_t>(connections));
  auto last_sweep = now;
  while (busy > 0) {
    int n = epoll_wait(epfd, evs.data(), static_cast<int>(evs.size()), 100);
    now = Clock::now();
    for (int i = 0; i < n; ++i) {
      auto* c = static_cast<Conn*>(evs[static_cast<std::size_t>(i)].data.ptr);
      if (c->state() == Conn::State::kIdle) continue;
      if (c->Drive()) {
        --busy;
        next(*c);
      }
    }
    if (now - last_sweep > std::chrono::milliseconds(100)) {
      last_sweep = now;
      for (auto& c : conns) {
        if (c->state() != Conn::State::kIdle && now > c->deadline()) {
          c->TimeOut();
          --busy;
          next(*c);
        }
      }
    }
  }
  conns.clear();
  close(epfd);
}

// The flags into `o`; false (after one line on stderr, or the help on
// stdout with *exit_code 0) when the program should stop.
bool ParseArgs(int argc, char** argv, Options* o, int* exit_code) {
  CLI::App app(
      "vhgate-loadgen: HTTPS load on a loopback target, keep-alive or one handshake "
      "per request",
      "vhgate-loadgen");
  std::string body_file, mode = "keepalive", client = "nodelay";
  app.add_option("--host", o->host, "the target's address (127.0.0.0/8 only)")
      ->capture_default_str();
  app.add_option("--port", o->port, "the target's port")->required();
  app.add_option("--cert", o->cert, "the client certificate (PEM)");
  app.add_option("--key", o->key, "its private key (PEM)");
  app.add_option("--ca", o->ca, "the CA the server certificate must verify against");
  app.add_option("--path", o->path, "the request path")->capture_default_str();
  app.add_option("--method", o->method, "the request method")->capture_default_str();
  app.add_option("--body-file", body_file, "a file whose bytes are the request body");
  app.add_option("--connections", o->connections, "connections at once")->capture_default_str();
  app.add_option("--duration", o->duration, "seconds to run")->capture_default_str();
  app.add_option("--threads", o->threads, "client threads")->capture_default_str();
  app.add_option("--mode", mode, "keepalive, or handshake: a new connection per request")
      ->check(CLI::IsMember({"keepalive", "handshake"}))
      ->capture_default_str();
  app.add_option("--client", client,
                 "nodelay (TCP_NODELAY set), or nagle: default socket options, as Beast/Asio "
                 "clients leave them")
      ->check(CLI::IsMember({"nodelay", "nagle"}))
      ->capture_default_str();
  app.add_option("--label", o->label, "the name of the result line")->capture_default_str();
  if (auto code = vh::cli::ParseCommandLine(app, argc, argv, std::cout, std::cerr)) {
    *exit_code = *code;
    return false;
  }
  o->handshake_mode = mode == "handshake";
  o->nodelay = client != "nagle";
  if (!body_file.empty()) {
    std::ifstream in(body_file);
    std::stringstream ss;
    ss << in.rdbuf();
    o->body = ss.str();
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (int exit_code = 0; !ParseArgs(argc, argv, &o, &exit_code)) return exit_code;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(o.port);
  if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1 ||
      (ntohl(addr.sin_addr.s_addr) >> 24) != 127 || o.port == 0) {
    std::cerr << "vhgate-loadgen: only loopback (127.0.0.0/8) targets with a --port\n";
    return 2;
  }
  if (o.connections < 1 || o.threads < 1 || o.duration < 1) {
    std::cerr << "vhgate-loadgen: --connections, --threads and --duration must be positive\n";
    return 2;
  }

  signal(SIGPIPE, SIG_IGN);  // a peer that closed fails the request, not the process
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // Writes may complete in parts; the buffer stays put between retries.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
  if (SSL_CTX_load_verify_locations(ctx, o.ca.c_str(), nullptr) != 1 ||
      SSL_CTX_use_certificate_chain_file(ctx, o.cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, o.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    std::cerr << "vhgate-loadgen: cannot load --ca, --cert or --key\n";
    return 2;
  }

  std::string req = o.method + " " + o.path + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!o.body.empty()) {
    req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(o.body.size()) +
           "\r\n";
  }
  req += o.handshake_mode ? "Connection: close\r\n\r\n" : "\r\n";
  req += o.body;

  auto start = Clock::now();
  auto end = start + std::chrono::seconds(o.duration);
  int threads = std::min(o.threads, o.connections);
  std::vector<Stats> stats(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    int conns = o.connections / threads + (t < o.connections % threads ? 1 : 0);
    pool.emplace_back([&, t, conns] {
      RunLoop(o, ctx, addr, req, conns, end, stats[static_cast<std::size_t>(t)]);
    });
  }
  for (auto& t : pool) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  SSL_CTX_free(ctx);

  std::vector<double> all;
  int64_t errors = 0;
  for (auto& s : stats) {
    all.insert(all.end(), s.latencies_ms.begin(), s.latencies_ms.end());
    errors += s.errors;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    if (all.empty()) return 0.0;
    auto idx = static_cast<std::size_t>(p * static_cast<double>(all.size() - 1));
    return all[idx];
  };
  std::printf(
      "{\"label\":\"%s\",\"mode\":\"%s\",\"client\":\"%s\",\"connections\":%d,"
      "\"seconds\":%.2f,\"requests\":%zu,"
      "\"errors\":%lld,\"rps\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"max_ms\":%.3f}\n",
      o.label.c_str(), o.handshake_mode ? "handshake" : "keepalive",
      o.nodelay ? "nodelay" : "nagle", o.connections, secs, all.size(),
      static_cast<long long>(errors), static_cast<double>(all.size()) / secs, pct(0.50), pct(0.90),
      pct(0.99), all.empty() ? 0.0 : all.back());
  return 0;
}
