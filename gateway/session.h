#pragma once
// One client connection of the gateway, from the accepted socket to its
// close. Server-side translation units only (this header includes Asio).
//
// RunSession, in order:
//   1. the TLS handshake (gateway/tls_conn.h) within limits::kHandshakeTimeout;
//      a refused one is counted by reason (gateway/tls_context.h) and closes;
//   2. the caller's Identity from its verified certificate, once;
//   3. per request: a fresh Beast parser (limits::kMaxHeaderBytes,
//      kMaxBodyBytes) fed from the connection under one read deadline, from
//      the wait for the request to its last body byte; the target split
//      into path and query (gateway/http_target.h); App::Handle, on this I/O
//      thread when App::RunsInline, else on the handler pool; a deferred
//      response (gateway/api.h) awaited without holding any thread; the
//      response written under the write deadline, its head and the start of
//      its body in one buffer, the rest from where it lies;
//   4. close_notify and the close (TlsConn::Shutdown).
// One request at a time: the next is not read before the response has been
// written, so pipelined requests wait in the connection's buffer. A parse
// error is answered (400, 413, 431) and closes the connection; a read or
// write timeout drops it (counted); a transport error closes it silently.
//
// Threads: a session runs on its socket's executor, one I/O thread; the
// handler pool and the audit writer hand their results back by posting to it.

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>

namespace vh::gw {

class App;

// The sessions as the drain sees them. Thread-safe.
class SessionRegistry {
 public:
  // One session. `alive` and `socket` are touched only on the session's own
  // thread; `busy` (a request is in flight) from any.
  struct Entry {
    boost::asio::any_io_executor executor;
    boost::asio::ip::tcp::socket* socket = nullptr;
    bool alive = true;
    std::atomic<bool> busy{false};
  };
  void Add(const std::shared_ptr<Entry>& e);
  void Remove(const std::shared_ptr<Entry>& e);
  // Every session not handling a request stops waiting for the next one: its
  // read is cancelled on its own thread and it closes with close_notify.
  void CancelIdle();

 private:
  std::mutex mu_;
  std::set<std::shared_ptr<Entry>> sessions_;  // guarded by mu_
};

// What the sessions of one server share. Owned by the server, it outlives
// every session (their coroutine frames included).
struct SessionContext {
  App& app;
  SSL_CTX* tls;                        // borrowed from the ServerTlsContext
  boost::asio::thread_pool& handlers;  // runs the handlers that are not inline
  std::chrono::milliseconds read_timeout;
  std::chrono::milliseconds write_timeout;
  std::atomic<bool> draining{false};  // no next request is read; responses say close
  // Deferred responses whose completion has yet to post to a session's
  // context: the server's contexts must live until this is 0.
  std::atomic<int> deferred_pending{0};
  SessionRegistry sessions;
};

boost::asio::awaitable<void> RunSession(SessionContext& ctx, boost::asio::ip::tcp::socket sock);

}  // namespace vh::gw
