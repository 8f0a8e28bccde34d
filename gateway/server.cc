// The only translation unit of the library that includes Boost.Beast/Asio.
// One coroutine per connection: handshake, then read -> handle -> write with
// a fresh parser per message, a deadline before every read and write, and the
// handler run on a separate pool (it may wait for the audit group commit).
// TLS is gateway/tls_conn.h (OpenSSL through the connection's own buffers);
// Beast parses the requests, and the response head is written here.

#include "gateway/server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "core/log.h"
#include "crypto/hex.h"
#include "gateway/app.h"
#include "gateway/tls_conn.h"

namespace vh::gw {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Per-connection facts the OpenSSL verify callback needs and fills.
struct ConnInfo {
  const App* app = nullptr;
  const char* reason = nullptr;  // why verification failed
};
int g_conn_index = -1;

const char* ClassifyVerifyError(int err) {
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "not_yet_valid";
    case X509_V_ERR_CERT_REVOKED:
      return "revoked";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "unknown_ca";
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
      return "crl_unavailable";
    default:
      return "invalid_certificate";
  }
}

std::string SubjectField(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  std::string s(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return s;
}

int VerifyCallback(int preverify_ok, X509_STORE_CTX* store) {
  SSL* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* info = ssl ? static_cast<ConnInfo*>(SSL_get_ex_data(ssl, g_conn_index)) : nullptr;
  if (!preverify_ok) {
    if (info && !info->reason) info->reason = ClassifyVerifyError(X509_STORE_CTX_get_error(store));
    return 0;
  }
  if (X509_STORE_CTX_get_error_depth(store) == 0 && info && info->app) {
    X509* cert = X509_STORE_CTX_get_current_cert(store);
    auto expected = info->app->ExpectedOin(SubjectField(cert, NID_organizationName));
    if (expected && SubjectField(cert, NID_serialNumber) != *expected) {
      info->reason = "oin_mismatch";
      X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
  }
  return 1;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

Status ConfigureTls(ssl::context& ctx, const Config& config) {
  SSL_CTX* c = ctx.native_handle();
  auto fail = [](const std::string& what) {
    return Status::Unavailable("tls_config", what + ": " + OpenSslError());
  };
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  if (SSL_CTX_set_cipher_list(c,
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256") != 1 ||
      SSL_CTX_set_ciphersuites(
          c, "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256") != 1 ||
      SSL_CTX_set1_groups_list(c, "X25519:P-256:P-384") != 1) {
    return fail("TLS cipher configuration");
  }
  SSL_CTX_set_max_early_data(c, 0);
  // No resumption: no session cache and no TLS 1.3 tickets (with
  // SSL_OP_NO_TICKET alone, OpenSSL would issue stateful tickets and keep
  // every session in a cache it then sweeps under a lock). A partner
  // reconnecting makes a full handshake with its certificate checked again.
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(c, 0);
  static const unsigned char kSid[] = "vhgate";
  SSL_CTX_set_session_id_context(c, kSid, sizeof kSid - 1);

  if (SSL_CTX_use_certificate_chain_file(c, config.tls.cert.c_str()) != 1) {
    return fail("tls.cert " + config.tls.cert);
  }
  if (SSL_CTX_use_PrivateKey_file(c, config.tls.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail("tls.key " + config.tls.key);
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return fail("tls.key " + config.tls.key + " does not match tls.cert");
  }
  // Server key strength: ECDSA P-256/P-384, or RSA >= 3072 bits.
  EVP_PKEY* pub = X509_get0_pubkey(SSL_CTX_get0_certificate(c));
  int bits = pub ? EVP_PKEY_get_bits(pub) : 0;
  bool ec = pub && EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC;
  bool rsa = pub && EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA;
  if (!((ec && bits >= 256) || (rsa && bits >= 3072))) {
    return Status::Unavailable(
        "tls_config", "tls.cert " + config.tls.cert + ": key must be ECDSA P-256 or RSA >= 3072");
  }
  if (SSL_CTX_load_verify_locations(c, config.tls.client_ca.c_str(), nullptr) != 1) {
    return fail("tls.client_ca " + config.tls.client_ca);
  }
  // The chain the server sends, built once here. Without it OpenSSL built
  // (and verified) the chain from the trust store on every handshake and sent
  // the root too: a third more CPU per handshake than nginx. A cert file that
  // carries its own chain keeps it; the root is never sent.
  STACK_OF(X509)* chain = nullptr;
  if (SSL_CTX_get0_chain_certs(c, &chain) == 1 && (!chain || sk_X509_num(chain) == 0)) {
    if (SSL_CTX_build_cert_chain(
            c, SSL_BUILD_CHAIN_FLAG_NO_ROOT | SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR) <= 0) {
      return fail("tls.cert " + config.tls.cert + ": cannot build its chain");
    }
  }
  ERR_clear_error();
  SSL_CTX_set_mode(c, SSL_MODE_NO_AUTO_CHAIN);
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.tls.client_ca.c_str());
  if (!names) return fail("tls.client_ca " + config.tls.client_ca);
  SSL_CTX_set_client_CA_list(c, names);

  BIO* bio = BIO_new_file(config.tls.crl.c_str(), "r");
  if (!bio) return fail("tls.crl " + config.tls.crl);
  X509_STORE* store = SSL_CTX_get_cert_store(c);
  int crls = 0;
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_crl(store, crl);
    X509_CRL_free(crl);
    ++crls;
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on "no start line"
  if (crls == 0) {
    return Status::Unavailable("tls_config", "tls.crl " + config.tls.crl + ": no CRL in file");
  }
  // Every certificate of the chain is checked against its issuer's CRL.
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, VerifyCallback);
  SSL_CTX_set_verify_depth(c, 4);
  return Status::Ok();
}

const char* ClassifyHandshakeError(const beast::error_code& ec, const ConnInfo& info) {
  if (info.reason) return info.reason;
  if (ec == beast::error::timeout) return "timeout";
  if (ec.category() == asio::error::get_ssl_category()) {
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
      case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
        return "no_certificate";
      case SSL_R_UNSUPPORTED_PROTOCOL:
      case SSL_R_WRONG_VERSION_NUMBER:
      case SSL_R_UNKNOWN_PROTOCOL:
      case SSL_R_VERSION_TOO_LOW:
        return "protocol_version";
      case SSL_R_NO_SHARED_CIPHER:
        return "no_shared_cipher";
      case SSL_R_HTTP_REQUEST:
        return "plain_http";
      default:
        break;
    }
  }
  return "other";
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void SplitTarget(std::string_view target, ApiRequest* req) {
  auto q = target.find('?');
  req->path = PercentDecode(target.substr(0, q));
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    if (!pair.empty()) {
      req->query[PercentDecode(pair.substr(0, eq))] =
          eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

// A session as seen by the drain logic. `alive` and `socket` are touched only
// on the session's own thread (its io_context has one); `busy` (a request is
// being handled) from anywhere.
struct SessionCtl {
  asio::any_io_executor executor;  // the session's: one thread, so no strand needed
  tcp::socket* socket = nullptr;
  bool alive = true;
  std::atomic<bool> busy{false};
  static void Cancel(const std::shared_ptr<SessionCtl>& c) {
    asio::post(c->executor, [c] {
      if (c->alive) c->socket->cancel();
    });
  }
};

// Parameters are copied into the coroutine frame; lambda captures are not.
awaitable<ApiResponse> RunHandler(App& app, ApiRequest req) {
  co_return app.Handle(std::move(req));
}

class Server {
 public:
  Server(App& app, const Config& config)
      : app_(app),
        config_(config),
        ctx_(ssl::context::tls_server),
        threads_(config.threads > 0 ? config.threads
                                    : std::max(1u, std::thread::hardware_concurrency())),
        iocs_(MakeContexts(threads_)),
        handlers_(config.handler_threads > 0 ? config.handler_threads : limits::kHandlerThreads),
        read_timeout_(config.read_timeout_ms > 0 ? std::chrono::milliseconds(config.read_timeout_ms)
                                                 : std::chrono::milliseconds(limits::kReadTimeout)),
        write_timeout_(config.write_timeout_ms > 0
                           ? std::chrono::milliseconds(config.write_timeout_ms)
                           : std::chrono::milliseconds(limits::kWriteTimeout)),
        max_connections_(config.max_connections > 0
                             ? static_cast<std::size_t>(config.max_connections)
                             : limits::kMaxConnections) {}

  Status Start() {
    VH_RETURN_IF_ERROR(ConfigureTls(ctx_, config_));
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
    return Status::Ok();
  }

  // One io_context per thread, each run by its own thread: a connection lives
  // on one of them (round robin), so its handlers never need a strand or a
  // lock. The first also runs the acceptors, the signals and the drain.
  void Run() {
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> idle;
    for (std::size_t i = 1; i < iocs_.size(); ++i) idle.push_back(asio::make_work_guard(*iocs_[i]));
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < iocs_.size(); ++i)
      pool.emplace_back([this, i] { iocs_[i]->run(); });
    main().run();  // until Drain() stops every context
    for (auto& t : pool) t.join();
    handlers_.join();
    // A deferred response completes on the audit writer's thread and posts
    // to a context that must still exist.
    while (deferred_pending_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
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
        if (draining_ || ec == asio::error::operation_aborted) co_return;
        continue;  // e.g. EMFILE: keep serving the others
      }
      if (static_cast<std::size_t>(app_.metrics().open_connections()) >= max_connections_) {
        app_.metrics().CountConnectionRejected();
        beast::error_code ignored;
        sock.close(ignored);
        continue;
      }
      // No Nagle: a response leaves in several TLS records, and holding the
      // last one back until the client's delayed ACK cost 40 ms per large
      // response (a dossier view took 57 ms, 40 of them waiting).
      beast::error_code nd;
      sock.set_option(tcp::no_delay(true), nd);
      auto ex = sock.get_executor();
      asio::co_spawn(ex, Session(std::move(sock)), asio::detached);
    }
  }

  awaitable<void> Session(tcp::socket sock) {
    Metrics& metrics = app_.metrics();
    metrics.ConnectionOpened();
    struct Closer {
      Metrics& m;
      ~Closer() { m.ConnectionClosed(); }
    } closer{metrics};

    std::string remote;
    {
      beast::error_code ec;
      auto rep = sock.remote_endpoint(ec);
      if (!ec) remote = rep.address().to_string() + ":" + std::to_string(rep.port());
    }
    TlsConn conn(std::move(sock), ctx_.native_handle());
    auto ctl = std::make_shared<SessionCtl>();
    ctl->executor = conn.socket().get_executor();
    ctl->socket = &conn.socket();
    Register(ctl);
    struct Unregister {
      Server* s;
      std::shared_ptr<SessionCtl> c;
      ~Unregister() {
        c->alive = false;
        s->Unregister(c);
      }
    } unreg{this, ctl};

    if (!conn.native_handle()) co_return;  // out of memory: the socket closes
    ConnInfo info;
    info.app = &app_;
    SSL_set_ex_data(conn.native_handle(), g_conn_index, &info);
    conn.ExpiresAfter(limits::kHandshakeTimeout);
    if (beast::error_code hs_ec = co_await conn.Handshake()) {
      metrics.CountHandshakeFailure(ClassifyHandshakeError(hs_ec, info));
      co_return;
    }
    Identity id;
    if (X509* cert = SSL_get1_peer_certificate(conn.native_handle())) {
      id.partner = SubjectField(cert, NID_organizationName);
      id.role = SubjectField(cert, NID_organizationalUnitName);
      id.cn = SubjectField(cert, NID_commonName);
      id.oin = SubjectField(cert, NID_serialNumber);
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int n = 0;
      X509_digest(cert, EVP_sha256(), md, &n);
      id.fingerprint = crypto::ToHex(md, n);
      X509_free(cert);
    }
    id.remote = remote;

    beast::flat_buffer buffer;
    for (;;) {
      if (draining_) break;
      http::request_parser<http::string_body> parser;
      parser.header_limit(limits::kMaxHeaderBytes);
      parser.body_limit(limits::kMaxBodyBytes);
      // One deadline for the whole request, header to last body byte: a
      // client that trickles bytes is dropped when it passes.
      conn.ExpiresAfter(read_timeout_);
      beast::error_code ec = co_await ReadMessage(conn, buffer, parser, true);
      // From its header on, a request is in flight: a drain waits for it.
      if (!ec) {
        ctl->busy = true;
        ec = co_await ReadMessage(conn, buffer, parser, false);
      }
      if (ec == http::error::end_of_stream || ec == ssl::error::stream_truncated ||
          ec == asio::error::operation_aborted) {
        break;
      }
      if (ec == beast::error::timeout) {
        metrics.CountTimeout();
        co_return;  // a slow client is dropped: the socket closes with the session
      }
      if (ec) {
        Status s;
        if (ec == http::error::body_limit) {
          s = Status::TooLarge("request body exceeds " + std::to_string(limits::kMaxBodyBytes) +
                               " bytes");
        } else if (ec == http::error::header_limit) {
          s = Status::Make(
              Code::kHeadersTooLarge, "headers_too_large",
              "request headers exceed " + std::to_string(limits::kMaxHeaderBytes) + " bytes");
        } else if (ec.category() == beast::error_code(http::error::bad_target).category()) {
          s = Status::InvalidArgument("bad_request", "malformed HTTP request");
        } else {
          break;  // transport error: nothing to answer
        }
        metrics.CountRequest("unparsed", HttpStatusFor(s.code()), std::chrono::nanoseconds(0));
        ApiResponse r = ApiResponse::FromStatus(s);
        co_await Write(conn, std::move(r), 11, false);
        break;
      }
      http::request<http::string_body> hreq = parser.release();
      ApiRequest req;
      req.method = std::string(hreq.method_string());
      SplitTarget(hreq.target(), &req);
      req.body = std::move(hreq.body());
      req.identity = id;
      bool keep_alive = hreq.keep_alive();
      // Handlers that may wait (audit group commit, stores) run on the pool so
      // that many can share one commit; the others answer on this thread.
      ApiResponse resp;
      if (app_.RunsInline(req)) {
        resp = app_.Handle(std::move(req));
      } else {
        resp = co_await asio::co_spawn(handlers_, RunHandler(app_, std::move(req)), use_awaitable);
      }
      if (resp.deferred) {
        AwaitDeferred wait{&deferred_pending_, std::move(resp.deferred)};
        resp = co_await asio::async_initiate<decltype(use_awaitable), void(ApiResponse)>(
            std::move(wait), use_awaitable);
      }
      keep_alive = keep_alive && !draining_;
      beast::error_code wec = co_await Write(conn, std::move(resp), hreq.version(), keep_alive);
      ctl->busy = false;
      if (wec == beast::error::timeout) {
        metrics.CountWriteTimeout();
        co_return;  // a client that does not take its response is dropped
      }
      if (wec || !keep_alive) break;
    }
    co_await conn.Shutdown();
  }

  // Feeds the parser from the connection until it holds the request's header
  // (header_only) or all of it; bytes past the request stay in `buffer` for
  // the next one. The same steps as http::async_read.
  static awaitable<beast::error_code> ReadMessage(TlsConn& conn, beast::flat_buffer& buffer,
                                                  http::request_parser<http::string_body>& parser,
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

  // The head leaves with the start of the body, in one buffer of at most one
  // TLS record, and the rest of the body from where it is (a shared dossier
  // view is not copied): a head on its own would cost every response a
  // record of its own.
  awaitable<beast::error_code> Write(TlsConn& conn, ApiResponse r, unsigned version,
                                     bool keep_alive) {
    constexpr std::size_t kTlsRecord = 16384;  // the most plaintext one record holds
    const std::string_view body = r.Body();
    std::string first;
    first.reserve(std::min(kTlsRecord, 256 + r.content_type.size() + body.size()));
    AppendResponseHead(r, body.size(), version, keep_alive, &first);
    const std::size_t k = std::min(body.size(), kTlsRecord - std::min(kTlsRecord, first.size()));
    first.append(body.substr(0, k));
    conn.ExpiresAfter(write_timeout_);
    co_return co_await conn.Write(first, body.substr(k));
  }

  static void AppendResponseHead(const ApiResponse& r, std::size_t body_size, unsigned version,
                                 bool keep_alive, std::string* out) {
    std::string& h = *out;
    h.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    h.append(std::to_string(r.status)).append(" ");
    h.append(http::obsolete_reason(static_cast<http::status>(r.status)));
    h.append("\r\nServer: vhgate\r\nContent-Type: ").append(r.content_type);
    h.append(
        "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff"
        "\r\nStrict-Transport-Security: max-age=31536000\r\n");
    if (version == 10 && keep_alive) h.append("Connection: keep-alive\r\n");
    if (version != 10 && !keep_alive) h.append("Connection: close\r\n");
    h.append("Content-Length: ").append(std::to_string(body_size)).append("\r\n\r\n");
  }

  awaitable<void> AcceptMetrics() {
    for (;;) {
      auto [ec, sock] = co_await metrics_acceptor_->async_accept(NextContext(), kTuple);
      if (ec) {
        if (draining_ || ec == asio::error::operation_aborted) co_return;
        continue;
      }
      auto ex = sock.get_executor();
      asio::co_spawn(ex, ServeMetrics(beast::tcp_stream(std::move(sock))), asio::detached);
    }
  }

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
      res.body() = app_.metrics().Render();
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
        continue;
      }
      LogInfo("draining", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                           {"open_connections", app_.metrics().open_connections()}});
      co_await Drain();
      co_return;
    }
  }

  // Starts waiting for a deferred response: the session resumes on its own
  // thread once it completes (on another thread). Run() does not return
  // while one is outstanding. (A named type rather than a lambda in the
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

  awaitable<void> Drain() {
    draining_ = true;
    beast::error_code ignored;
    acceptor_->close(ignored);
    metrics_acceptor_->close(ignored);
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      for (const auto& s : sessions_) {
        if (!s->busy) SessionCtl::Cancel(s);  // idle keep-alive connections go now
      }
    }
    app_.StopBackground();
    asio::steady_timer timer(main());
    auto deadline = std::chrono::steady_clock::now() + limits::kDrainTimeout;
    while (app_.metrics().open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(kTuple);
      std::lock_guard<std::mutex> lock(sessions_mu_);
      for (const auto& s : sessions_) {
        if (!s->busy) SessionCtl::Cancel(s);
      }
    }
    LogInfo("drained", {{"open_connections", app_.metrics().open_connections()}});
    for (auto& ioc : iocs_) ioc->stop();
  }

  void Register(const std::shared_ptr<SessionCtl>& c) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.insert(c);
  }
  void Unregister(const std::shared_ptr<SessionCtl>& c) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.erase(c);
  }

  App& app_;
  const Config& config_;
  ssl::context ctx_;
  int threads_;
  std::vector<std::unique_ptr<asio::io_context>> iocs_;
  std::size_t next_context_ = 0;  // the acceptors only, on the main context
  asio::thread_pool handlers_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  std::size_t max_connections_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<tcp::acceptor> metrics_acceptor_;
  std::atomic<bool> draining_{false};
  std::atomic<int> deferred_pending_{0};
  std::mutex sessions_mu_;
  std::set<std::shared_ptr<SessionCtl>> sessions_;
};

}  // namespace

int RunServer(const Config& config) {
  ::signal(SIGPIPE, SIG_IGN);
  g_conn_index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  static SystemClock clock;
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
