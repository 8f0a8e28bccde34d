#pragma once
// HttpsClient: one mutual-TLS HTTPS client (libcurl) for one partner endpoint.
//
// The gateway presents its own client certificate (`cert`/`key`) and accepts
// the partner's server only when its chain verifies against `ca`, its name
// matches the URL's host, and it is the partner's own: its SHA-256
// fingerprint is `server_fingerprint` when that is set, else its subject
// holds exactly one O and that is `server_organization` (when set). Any
// certificate of the covenant CA would otherwise do, another partner's
// included. The identity is checked in the handshake, before the request
// (with its personal data) is sent. TLS 1.2 or newer, https only, no
// redirects, no proxy from the environment.
//
// Create checks that the files load and that the key fits the certificate
// (InvalidArgument naming the file otherwise): a bad key stops the start.
// Post returns the HTTP status and body for any HTTP response (also 4xx/5xx);
// transport failures are a non-ok Status whose reason() is one of
//   "unreachable" (connect/resolve failed), "timeout", "tls" (handshake or
//   verification), "cancelled" (the cancel flag was set), "too_large"
//   (response body over max_response_bytes), "transport" (anything else).
// Messages never contain the response body.
//
// Thread-safety: one HttpsClient per thread (it keeps one curl handle and its
// connection); distinct clients are independent.

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "core/limits.h"
#include "core/status.h"

namespace vh::adapters {

struct HttpsClientOptions {
  std::string ca, cert, key;
  std::string server_organization;  // the O the server's certificate must name ("" = any)
  std::string server_fingerprint;   // hex SHA-256 (lower case) it must have ("" = any)
  int connect_timeout_ms = 2000;
  int timeout_ms = 3000;
  std::size_t max_response_bytes = limits::kMaxBodyBytes;
};

struct HttpsResponse {
  long status = 0;
  std::string body;
  std::string peer_fingerprint;  // hex SHA-256 of the server certificate (DER), if known
  std::string peer_subject;      // the server certificate's subject, if known
};

class HttpsClient {
 public:
  static Result<std::unique_ptr<HttpsClient>> Create(const HttpsClientOptions& options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // POSTs `json_body` (Content-Type: application/json), with the
  // `traceparent` of the thread's TraceContext when it has one
  // (core/trace_context.h). `cancel` (may be null) aborts the transfer
  // within about 100 ms of being set.
  Result<HttpsResponse> PostJson(const std::string& url, const std::string& json_body,
                                 const std::atomic<bool>* cancel);

  // What the handshake's verify callback checks the server against, and why
  // it refused the last one ("" when it did not). Internal.
  struct ServerPin {
    const HttpsClientOptions* options;
    std::string failure;
  };

 private:
  explicit HttpsClient(const HttpsClientOptions& options);
  HttpsClientOptions options_;
  void* curl_ = nullptr;  // CURL*
  // Outlives every connection of curl_ (its SSL_CTX points here).
  ServerPin pin_{&options_, {}};
};

// Must run once before any thread uses curl; AdapterRunner calls it.
// Idempotent and thread-safe.
void InitCurlOnce();

}  // namespace vh::adapters
