#pragma once
// One server-side TLS connection on a TCP socket, for gateway/session.cc only
// (it includes Asio; no other translation unit may include this header).
//
// What it owns: the SSL object of the connection, two byte buffers between
// OpenSSL and the socket, and the connection's deadline.
//
// Why not asio::ssl::stream: that stream moves every TLS record through a BIO
// pair and an output buffer (two copies of each record besides OpenSSL's
// own), one send per record, and a stack of composed operations for each
// record. Here OpenSSL writes its records through a BIO of this class into
// `out_`, and Flush() hands everything pending to the kernel in one send: a
// dossier view of three records leaves in one send. Reads come from the
// socket into `in_` and OpenSSL takes them from there.
//
// Deadline: ExpiresAfter(d) sets when the connection gives up; one timer per
// connection, armed again only when a deadline comes before the armed one.
// When it passes, the socket operation in flight is cancelled and fails (as
// will the next one) with beast::error::timeout.
//
// Every coroutine here runs on the connection's own executor (one thread), so
// nothing in it needs a lock.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace vh::gw {

class TlsConn {
 public:
  using tcp = boost::asio::ip::tcp;
  using error_code = boost::system::error_code;
  template <typename T>
  using awaitable = boost::asio::awaitable<T>;
  static constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

  // native_handle() is null when OpenSSL could not allocate the connection.
  TlsConn(tcp::socket sock, SSL_CTX* ctx)
      : sock_(std::move(sock)), timer_(sock_.get_executor()), ssl_(SSL_new(ctx)) {
    BIO_METHOD* method = Method();
    BIO* bio = ssl_ && method ? BIO_new(method) : nullptr;
    if (!bio) {
      SSL_free(ssl_);
      ssl_ = nullptr;
      return;
    }
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_, bio, bio);  // the SSL owns it
    // OpenSSL's record buffers go back while a keep-alive connection idles.
    SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
    SSL_set_accept_state(ssl_);
  }
  TlsConn(const TlsConn&) = delete;
  TlsConn& operator=(const TlsConn&) = delete;
  ~TlsConn() {
    if (ssl_) SSL_free(ssl_);
  }

  SSL* native_handle() { return ssl_; }
  tcp::socket& socket() { return sock_; }

  // Sends the ACK of what the socket has received now rather than when the
  // kernel's delayed-ACK timer fires (TCP_QUICKACK, which also leaves the
  // delayed mode for the next few segments). For the moments the server
  // waits for more from a client without sending anything that would carry
  // the ACK: a client with Nagle on holds its next segment until it comes.
  void AckNow() {
    int one = 1;
    ::setsockopt(sock_.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
  }

  void ExpiresAfter(std::chrono::steady_clock::duration d) {
    deadline_ = std::chrono::steady_clock::now() + d;
    timed_out_ = false;
    if (!armed_ || deadline_ < armed_at_) Arm();
  }

  awaitable<error_code> Handshake() {
    if (!ssl_) co_return error_code(boost::asio::error::no_memory);
    for (;;) {
      ClearErrors();
      const int r = SSL_do_handshake(ssl_);
      const int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_, r);
      // Taken before any co_await: the error queue is the thread's, and
      // other connections run on it meanwhile.
      const error_code failed =
          err == SSL_ERROR_NONE || err == SSL_ERROR_WANT_READ ? error_code{} : Failure(err);
      // What OpenSSL wrote leaves first: its flight, or the alert that tells
      // the client why it was refused.
      const error_code flushed = co_await Flush();
      if (failed) co_return failed;
      if (flushed || r == 1) co_return flushed;
      if (error_code ec = co_await Fill()) co_return ec;
    }
  }

  // Up to `size` bytes of plaintext; asio::error::eof after the client's
  // close_notify, ssl::error::stream_truncated when the TCP stream ends
  // without one.
  awaitable<std::pair<error_code, std::size_t>> ReadSome(void* data, std::size_t size) {
    // With nothing from the socket and nothing in OpenSSL's buffers, a read
    // could only ask for more: wait for the socket first.
    if (in_begin_ == in_end_ && !in_eof_ && out_.empty() && SSL_has_pending(ssl_) == 0) {
      if (error_code ec = co_await Fill()) co_return std::pair{ec, std::size_t{0}};
    }
    for (;;) {
      ClearErrors();
      std::size_t n = 0;
      const int r = SSL_read_ex(ssl_, data, size, &n);
      if (r == 1) co_return std::pair{error_code{}, n};
      const int err = SSL_get_error(ssl_, r);
      error_code ec = err == SSL_ERROR_ZERO_RETURN ? error_code(boost::asio::error::eof)
                      : err == SSL_ERROR_WANT_READ ? error_code{}
                                                   : Failure(err);  // before any co_await
      if (error_code flushed = co_await Flush(); flushed && !ec) ec = flushed;
      if (!ec) ec = co_await Fill();
      if (ec) co_return std::pair{ec, std::size_t{0}};
    }
  }

  // Encrypts the two parts in order and sends them; at most kFlushBytes wait in
  // `out_` at a time, so a large body does not double in memory.
  awaitable<error_code> Write(std::string_view first, std::string_view second = {}) {
    const std::array<std::string_view, 2> parts{first, second};
    for (std::string_view part : parts) {
      while (!part.empty()) {
        std::size_t n = 0;
        // The BIO takes everything, so a write fails only when the
        // connection is broken.
        ClearErrors();
        const int r = SSL_write_ex(ssl_, part.data(), std::min(part.size(), kFlushBytes), &n);
        if (r != 1) co_return Failure(SSL_get_error(ssl_, r));
        part.remove_prefix(n);
        if (out_.size() >= kFlushBytes) {
          if (error_code ec = co_await Flush()) co_return ec;
        }
      }
    }
    co_return co_await Flush();
  }

  // Sends close_notify and ends the sending side, then reads (and drops)
  // until the client closes too, for at most two seconds: closing with
  // unread bytes would make the kernel reset the connection, and the client
  // could lose the response it is still sending into (a 413 while it
  // uploads). A broken connection (an OpenSSL error, a send that failed, a
  // timeout) ends without close_notify: OpenSSL must not shut down after a
  // fatal error, and the client may hold half a record.
  awaitable<void> Shutdown() {
    ExpiresAfter(std::chrono::seconds(2));
    if (ssl_ && !broken_ && SSL_is_init_finished(ssl_)) {
      SSL_shutdown(ssl_);
      ERR_clear_error();
      co_await Flush();
    }
    error_code ec;
    sock_.shutdown(tcp::socket::shutdown_send, ec);
    char drop[4096];
    while (!ec && !in_eof_ && !timed_out_) {
      std::size_t n = 0;
      std::tie(ec, n) = co_await sock_.async_read_some(boost::asio::buffer(drop), kTuple);
    }
  }

 private:
  static constexpr std::size_t kFlushBytes = 64 * 1024;
  static constexpr std::size_t kInBytes = 18 * 1024;  // a whole TLS record and then some

  awaitable<error_code> Flush() {
    if (out_.empty()) co_return error_code{};
    if (timed_out_) {
      out_.clear();
      broken_ = true;
      co_return error_code(boost::beast::error::timeout);
    }
    // Nearly always the kernel takes it all at once: sent here, without a
    // round through the scheduler; what it does not take is sent when the
    // socket can take more.
    error_code ec;
    std::size_t sent = 0;
    if (!sock_.non_blocking()) sock_.non_blocking(true, ec);
    if (!ec) sent = sock_.write_some(boost::asio::buffer(out_), ec);
    if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) ec = {};
    if (!ec && sent < out_.size()) {
      std::tie(ec, std::ignore) = co_await boost::asio::async_write(
          sock_, boost::asio::buffer(out_.data() + sent, out_.size() - sent), kTuple);
    }
    out_.clear();
    if (out_.capacity() > 2 * kFlushBytes) out_.shrink_to_fit();
    co_return Broken(ec, false);
  }

  // More bytes from the socket into `in_`; the end of the stream is kept in
  // `in_eof_` for OpenSSL to see.
  awaitable<error_code> Fill() {
    if (in_eof_) {
      broken_ = true;  // ended without close_notify
      co_return error_code(boost::asio::ssl::error::stream_truncated);
    }
    if (timed_out_) {
      broken_ = true;
      co_return error_code(boost::beast::error::timeout);
    }
    if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
    if (in_.empty()) in_.resize(kInBytes);
    if (in_end_ == in_.size()) {
      // OpenSSL asks for more only once it has taken all there is (it
      // reads a record's bytes as they come), so this does not happen.
      broken_ = true;
      co_return error_code(boost::asio::error::no_buffer_space);
    }
    auto [ec, n] = co_await sock_.async_read_some(
        boost::asio::buffer(in_.data() + in_end_, in_.size() - in_end_), kTuple);
    in_end_ += n;
    if (ec == boost::asio::error::eof) {
      in_eof_ = true;
      co_return error_code{};
    }
    co_return Broken(ec, true);
  }

  // A failed socket operation breaks the connection, except a read that was
  // cancelled (a drain closing an idle connection: it still gets
  // close_notify); one cancelled by the deadline reports the timeout.
  error_code Broken(const error_code& ec, bool reading) {
    if (!ec) return ec;
    const bool aborted = ec == boost::asio::error::operation_aborted;
    if (aborted && timed_out_) {
      broken_ = true;
      return boost::beast::error::timeout;
    }
    if (!(aborted && reading)) broken_ = true;
    return ec;
  }

  // An SSL call's result is read from the thread's error queue, which must be
  // empty before the call. It nearly always is (every failure empties it):
  // peeking costs little, clearing all of its slots on every read and write
  // was a twentieth of an I/O thread's time.
  static void ClearErrors() {
    if (ERR_peek_error() != 0) ERR_clear_error();
  }

  // The error of a failed SSL call, as asio::ssl::stream reports it: the
  // OpenSSL error in the ssl category, or stream_truncated when the stream
  // ended without close_notify.
  error_code Failure(int err) {
    broken_ = true;
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (in_eof_ && (e == 0 || ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
      return boost::asio::ssl::error::stream_truncated;
    }
    if (e != 0) return error_code(static_cast<int>(e), boost::asio::error::get_ssl_category());
    if (err == SSL_ERROR_SYSCALL) return boost::asio::ssl::error::unspecified_system_error;
    return boost::asio::error::fault;
  }

  void Arm() {
    armed_ = true;
    armed_at_ = deadline_;
    timer_.expires_at(deadline_);
    timer_.async_wait([this, life = std::weak_ptr<int>(life_)](const error_code& ec) {
      if (ec || life.expired()) return;  // re-armed, or the connection is gone
      armed_ = false;
      if (std::chrono::steady_clock::now() < deadline_) {
        Arm();  // the deadline moved later since this was armed
        return;
      }
      timed_out_ = true;
      error_code ignored;
      sock_.cancel(ignored);
    });
  }

  static BIO_METHOD* Method() {
    static BIO_METHOD* method = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "vhgate-conn");
      if (!m) return m;
      BIO_meth_set_write(m, [](BIO* b, const char* data, int len) {
        static_cast<TlsConn*>(BIO_get_data(b))->out_.append(data, static_cast<std::size_t>(len));
        return len;
      });
      BIO_meth_set_read(m, [](BIO* b, char* data, int len) {
        auto* c = static_cast<TlsConn*>(BIO_get_data(b));
        BIO_clear_retry_flags(b);
        const std::size_t have = c->in_end_ - c->in_begin_;
        if (have == 0) {
          if (c->in_eof_) return 0;
          BIO_set_retry_read(b);
          return -1;
        }
        const std::size_t n = std::min(have, static_cast<std::size_t>(len));
        std::memcpy(data, c->in_.data() + c->in_begin_, n);
        c->in_begin_ += n;
        return static_cast<int>(n);
      });
      BIO_meth_set_ctrl(m, [](BIO* b, int cmd, long, void*) -> long {
        auto* c = static_cast<TlsConn*>(BIO_get_data(b));
        switch (cmd) {
          case BIO_CTRL_FLUSH:
            return 1;  // writes are sent by Flush()
          case BIO_CTRL_PENDING:
            return static_cast<long>(c->in_end_ - c->in_begin_);
          case BIO_CTRL_EOF:
            return c->in_eof_ && c->in_begin_ == c->in_end_;
          default:
            return 0;
        }
      });
      return m;
    }();
    return method;
  }

  tcp::socket sock_;
  boost::asio::steady_timer timer_;
  SSL* ssl_;
  std::string out_;       // records waiting for Flush()
  std::vector<char> in_;  // bytes from the socket OpenSSL has not taken yet
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  bool in_eof_ = false;
  bool broken_ = false;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point armed_at_;
  bool armed_ = false;
  bool timed_out_ = false;
  std::shared_ptr<int> life_ = std::make_shared<int>(0);  // outlived by a fired timer's handler
};

}  // namespace vh::gw
