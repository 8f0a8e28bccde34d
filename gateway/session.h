#pragma once
// One client connection of the gateway, from the accepted socket to its
// close. Server-side translation units only (this header includes Asio).
//
// RunSession, in order:
//   1. the TLS handshake (gateway/tls_conn.h) within `handshake_timeout`
//      (limits.handshake_timeout_ms); a refused one is counted by reason
//      (gateway/tls_context.h), logged (RefusalLog: reason, remote address,
//      the certificate's subject and fingerprint when one was sent) and
//      closes. Once it completes, the client's Finished is ACKed at once
//      (TlsConn::AckNow): with no ticket to send, the server would otherwise
//      leave it to the delayed-ACK timer, and a client with Nagle on holds
//      its request back until then (40 ms);
//   2. the caller's Identity from its verified certificate, once;
//   3. per request: a fresh Beast parser (limits::kMaxHeaderBytes,
//      kMaxBodyBytes) fed from the connection under one read deadline, from
//      the wait for the request to its last body byte; framing checked
//      strictly: Transfer-Encoding only as the single value "chunked" and
//      never with Content-Length, a chunk-size line or the trailers at most
//      limits::kMaxChunkLineBytes, trailer fields never handed on (else 400
//      and close); while a request is incomplete what arrived is ACKed at
//      once (a client with Nagle on sends the rest only then); the target
//      split into path and query (gateway/http_target.h); App::HandleInline
//      on this I/O thread, else App::Handle on the handler pool; a deferred
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
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>

#include "core/json.h"

namespace vh::gw {

class App;
class ServerTlsContext;

// Open connections per source address, against a cap. Thread-safe.
class AddressCounts {
 public:
  explicit AddressCounts(std::size_t cap) : cap_(cap) {}
  // Counts one more connection from `a`; false (nothing counted) when `a`
  // has `cap` open already. IPv4-mapped IPv6 addresses count as IPv4.
  bool TryAdd(const boost::asio::ip::address& a);
  void Remove(const boost::asio::ip::address& a);
  std::size_t Count(const boost::asio::ip::address& a) const;

  // One counted connection; gives its count back when destroyed (so also
  // when a session's coroutine never ran). Move-only.
  class Slot {
   public:
    Slot(AddressCounts* counts, boost::asio::ip::address a) : counts_(counts), a_(std::move(a)) {}
    Slot(Slot&& o) noexcept : counts_(o.counts_), a_(o.a_) { o.counts_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() { Release(); }
    // Gives the count back now (a session that only closes any more).
    void Release() {
      if (counts_) counts_->Remove(a_);
      counts_ = nullptr;
    }

   private:
    AddressCounts* counts_;
    boost::asio::ip::address a_;
  };

 private:
  static boost::asio::ip::address Key(const boost::asio::ip::address& a);
  const std::size_t cap_;
  mutable std::mutex mu_;
  std::map<boost::asio::ip::address, std::size_t> open_;  // guarded by mu_; no zero entries
};

// Log lines about refused handshakes and connections, at most
// limits::kRefusalLogPerSecond a second (a burst of as many): a flood must
// not flood the log too. A line after some were dropped says how many
// ("suppressed"). Thread-safe.
class RefusalLog {
 public:
  void Warn(std::string_view event, Json fields);

 private:
  std::mutex mu_;
  double tokens_ = 0;                                 // guarded by mu_
  std::chrono::steady_clock::time_point refilled_{};  // guarded by mu_
  int64_t suppressed_ = 0;                            // guarded by mu_
};

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
  ServerTlsContext& tls;               // a connection takes the context in force at its accept
  boost::asio::thread_pool& handlers;  // runs the handlers that are not inline
  std::chrono::milliseconds handshake_timeout;
  std::chrono::milliseconds read_timeout;
  std::chrono::milliseconds write_timeout;
  AddressCounts& addresses;  // limits.max_connections_per_address
  RefusalLog& refusals;
  std::atomic<bool> draining{false};  // no next request is read; responses say close
  // Deferred responses whose completion has yet to post to a session's
  // context: the server's contexts must live until this is 0.
  std::atomic<int> deferred_pending{0};
  SessionRegistry sessions;
};

// `remote` is the peer as the accept saw it; `slot` the connection's count
// against its address's cap, given back when the session ends.
boost::asio::awaitable<void> RunSession(SessionContext& ctx, boost::asio::ip::tcp::socket sock,
                                        boost::asio::ip::tcp::endpoint remote,
                                        AddressCounts::Slot slot);

}  // namespace vh::gw
