#pragma once
// Every named limit of the gateway in one place. Change them here only.

#include <chrono>
#include <cstddef>

namespace vh::limits {

inline constexpr std::size_t kMaxBodyBytes = 1 << 20;       // 1 MiB request body
inline constexpr std::size_t kMaxHeaderBytes = 16 * 1024;   // all request headers together
inline constexpr std::size_t kMaxJsonDepth = 32;            // nesting of objects/arrays
inline constexpr std::size_t kMaxCovenantBytes = 16 << 20;  // covenant file
inline constexpr std::size_t kMaxConnections = 1024;        // open connections at once
inline constexpr std::size_t kMaxPipelined = 16;            // requests per connection in flight
inline constexpr std::chrono::seconds kHandshakeTimeout{10};
inline constexpr std::chrono::seconds kReadTimeout{10};  // each request, header to body end
inline constexpr std::chrono::seconds kIdleTimeout{30};  // keep-alive between requests
inline constexpr std::chrono::seconds kWriteTimeout{30};
inline constexpr std::chrono::seconds kDrainTimeout{20};  // SIGTERM: in-flight finish within
inline constexpr std::size_t kMaxAuditPageSize = 1000;    // GET /v1/audit/events limit

}  // namespace vh::limits
