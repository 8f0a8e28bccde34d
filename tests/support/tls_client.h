#pragma once
// TlsClient: a small synchronous Boost.Beast client over OpenSSL for tests
// that need control curl does not give: trickling bytes, half-sent requests,
// several requests on one keep-alive connection.
// Not thread-safe; one client per thread.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "tests/support/gateway_harness.h"

namespace vh::testing {

class TlsClient {
 public:
  // Connects to 127.0.0.1:port with the client certificate of `identity`
  // ("<partner>.<role>") from the example PKI and completes the handshake.
  // Null (with *error set) when the TCP connect or the handshake fails.
  static std::unique_ptr<TlsClient> Connect(int port, const std::string& identity,
                                            std::string* error = nullptr);
  ~TlsClient();

  // Writes bytes as they are; false when the connection is gone.
  bool WriteRaw(std::string_view bytes);
  // Shuts the socket down both ways (safe from another thread: a WriteRaw
  // blocked on it returns false).
  void Abort();
  // Reads one HTTP response (status 0 when the connection closes first or
  // nothing arrives within `timeout`).
  HttpResult ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "");

 private:
  struct Impl;
  explicit TlsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vh::testing
