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
// Open connections from one source address at once (handshaking or not): a
// flood from one address cannot take the connections everyone else needs.
inline constexpr std::size_t kMaxConnectionsPerAddress = 64;
inline constexpr int kHandlerThreads = 32;  // handlers may wait on the audit group commit
// From the accept to the end of the TLS handshake: a mutual-TLS handshake
// takes two round trips, so a connection that sends nothing (or trickles)
// holds its slot this long at most.
inline constexpr std::chrono::milliseconds kHandshakeTimeout{3000};
// Chunked request bodies: the bytes a chunk-size line (with its extensions)
// or the trailer section may take before the parser sees its end.
inline constexpr std::size_t kMaxChunkLineBytes = 4096;
// How often the TLS files (tls.cert, tls.key, tls.client_ca, tls.crl) are
// checked for a change (modification time, inode, size); SIGHUP reloads
// them at once.
inline constexpr std::chrono::seconds kTlsFilePoll{2};
// Intermediates between a client certificate and the covenant CA, at most.
inline constexpr int kClientChainDepth = 4;
// A client certificate chain verified under the TLS files in force is
// remembered this long (never past a certificate's notAfter or the CRLs'
// nextUpdate), at most this many chains; a reload starts afresh.
inline constexpr std::chrono::seconds kTlsChainMemory{600};
inline constexpr std::size_t kTlsChainsRemembered = 4096;
// A warning in the log from this long before the server certificate expires
// or the CRL's nextUpdate passes.
inline constexpr std::chrono::hours kTlsExpiryWarning{7 * 24};
// Log lines about refused handshakes and connections: at most this many per
// second (a burst of as many), the rest counted in one later line.
inline constexpr int kRefusalLogPerSecond = 20;
// Each request, from the wait for it to its last body byte: it also closes a
// keep-alive connection that stays idle this long. A connection handles one
// request at a time (the next is read once the response is written), so
// pipelining needs no limit of its own.
inline constexpr std::chrono::seconds kReadTimeout{10};
inline constexpr std::chrono::seconds kWriteTimeout{30};
inline constexpr std::chrono::seconds kDrainTimeout{20};  // SIGTERM: in-flight finish within
inline constexpr std::size_t kMaxAuditPageSize = 1000;    // GET /v1/audit/events limit

}  // namespace vh::limits
