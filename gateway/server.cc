// The listeners and the life of the process: TLS context, I/O threads,
// accept loops (API and metrics), signals, drain. One connection is
// gateway/session.cc; TLS is gateway/tls_context.cc and gateway/tls_conn.h.

#include "gateway/server.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "core/log.h"
#include "core/thread_name.h"
#include "gateway/app.h"
#include "gateway/session.h"
#include "gateway/tls_context.h"

namespace vh::gw {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int ThreadCount(const Config& config) {
  return config.threads > 0 ? config.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::chrono::milliseconds OrDefault(int ms, std::chrono::milliseconds fallback) {
  return ms > 0 ? std::chrono::milliseconds(ms) : fallback;
}

class Server {
 public:
  Server(App& app, const Config& config)
      : app_(app),
        config_(config),
        threads_(ThreadCount(config)),
        handlers_(config.handler_threads > 0 ? config.handler_threads : limits::kHandlerThreads),
        max_connections_(config.max_connections > 0
                             ? static_cast<std::size_t>(config.max_connections)
                             : limits::kMaxConnections),
        addresses_(config.max_connections_per_address > 0
                       ? static_cast<std::size_t>(config.max_connections_per_address)
                       : limits::kMaxConnectionsPerAddress),
        iocs_(MakeContexts(threads_)) {}

  Status Start() {
    App* app = &app_;
    auto tls = ServerTlsContext::Create(
        config_.tls, [app](const std::string& partner) { return app->ExpectedOin(partner); });
    if (!tls.ok()) return tls.status();
    tls_ = std::move(*tls);
    sessions_.reset(new SessionContext{
        .app = app_,
        .tls = *tls_,
        .handlers = handlers_,
        .handshake_timeout = OrDefault(config_.handshake_timeout_ms, limits::kHandshakeTimeout),
        .read_timeout = OrDefault(config_.read_timeout_ms, limits::kReadTimeout),
        .write_timeout = OrDefault(config_.write_timeout_ms, limits::kWriteTimeout),
        .addresses = addresses_,
        .refusals = refusals_,
    });
    const ServerTlsContext* t = tls_.get();
    app_.metrics().AddSampled("vhgate_crl_next_update_timestamp_seconds", "gauge",
                              "The earliest nextUpdate of the CRLs in force (unix seconds).",
                              [t] { return t->crl_next_update(); });
    app_.metrics().AddSampled("vhgate_server_certificate_expiry_timestamp_seconds", "gauge",
                              "The notAfter of the server certificate in force (unix seconds).",
                              [t] { return t->certificate_expiry(); });
    app_.metrics().AddSampled(
        "vhgate_client_chains_remembered_total", "counter",
        "Handshakes whose client certificate chain had verified before under "
        "the TLS files in force (key and subject checked again, not the chain).",
        [t] { return t->chains_remembered(); });
    tls_->WarnOfExpiry(NowSeconds());
    VH_RETURN_IF_ERROR(Bind(config_.listen, &acceptor_, "listen"));
    VH_RETURN_IF_ERROR(Bind(config_.metrics_listen, &metrics_acceptor_, "metrics_listen"));
    auto ep = acceptor_->local_endpoint();
    auto mep = metrics_acceptor_->local_endpoint();
    LogInfo("listening",
            {{"listen", ep.address().to_string() + ":" + std::to_string(ep.port())},
             {"metrics_listen", mep.address().to_string() + ":" + std::to_string(mep.port())},
             {"threads", threads_}});
    asio::co_spawn(main(), Accept(), asio::detached);
    asio::co_spawn(main(), AcceptMetrics(), asio::detached);
    asio::co_spawn(main(), Signals(), asio::detached);
    asio::co_spawn(main(), WatchTlsFiles(), asio::detached);
    return Status::Ok();
  }

  // One io_context per thread, each run by its own thread: a connection lives
  // on one of them (round robin), so its handlers never need a strand or a
  // lock. The first also runs the acceptors, the signals and the drain.
  // REQUIRES: Start() succeeded.
  void Run() {
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> idle;
    for (std::size_t i = 1; i < iocs_.size(); ++i) idle.push_back(asio::make_work_guard(*iocs_[i]));
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < iocs_.size(); ++i) {
      pool.emplace_back([this, i] {
        NameThisThread(("vh-io-" + std::to_string(i)).c_str());
        iocs_[i]->run();
      });
    }
    main().run();  // until Drain() stops every context (the main thread: "vhgate")
    for (auto& t : pool) t.join();
    handlers_.join();
    // A deferred response completes on the audit writer's thread and posts
    // to a context that must still exist.
    while (sessions_->deferred_pending.load() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

 private:
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }
  asio::io_context& main() { return *iocs_[0]; }
  // The context of the next connection.
  asio::any_io_executor NextContext() {
    return iocs_[next_context_++ % iocs_.size()]->get_executor();
  }
  bool draining() const { return sessions_->draining; }

  Status Bind(const HostPort& hp, std::unique_ptr<tcp::acceptor>* out, const char* key) {
    beast::error_code ec;
    auto addr = asio::ip::make_address(hp.host == "localhost" ? "127.0.0.1" : hp.host, ec);
    if (ec) return Status::Unavailable("bad_config", std::string(key) + ": bad address");
    tcp::endpoint ep(addr, hp.port);
    auto acc = std::make_unique<tcp::acceptor>(main());
    acc->open(ep.protocol(), ec);
    if (!ec) acc->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acc->bind(ep, ec);
    if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("bind", std::string(key) + " " + hp.host + ":" +
                                             std::to_string(hp.port) + ": " + ec.message());
    }
    *out = std::move(acc);
    return Status::Ok();
  }

  awaitable<void> Accept() {
    for (;;) {
      auto [ec, sock] = co_await acceptor_->async_accept(NextContext(), kTuple);
      if (ec) {
        if (draining() || ec == asio::error::operation_aborted) co_return;
        continue;  // e.g. EMFILE: keep serving the others
      }
      beast::error_code rec;
      const tcp::endpoint remote = sock.remote_endpoint(rec);
      if (rec) continue;  // gone already (reset): the socket closes here
      const char* refused = nullptr;
      if (static_cast<std::size_t>(app_.metrics().open_connections()) >= max_connections_) {
        refused = "max_connections";
      } else if (!addresses_.TryAdd(remote.address())) {
        refused = "max_connections_per_address";
      }
      if (refused) {
        app_.metrics().CountConnectionRejected();
        refusals_.Warn("connection_refused", {{"reason", refused},
                                              {"remote", remote.address().to_string() + ":" +
                                                             std::to_string(remote.port())}});
        beast::error_code ignored;
        sock.close(ignored);
        continue;
      }
      AddressCounts::Slot slot(&addresses_, remote.address());
      // No Nagle: a response leaves in several TLS records, and holding the
      // last one back until the client's delayed ACK cost 40 ms per large
      // response (a dossier view took 57 ms, 40 of them waiting).
      beast::error_code nd;
      sock.set_option(tcp::no_delay(true), nd);
      auto ex = sock.get_executor();
      asio::co_spawn(ex, RunSession(*sessions_, std::move(sock), remote, std::move(slot)),
                     asio::detached);
    }
  }

  awaitable<void> AcceptMetrics() {
    for (;;) {
      auto [ec, sock] = co_await metrics_acceptor_->async_accept(NextContext(), kTuple);
      if (ec) {
        if (draining() || ec == asio::error::operation_aborted) co_return;
        continue;
      }
      auto ex = sock.get_executor();
      asio::co_spawn(ex, ServeMetrics(beast::tcp_stream(std::move(sock))), asio::detached);
    }
  }

  // Plain HTTP on loopback: one GET /metrics per connection.
  awaitable<void> ServeMetrics(beast::tcp_stream stream) {
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    stream.expires_after(std::chrono::seconds(5));
    auto [ec, n] = co_await http::async_read(stream, buffer, req, kTuple);
    (void)n;
    if (ec) co_return;
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    if (req.method() == http::verb::get && req.target() == "/metrics") {
      res.result(http::status::ok);
      res.set(http::field::content_type, "text/plain; version=0.0.4");
      // On the handler pool: the modules' readers may wait for their locks.
      res.body() = co_await asio::co_spawn(
          handlers_, [this]() -> awaitable<std::string> { co_return app_.metrics().Render(); },
          asio::use_awaitable);
    } else {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "application/json");
      res.body() = ErrorBody("not_found", "metrics are at /metrics");
    }
    res.prepare_payload();
    co_await http::async_write(stream, res, kTuple);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  awaitable<void> Signals() {
    asio::signal_set signals(main(), SIGINT, SIGTERM, SIGHUP);
    for (;;) {
      auto [ec, sig] = co_await signals.async_wait(kTuple);
      if (ec) co_return;
      if (sig == SIGHUP) {
        Status s = app_.ReloadPolicy("SIGHUP");
        if (!s.ok()) LogWarn("policy_reload_failed", {{"reason", s.reason()}});
        (void)tls_->Reload(true);  // logs either way; a bad set keeps the old
        tls_->WarnOfExpiry(NowSeconds());
        continue;
      }
      LogInfo("draining", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                           {"open_connections", app_.metrics().open_connections()}});
      co_await Drain();
      co_return;
    }
  }

  // The TLS files, checked for a change every limits::kTlsFilePoll: a new
  // CRL or server certificate serves from the next handshake on.
  awaitable<void> WatchTlsFiles() {
    asio::steady_timer timer(main());
    while (!draining()) {
      timer.expires_after(limits::kTlsFilePoll);
      auto [ec] = co_await timer.async_wait(kTuple);
      if (ec || draining()) co_return;
      (void)tls_->Reload(false);
      tls_->WarnOfExpiry(NowSeconds());
    }
  }

  // Stops accepting, closes the idle connections, lets the requests in
  // flight finish (at most limits::kDrainTimeout), then stops every context.
  awaitable<void> Drain() {
    sessions_->draining = true;
    beast::error_code ignored;
    acceptor_->close(ignored);
    metrics_acceptor_->close(ignored);
    sessions_->sessions.CancelIdle();  // idle keep-alive connections go now
    app_.StopBackground();
    asio::steady_timer timer(main());
    auto deadline = std::chrono::steady_clock::now() + limits::kDrainTimeout;
    while (app_.metrics().open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(kTuple);
      sessions_->sessions.CancelIdle();
    }
    LogInfo("drained", {{"open_connections", app_.metrics().open_connections()}});
    for (auto& ioc : iocs_) ioc->stop();
  }

  App& app_;
  const Config& config_;
  int threads_;
  asio::thread_pool handlers_;
  std::size_t max_connections_;
  AddressCounts addresses_;
  RefusalLog refusals_;
  std::unique_ptr<ServerTlsContext> tls_;
  // Declared before the contexts: a session still open when they are
  // destroyed (past the drain timeout) unregisters from it then.
  std::unique_ptr<SessionContext> sessions_;
  std::vector<std::unique_ptr<asio::io_context>> iocs_;
  std::size_t next_context_ = 0;  // the acceptors only, on the main context
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<tcp::acceptor> metrics_acceptor_;
};

}  // namespace

int RunServer(const Config& config, const Clock& clock) {
  ::signal(SIGPIPE, SIG_IGN);
  // What the gateway creates is its own (0600 files, 0700 directories);
  // what partners must read (file-drop folders and reports) is given its
  // mode explicitly (adapters/drop_dir.h).
  ::umask(077);
  if (Status s = SecureDataDir(config.data_dir); !s.ok()) {
    std::cerr << "vhgate: cannot start: " << s.message() << "\n";
    LogError("start_failed", {{"reason", s.reason()}});
    return 1;
  }
  auto app = App::Create(config, clock);
  if (!app.ok()) {
    std::cerr << "vhgate: cannot start: " << app.status().message() << "\n";
    LogError("start_failed", {{"reason", app.status().reason()}});
    return 1;
  }
  Server server(**app, config);
  Status s = server.Start();
  if (!s.ok()) {
    std::cerr << "vhgate: cannot start: " << s.message() << "\n";
    LogError("start_failed", {{"reason", s.reason()}});
    return 1;
  }
  (*app)->StartBackground();
  server.Run();
  (*app)->StopBackground();
  LogInfo("stopped");
  return 0;
}

}  // namespace vh::gw
