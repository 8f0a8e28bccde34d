#pragma once
// The gateway's transport-free request and response: what every handler sees.
// No Beast here; gateway/session.cc converts to and from the wire.
//
// An ApiRequest is built once per HTTP request after the TLS handshake; its
// Identity was read from the verified client certificate (docs/api.md
// "Connecting") and is passed by value.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/role.h"
#include "core/status.h"

namespace vh::gw {

struct Identity {
  std::string partner;      // subject O
  std::string role;         // subject OU as given (core/role.h parses it)
  std::string cn;           // subject CN: the person or system (audit actor)
  std::string oin;          // subject serialNumber
  std::string fingerprint;  // SHA-256 of the DER certificate, hex
  std::string remote;       // "ip:port" of the peer
};

// The request headers the server hands on to the App (lower-case names).
// "host" gives the gateway's own origin for the cross-site check
// (gateway/browser_guard.h).
inline constexpr std::string_view kForwardedHeaders[] = {"origin", "sec-fetch-site", "traceparent",
                                                         "x-request-id", "host"};

struct ApiRequest {
  std::string method;                        // "GET", "POST", ...
  std::string path;                          // without the query string
  std::map<std::string, std::string> query;  // percent-decoded; last value wins
  std::vector<std::string> params;           // captures of {..} in the route pattern
  std::string route;                         // the matched pattern, for metrics and logs
  std::string body;
  // The request headers the App reads (kForwardedHeaders), names lower-case,
  // in arrival order; the others are not copied.
  std::vector<std::pair<std::string, std::string>> headers;
  Identity identity;
  std::string request_id;  // for log correlation

  // The first value of header `name` (lower-case; one of kForwardedHeaders),
  // or "" when absent.
  std::string_view Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
};

class DeferredResponse;

struct ApiResponse {
  int status = 200;
  std::string body;
  // Instead of `body` when set: a body shared with a cache (a rendered
  // dossier view), sent from where it is rather than copied per response.
  std::shared_ptr<const std::string> shared_body;
  std::string content_type = "application/json";
  // Further response headers (name, value), written after the standard ones.
  std::vector<std::pair<std::string, std::string>> headers;

  std::string_view Body() const { return shared_body ? *shared_body : body; }
  // Set when the handler answers later (status and body are then unused):
  // the server waits for it without holding a thread.
  std::shared_ptr<DeferredResponse> deferred;

  static ApiResponse FromJson(int status, const Json& j);
  // A body that is already compact JSON text.
  static ApiResponse FromText(int status, std::string json_text);
  static ApiResponse FromSharedText(int status, std::shared_ptr<const std::string> json_text);
  // The contract's error body, with the HTTP code mapped from Status::code().
  static ApiResponse FromStatus(const Status& s);
};

// A response a handler completes later, from another thread: a dossier view
// is sent once the audit writer has committed its event, and no thread waits
// for that commit meanwhile.
class DeferredResponse {
 public:
  // Exactly once, from any thread.
  void Complete(ApiResponse r);
  // Exactly once: `f` runs on the thread that completes, or here and now
  // when that has happened already.
  void OnComplete(std::function<void(ApiResponse)> f);

 private:
  std::mutex mu_;
  std::optional<ApiResponse> response_;    // guarded by mu_
  std::function<void(ApiResponse)> then_;  // guarded by mu_
};

int HttpStatusFor(Code code);

using Handler = std::function<ApiResponse(const ApiRequest&)>;

}  // namespace vh::gw
