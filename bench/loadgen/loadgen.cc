// vhgate-loadgen: a mutual-TLS HTTP/1.1 load generator (Boost.Beast).
//
//   vhgate-loadgen --port P [--host 127.0.0.1] --cert C --key K --ca CA
//                  [--path /v1/health] [--method GET] [--body-file F]
//                  [--connections 50] [--duration 10] [--threads 1]
//                  [--mode keepalive|handshake] [--label name]
//
// keepalive: each connection sends requests back to back on one TLS session.
// handshake: every request on a fresh TCP connection with a full TLS
// handshake (no session resumption). Prints one JSON line:
//   {"label", "mode", "connections", "seconds", "requests", "errors",
//    "rps", "p50_ms", "p90_ms", "p99_ms", "max_ms"}
// Only loopback targets: the benchmark never leaves the machine.

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

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
  std::string label = "target";
};

struct Stats {
  std::vector<double> latencies_ms;
  int64_t errors = 0;
};

asio::awaitable<void> Worker(const Options& o, ssl::context& ctx, tcp::endpoint ep,
                             Clock::time_point end, Stats& stats) {
  auto ex = co_await asio::this_coro::executor;
  http::request<http::string_body> req{http::string_to_verb(o.method), o.path, 11};
  req.set(http::field::host, "localhost");
  req.keep_alive(!o.handshake_mode);
  if (!o.body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = o.body;
  }
  req.prepare_payload();
  while (Clock::now() < end) {
    ssl::stream<beast::tcp_stream> stream(ex, ctx);
    SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    auto t0 = Clock::now();
    auto [cec] = co_await beast::get_lowest_layer(stream).async_connect(ep, kTuple);
    if (cec) {
      ++stats.errors;
      continue;
    }
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
    if (hec) {
      ++stats.errors;
      continue;
    }
    beast::flat_buffer buffer;
    bool first = true;
    while (Clock::now() < end) {
      if (!first || !o.handshake_mode) t0 = Clock::now();
      first = false;
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
      auto [wec, wn] = co_await http::async_write(stream, req, kTuple);
      if (wec) {
        ++stats.errors;
        break;
      }
      http::response<http::string_body> res;
      auto [rec, rn] = co_await http::async_read(stream, buffer, res, kTuple);
      if (rec) {
        ++stats.errors;
        break;
      }
      if (res.result_int() >= 400) ++stats.errors;
      stats.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (o.handshake_mode || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream).close();
  }
}

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << a << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--host") o.host = next();
    else if (a == "--port") o.port = static_cast<unsigned short>(std::stoi(next()));
    else if (a == "--cert") o.cert = next();
    else if (a == "--key") o.key = next();
    else if (a == "--ca") o.ca = next();
    else if (a == "--path") o.path = next();
    else if (a == "--method") o.method = next();
    else if (a == "--body-file") {
      std::ifstream in(next());
      std::stringstream ss;
      ss << in.rdbuf();
      o.body = ss.str();
    } else if (a == "--connections") o.connections = std::stoi(next());
    else if (a == "--duration") o.duration = std::stoi(next());
    else if (a == "--threads") o.threads = std::stoi(next());
    else if (a == "--mode") o.handshake_mode = next() == "handshake";
    else if (a == "--label") o.label = next();
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  auto addr = asio::ip::make_address(o.host);
  if (!addr.is_loopback() || o.port == 0) {
    std::cerr << "vhgate-loadgen: only loopback targets with a --port\n";
    return 2;
  }
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.load_verify_file(o.ca);
  ctx.use_certificate_chain_file(o.cert);
  ctx.use_private_key_file(o.key, ssl::context::pem);
  SSL_CTX_set_session_cache_mode(ctx.native_handle(), SSL_SESS_CACHE_OFF);

  asio::io_context ioc(o.threads);
  tcp::endpoint ep(addr, o.port);
  auto start = Clock::now();
  auto end = start + std::chrono::seconds(o.duration);
  std::vector<Stats> stats(static_cast<std::size_t>(o.connections));
  for (int c = 0; c < o.connections; ++c) {
    asio::co_spawn(asio::make_strand(ioc), Worker(o, ctx, ep, end, stats[static_cast<std::size_t>(c)]),
                   asio::detached);
  }
  std::vector<std::thread> pool;
  for (int t = 1; t < o.threads; ++t) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();

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
      "{\"label\":\"%s\",\"mode\":\"%s\",\"connections\":%d,\"seconds\":%.2f,\"requests\":%zu,"
      "\"errors\":%lld,\"rps\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"max_ms\":%.3f}\n",
      o.label.c_str(), o.handshake_mode ? "handshake" : "keepalive", o.connections, secs,
      all.size(), static_cast<long long>(errors), static_cast<double>(all.size()) / secs,
      pct(0.50), pct(0.90), pct(0.99), all.empty() ? 0.0 : all.back());
  return 0;
}
