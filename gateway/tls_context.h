#pragma once
// The server's TLS context and what it decides about a client certificate
// (OpenSSL only: no Asio in this header).
//
// TLS profile (NCSC "Goed"/"Voldoende"): TLS 1.3, and TLS 1.2 with ECDHE +
// AEAD suites only; groups X25519, P-256, P-384; no compression, no
// renegotiation, no 0-RTT. No session resumption (no session cache, no
// tickets): a partner that reconnects makes a full handshake, proves again
// that it holds its key, and its certificate's subject is checked again.
// The chain's verification (signatures, validity, CRLs) is remembered per
// SSL_CTX (VerifiedChains): a reload, and so a new CRL, starts afresh. The server key must be ECDSA
// P-256/P-384 or RSA >= 3072 bits. The chain the server sends (its certificate and the
// intermediates, not the root) is built once here, not by OpenSSL on every
// handshake.
// A client certificate is required, verified against tls.client_ca (a chain
// is allowed, depth <= 4) and every CRL of tls.crl (each certificate of the
// chain against its issuer's CRL); the leaf's subject must hold O, OU, CN and
// serialNumber at most once each (else "ambiguous_subject": which of two
// O's is the partner?), and its serialNumber must be the OIN the covenant
// gives its O (OinLookup), when it gives one.
// Every CRL must be signed by a CA of tls.client_ca.
//
// Reload: the files are read again on SIGHUP and when one changes
// (Reload(false) polls modification time, inode and size). A new set that
// loads builds a new SSL_CTX, which serves from the next handshake on;
// connections already open keep theirs (each SSL holds a reference to its
// SSL_CTX). A set that does not load, or a new CRL already past its
// nextUpdate, keeps the one in force; the reason is logged and returned.
//
// Ownership: ServerTlsContext owns the SSL_CTX in force and the OIN lookup;
// the lookup is called during handshakes, so the ServerTlsContext must
// outlive them.
// Threads: Create once at start; Acquire() and the verify callback run on
// every I/O thread (the lookup must be thread-safe); Reload and WarnOfExpiry
// from one thread at a time.
// Errors: Create returns Unavailable "tls_config" naming the configuration
// key and file (tls.cert, tls.key, tls.client_ca, tls.crl) and the problem.

#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "gateway/api.h"

namespace boost::system {
class error_code;
}

namespace vh::gw {

// The OIN the covenant gives a partner (certificate subject O), if any.
using OinLookup = std::function<std::optional<std::string>(const std::string& partner)>;

class ServerTlsContext {
 public:
  static Result<std::unique_ptr<ServerTlsContext>> Create(const TlsConfig& tls,
                                                          OinLookup expected_oin);
  ~ServerTlsContext();
  ServerTlsContext(const ServerTlsContext&) = delete;
  ServerTlsContext& operator=(const ServerTlsContext&) = delete;

  // The context in force, with a reference for the caller, who frees it
  // (SSL_CTX_free) once its SSL is made.
  SSL_CTX* Acquire() const;
  // The context in force, borrowed: valid until the next Reload.
  SSL_CTX* native_handle() const;
  // The verify callback's OIN check (the lookup given to Create).
  std::optional<std::string> ExpectedOin(const std::string& partner) const {
    return expected_oin_(partner);
  }
  // Handshakes whose client chain was taken from VerifiedChains (not
  // verified again), since the start.
  int64_t chains_remembered() const { return chains_remembered_.load(); }
  void CountRememberedChain() { ++chains_remembered_; }

  // Reads the four files again when `force`, or when one of them changed
  // since the last attempt. True when a new context is in force, false when
  // nothing changed; the Status of a set that did not load (the old one
  // stays). Logs tls_reloaded or tls_reload_failed, with the trigger (SIGHUP
  // when forced, file_changed otherwise).
  Result<bool> Reload(bool force);
  // Unix seconds of the earliest nextUpdate of the CRLs in force, and of the
  // server certificate's notAfter (0: unknown).
  int64_t crl_next_update() const { return crl_next_update_.load(); }
  int64_t certificate_expiry() const { return certificate_expiry_.load(); }
  // A warning log line when the server certificate expires or the CRL's
  // nextUpdate passes within limits::kTlsExpiryWarning, an error line once
  // it has; each at most once a day, and again after a reload. `now` in
  // unix seconds.
  void WarnOfExpiry(int64_t now);

 private:
  struct FileStamp {
    bool ok = false;
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  ServerTlsContext(const TlsConfig& tls, OinLookup expected_oin);
  std::vector<FileStamp> Stamps() const;
  // Builds a context from the files; `at_start`: a CRL past its nextUpdate
  // is taken (there is no other) rather than refused.
  Status Load(bool at_start);

  const TlsConfig tls_;
  OinLookup expected_oin_;
  mutable std::mutex mu_;
  SSL_CTX* ctx_ = nullptr;  // guarded by mu_ (its pointer; the object is immutable once in force)
  std::vector<FileStamp> tried_;  // Reload's thread: the stamps of the last attempt
  std::atomic<int64_t> crl_next_update_{0};
  std::atomic<int64_t> certificate_expiry_{0};
  std::atomic<int64_t> chains_remembered_{0};
  int64_t cert_warned_at_ = 0, crl_warned_at_ = 0;  // WarnOfExpiry's thread
};

// Client certificate chains that verified under one SSL_CTX (its CAs, CRLs
// and verify flags), so that a partner that reconnects does not pay for the
// chain's signatures and CRL checks again. Keyed by the SHA-256 of each
// certificate the client sent, in order. A chain holds from the time it
// verified to the earliest of its notAfters, the CRLs' nextUpdate and
// limits::kTlsChainMemory after that; only chains made of exactly the
// certificates sent are remembered, and never failures. Nothing reads a
// connection's verified chain (SSL_get0_verified_chain is null after a
// remembered one).
// At most limits::kTlsChainsRemembered chains: when full, it starts over.
// Thread-safe (the handshakes of every I/O thread).
class VerifiedChains {
 public:
  explicit VerifiedChains(int64_t crl_next_update) : crl_next_update_(crl_next_update) {}
  // True when `key` verified and `now` (unix seconds) lies in its window.
  bool Holds(const std::string& key, int64_t now) const;
  // `key` verified at `now`; `not_after` is the earliest of its chain's.
  void Remember(const std::string& key, int64_t now, int64_t not_after);
  std::size_t size() const;

 private:
  struct Window {
    int64_t from = 0, until = 0;
  };
  const int64_t crl_next_update_;  // 0: none known
  mutable std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

// What the verify callback found wrong with one connection's client
// certificate. Watched from before the handshake to its end.
struct HandshakeCheck {
  const char* reason = nullptr;  // static text; null while nothing failed
  // The client's certificate, when it sent one: its subject (RFC 2253, UTF-8,
  // at most 512 bytes) and SHA-256 fingerprint (hex), for the log line of a
  // refused handshake.
  std::string subject;
  std::string fingerprint;
};
// Lets the verify callback of `ssl`'s handshake fill `check` (borrowed: it
// must outlive the handshake).
void WatchHandshake(SSL* ssl, HandshakeCheck* check);

// Why a handshake failed, as vhgate_handshake_failures_total counts it: the
// verify callback's reason (expired, not_yet_valid, revoked, unknown_ca,
// crl_unavailable, ambiguous_subject, oin_mismatch, invalid_certificate) when
// it gave one; else
// from the error: timeout, no_certificate, protocol_version,
// no_shared_cipher, plain_http, other.
const char* ClassifyHandshakeError(const boost::system::error_code& ec,
                                   const HandshakeCheck& check);
// An X509_V_ERR_* code as one of the verify callback's reasons above.
const char* ClassifyVerifyError(int x509_error);

// True when the subject holds O, OU, CN or serialNumber more than once.
bool AmbiguousSubject(X509* cert);

// The caller as its (verified) certificate names it: partner (O), role (OU),
// cn (CN), oin (serialNumber), fingerprint (SHA-256 of the DER, hex).
// `remote` is left empty. A missing field is "".
Identity CertificateIdentity(X509* cert);

}  // namespace vh::gw
