#pragma once
// The server's TLS context and what it decides about a client certificate
// (OpenSSL only: no Asio in this header).
//
// TLS profile (NCSC "Goed"/"Voldoende"): TLS 1.3, and TLS 1.2 with ECDHE +
// AEAD suites only; groups X25519, P-256, P-384; no compression, no
// renegotiation, no 0-RTT. No session resumption (no session cache, no
// tickets): a partner that reconnects makes a full handshake and its
// certificate is checked again. The server key must be ECDSA P-256/P-384 or
// RSA >= 3072 bits. The chain the server sends (its certificate and the
// intermediates, not the root) is built once here, not by OpenSSL on every
// handshake.
// A client certificate is required, verified against tls.client_ca (a chain
// is allowed, depth <= 4) and every CRL of tls.crl (each certificate of the
// chain against its issuer's CRL); the leaf's serialNumber must be the OIN
// the covenant gives its O (OinLookup), when it gives one.
//
// Ownership: ServerTlsContext owns the SSL_CTX and the OIN lookup; every SSL
// made from it holds its own reference to the SSL_CTX, but the lookup is
// called during handshakes, so the context must outlive them.
// Threads: Create once at start; native_handle() and the verify callback
// run on every I/O thread (the lookup must be thread-safe).
// Errors: Create returns Unavailable "tls_config" naming the configuration
// key and file (tls.cert, tls.key, tls.client_ca, tls.crl) and the problem.

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

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

  SSL_CTX* native_handle() const { return ctx_; }
  // The verify callback's OIN check (the lookup given to Create).
  std::optional<std::string> ExpectedOin(const std::string& partner) const {
    return expected_oin_(partner);
  }

 private:
  ServerTlsContext(SSL_CTX* ctx, OinLookup expected_oin);
  SSL_CTX* ctx_;
  OinLookup expected_oin_;
};

// What the verify callback found wrong with one connection's client
// certificate. Watched from before the handshake to its end.
struct HandshakeCheck {
  const char* reason = nullptr;  // static text; null while nothing failed
};
// Lets the verify callback of `ssl`'s handshake fill `check` (borrowed: it
// must outlive the handshake).
void WatchHandshake(SSL* ssl, HandshakeCheck* check);

// Why a handshake failed, as vhgate_handshake_failures_total counts it: the
// verify callback's reason (expired, not_yet_valid, revoked, unknown_ca,
// crl_unavailable, oin_mismatch, invalid_certificate) when it gave one; else
// from the error: timeout, no_certificate, protocol_version,
// no_shared_cipher, plain_http, other.
const char* ClassifyHandshakeError(const boost::system::error_code& ec,
                                   const HandshakeCheck& check);
// An X509_V_ERR_* code as one of the verify callback's reasons above.
const char* ClassifyVerifyError(int x509_error);

// The caller as its (verified) certificate names it: partner (O), role (OU),
// cn (CN), oin (serialNumber), fingerprint (SHA-256 of the DER, hex).
// `remote` is left empty. A missing field is "".
Identity CertificateIdentity(X509* cert);

}  // namespace vh::gw
