// One connection: handshake, then read -> handle -> write with a fresh parser
// per message and a deadline before every read and write (gateway/session.h).

#include "gateway/session.h"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <utility>

#include "core/limits.h"
#include "core/log.h"
#include "gateway/app.h"
#include "gateway/browser_guard.h"
#include "gateway/http_target.h"
#include "gateway/tls_conn.h"
#include "gateway/tls_context.h"

namespace vh::gw {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using Parser = http::request_parser<http::string_body>;

// Parameters are copied into the coroutine frame; lambda captures are not.
awaitable<ApiResponse> RunHandler(App& app, ApiRequest req) {
  co_return app.Handle(std::move(req));
}

// Starts waiting for a deferred response: the session resumes on its own
// thread once it completes (on another thread). The server's contexts live
// until `pending` is back to 0. (A named type rather than a lambda in the
// coroutine: GCC 12 destroyed the captured pointer twice.)
struct AwaitDeferred {
  std::atomic<int>* pending;
  std::shared_ptr<DeferredResponse> deferred;
  template <typename Handler>
  void operator()(Handler&& handler) {
    auto h = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
    ++*pending;
    std::atomic<int>* count = pending;
    deferred->OnComplete([h, count](ApiResponse r) {
      auto ex = asio::get_associated_executor(*h);
      asio::post(ex, [h, r = std::move(r)]() mutable { std::move (*h)(std::move(r)); });
      --*count;
    });
  }
};

// Feeds the parser from the connection until it holds the request's header
// (header_only) or all of it; bytes past the request stay in `buffer` for
// the next one. The same steps as http::async_read.
awaitable<beast::error_code> ReadMessage(TlsConn& conn, beast::flat_buffer& buffer, Parser& parser,
                                         bool header_only) {
  for (;;) {
    if (header_only ? parser.is_header_done() : parser.is_done()) co_return beast::error_code{};
    if (buffer.size() > 0) {
      beast::error_code ec;
      buffer.consume(parser.put(buffer.data(), ec));
      if (ec != http::error::need_more) {
        if (ec) co_return ec;
        continue;
      }
    }
    // Past the header the parser leaves bytes unread only while it waits for
    // the end of a chunk-size line or of the trailers (body bytes it takes
    // as they come): Beast bounds neither.
    if (parser.is_header_done() && buffer.size() > limits::kMaxChunkLineBytes) {
      co_return http::error::bad_chunk;
    }
    // Part of a request is here and the rest is not: ACK it now, for a
    // client with Nagle on sends the rest only once it is.
    if (parser.got_some() || buffer.size() > 0) conn.AckNow();
    auto space = buffer.prepare(16 * 1024);
    auto [ec, n] = co_await conn.ReadSome(space.data(), space.size());
    buffer.commit(n);
    if (ec == asio::error::eof) {
      if (!parser.got_some()) co_return http::error::end_of_stream;
      parser.put_eof(ec);
      co_return ec;
    }
    if (ec) co_return ec;
  }
}

void AppendResponseHead(const ApiResponse& r, std::size_t body_size, unsigned version,
                        bool keep_alive, std::string* out) {
  using namespace std::string_view_literals;
  // The lines every response has, joined once.
  static const std::string kEveryResponse =
      std::string(
          "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff"
          "\r\nStrict-Transport-Security: max-age=31536000\r\n") +
      std::string(kBrowserHeaderLines);
  std::string& h = *out;
  h.append(version == 10 ? "HTTP/1.0 "sv : "HTTP/1.1 "sv);
  h.append(std::to_string(r.status)).push_back(' ');
  h.append(http::obsolete_reason(static_cast<http::status>(r.status)));
  h.append("\r\nServer: vhgate\r\nContent-Type: "sv).append(r.content_type);
  h.append(kEveryResponse);
  for (const auto& [name, value] : r.headers) {
    h.append(name).append(": "sv).append(value).append("\r\n"sv);
  }
  if (version == 10 && keep_alive) h.append("Connection: keep-alive\r\n"sv);
  if (version != 10 && !keep_alive) h.append("Connection: close\r\n"sv);
  h.append("Content-Length: "sv).append(std::to_string(body_size)).append("\r\n\r\n"sv);
}

// The head leaves with the start of the body, in one buffer of at most one
// TLS record, and the rest of the body from where it is (a shared dossier
// view is not copied): a head on its own would cost every response a
// record of its own.
awaitable<beast::error_code> WriteResponse(TlsConn& conn, ApiResponse r, unsigned version,
                                           bool keep_alive, std::chrono::milliseconds timeout) {
  constexpr std::size_t kTlsRecord = 16384;  // the most plaintext one record holds
  const std::string_view body = r.Body();
  std::string first;
  first.reserve(std::min(kTlsRecord, 1024 + r.content_type.size() + body.size()));
  AppendResponseHead(r, body.size(), version, keep_alive, &first);
  const std::size_t k = std::min(body.size(), kTlsRecord - std::min(kTlsRecord, first.size()));
  first.append(body.substr(0, k));
  conn.ExpiresAfter(timeout);
  co_return co_await conn.Write(first, body.substr(k));
}

// Transfer-Encoding as this server takes it: at most one such field, whose
// value is exactly "chunked" (any case), never beside Content-Length and
// never in HTTP/1.0. Beast takes "xchunked" followed by a Content-Length as a
// length-delimited body, and "gzip, chunked" as chunked: two readings of one
// request are how requests are smuggled past a proxy.
std::optional<Status> FramingProblem(const http::request_parser<http::string_body>& parser) {
  const auto& h = parser.get();
  auto [te_begin, te_end] = h.equal_range(http::field::transfer_encoding);
  if (te_begin == te_end) return std::nullopt;
  std::string_view v = te_begin->value();
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  const bool one = std::next(te_begin) == te_end;
  if (!one || !beast::iequals(v, "chunked") || h.count(http::field::content_length) > 0 ||
      h.version() < 11) {
    return Status::InvalidArgument(
        "bad_request", "Transfer-Encoding must be \"chunked\" alone, without Content-Length");
  }
  return std::nullopt;
}

// The bytes of the fields past the first `header_fields` of `h`: the
// trailers Beast added to the header's fields.
std::size_t TrailerBytes(const http::request<http::string_body>& h, std::ptrdiff_t header_fields) {
  std::size_t n = 0;
  auto it = h.begin();
  for (std::ptrdiff_t i = 0; i < header_fields && it != h.end(); ++i) ++it;
  for (; it != h.end(); ++it) n += it->name_string().size() + it->value().size() + 4;
  return n;
}

// The answer to a request the parser refused; nullopt for a transport error
// (nothing to answer).
std::optional<Status> ParseFailure(const beast::error_code& ec) {
  if (ec == http::error::body_limit) {
    return Status::TooLarge("request body exceeds " + std::to_string(limits::kMaxBodyBytes) +
                            " bytes");
  }
  if (ec == http::error::header_limit) {
    return Status::Make(
        Code::kHeadersTooLarge, "headers_too_large",
        "request headers exceed " + std::to_string(limits::kMaxHeaderBytes) + " bytes");
  }
  if (ec.category() == beast::error_code(http::error::bad_target).category()) {
    return Status::InvalidArgument("bad_request", "malformed HTTP request");
  }
  return std::nullopt;
}

// The session itself; in this namespace because the types of its frame are
// (a coroutine of external linkage may not hold them).
awaitable<void> Session(SessionContext& ctx, tcp::socket sock, tcp::endpoint peer,
                        AddressCounts::Slot slot) {
  // Given back when the frame goes, or once the session only closes.
  App& app = ctx.app;
  Metrics& metrics = app.metrics();
  metrics.ConnectionOpened();
  struct Closer {
    Metrics& m;
    ~Closer() { m.ConnectionClosed(); }
  } closer{metrics};

  const std::string remote = peer.address().to_string() + ":" + std::to_string(peer.port());
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> tls(ctx.tls.Acquire(), &SSL_CTX_free);
  TlsConn conn(std::move(sock), tls.get());
  tls.reset();  // the connection's SSL holds its own reference
  auto entry = std::make_shared<SessionRegistry::Entry>();
  entry->executor = conn.socket().get_executor();
  entry->socket = &conn.socket();
  ctx.sessions.Add(entry);
  struct Unregister {
    SessionRegistry& r;
    std::shared_ptr<SessionRegistry::Entry> e;
    ~Unregister() {
      e->alive = false;
      r.Remove(e);
    }
  } unregister{ctx.sessions, entry};

  if (!conn.native_handle()) co_return;  // out of memory: the socket closes
  HandshakeCheck check;
  WatchHandshake(conn.native_handle(), &check);
  conn.ExpiresAfter(ctx.handshake_timeout);
  if (beast::error_code hs_ec = co_await conn.Handshake()) {
    const char* reason = ClassifyHandshakeError(hs_ec, check);
    metrics.CountHandshakeFailure(reason);
    Json line = {{"reason", reason}, {"remote", remote}};
    if (!check.fingerprint.empty()) {
      line["subject"] = check.subject;
      line["fingerprint"] = check.fingerprint;
    }
    ctx.refusals.Warn("handshake_refused", std::move(line));
    co_return;
  }
  // No ticket follows the handshake, so nothing would carry the ACK of the
  // client's Finished before the delayed-ACK timer.
  conn.AckNow();
  Identity id;
  if (X509* cert = SSL_get1_peer_certificate(conn.native_handle())) {
    id = CertificateIdentity(cert);
    X509_free(cert);
  }
  id.remote = remote;

  beast::flat_buffer buffer;
  for (;;) {
    if (ctx.draining) break;
    Parser parser;
    parser.header_limit(limits::kMaxHeaderBytes);
    parser.body_limit(limits::kMaxBodyBytes);
    // Beast bounds neither a chunk's extensions nor the trailers.
    auto chunk_header = [](std::uint64_t, std::string_view ext, beast::error_code& ec) {
      if (ext.size() > limits::kMaxChunkLineBytes) ec = http::error::bad_chunk_extension;
    };
    parser.on_chunk_header(chunk_header);
    // One deadline for the whole request, from the wait for it to the last
    // body byte: a client that trickles bytes is dropped when it passes, as
    // is a keep-alive connection that stays idle that long.
    conn.ExpiresAfter(ctx.read_timeout);
    beast::error_code ec = co_await ReadMessage(conn, buffer, parser, true);
    // From its header on, a request is in flight: a drain waits for it.
    std::optional<Status> framing;
    std::vector<std::pair<std::string, std::string>> forwarded;
    if (!ec) {
      entry->busy = true;
      framing = FramingProblem(parser);
      // Taken from the header: trailer fields (which Beast adds to the same
      // fields) are never handed on.
      for (std::string_view name : kForwardedHeaders) {
        auto it = parser.get().find(name);
        if (it != parser.get().end()) forwarded.emplace_back(name, it->value());
      }
      const auto header_fields = std::distance(parser.get().begin(), parser.get().end());
      if (!framing) ec = co_await ReadMessage(conn, buffer, parser, false);
      if (!ec && !framing &&
          TrailerBytes(parser.get(), header_fields) > limits::kMaxChunkLineBytes) {
        ec = http::error::bad_chunk;
      }
    }
    if (framing) {
      co_await WriteResponse(conn, app.Unparsed(*framing), 11, false, ctx.write_timeout);
      break;
    }
    if (ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated ||
        ec == asio::error::operation_aborted) {
      break;
    }
    if (ec == beast::error::timeout) {
      metrics.CountTimeout();
      co_return;  // a slow client is dropped: the socket closes with the session
    }
    if (ec) {
      std::optional<Status> s = ParseFailure(ec);
      if (!s) break;  // transport error: nothing to answer
      co_await WriteResponse(conn, app.Unparsed(*s), 11, false, ctx.write_timeout);
      break;
    }
    http::request<http::string_body> hreq = parser.release();
    ApiRequest req;
    req.method = std::string(hreq.method_string());
    SplitTarget(hreq.target(), &req);
    req.body = std::move(hreq.body());
    req.headers = std::move(forwarded);
    req.identity = id;
    bool keep_alive = hreq.keep_alive();
    // Handlers that may wait (audit group commit, stores) run on the pool so
    // that many can share one commit; the others answer on this thread.
    ApiResponse resp;
    if (std::optional<ApiResponse> now = app.HandleInline(req)) {
      resp = std::move(*now);
    } else {
      resp = co_await asio::co_spawn(ctx.handlers, RunHandler(app, std::move(req)), use_awaitable);
    }
    if (resp.deferred) {
      AwaitDeferred wait{&ctx.deferred_pending, std::move(resp.deferred)};
      resp = co_await asio::async_initiate<decltype(use_awaitable), void(ApiResponse)>(
          std::move(wait), use_awaitable);
    }
    keep_alive = keep_alive && !ctx.draining;
    beast::error_code wec = co_await WriteResponse(conn, std::move(resp), hreq.version(),
                                                   keep_alive, ctx.write_timeout);
    entry->busy = false;
    if (wec == beast::error::timeout) {
      metrics.CountWriteTimeout();
      co_return;  // a client that does not take its response is dropped
    }
    if (wec || !keep_alive) break;
  }
  // Closing waits for the peer's close (at most 2 s) behind other
  // connections' work; a client that reconnects at once (one request per
  // connection) must not find its address at the cap meanwhile. A socket
  // that never completed a handshake keeps its count until it goes.
  slot.Release();
  co_await conn.Shutdown();
}

}  // namespace

void SessionRegistry::Add(const std::shared_ptr<Entry>& e) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.insert(e);
}

void SessionRegistry::Remove(const std::shared_ptr<Entry>& e) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(e);
}

void SessionRegistry::CancelIdle() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : sessions_) {
    if (s->busy) continue;
    asio::post(s->executor, [s] {
      if (s->alive) s->socket->cancel();
    });
  }
}

awaitable<void> RunSession(SessionContext& ctx, tcp::socket sock, tcp::endpoint remote,
                           AddressCounts::Slot slot) {
  return Session(ctx, std::move(sock), remote, std::move(slot));
}

asio::ip::address AddressCounts::Key(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

bool AddressCounts::TryAdd(const asio::ip::address& a) {
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t& n = open_[Key(a)];
  if (n >= cap_) return false;
  ++n;
  return true;
}

void AddressCounts::Remove(const asio::ip::address& a) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(Key(a));
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

std::size_t AddressCounts::Count(const asio::ip::address& a) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(Key(a));
  return it == open_.end() ? 0 : it->second;
}

void RefusalLog::Warn(std::string_view event, Json fields) {
  int64_t suppressed = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    const double rate = limits::kRefusalLogPerSecond;
    if (refilled_ == std::chrono::steady_clock::time_point{}) {
      tokens_ = rate;
    } else {
      tokens_ =
          std::min(rate, tokens_ + rate * std::chrono::duration<double>(now - refilled_).count());
    }
    refilled_ = now;
    if (tokens_ < 1) {
      ++suppressed_;
      return;
    }
    tokens_ -= 1;
    suppressed = suppressed_;
    suppressed_ = 0;
  }
  if (suppressed > 0) fields["suppressed"] = suppressed;
  LogWarn(event, fields);
}

}  // namespace vh::gw
