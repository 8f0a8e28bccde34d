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
inline constexpr int kHandlerThreads = 32;  // handlers may wait on the audit group commit
inline constexpr std::chrono::seconds kHandshakeTimeout{10};
// Each request, from the wait for it to its last body byte: it also closes a
// keep-alive connection that stays idle this long. A connection handles one
// request at a time (the next is read once the response is written), so
// pipelining needs no limit of its own.
inline constexpr std::chrono::seconds kReadTimeout{10};
inline constexpr std::chrono::seconds kWriteTimeout{30};
inline constexpr std::chrono::seconds kDrainTimeout{20};  // SIGTERM: in-flight finish within
inline constexpr std::size_t kMaxAuditPageSize = 1000;    // GET /v1/audit/events limit

}  // namespace vh::limits
