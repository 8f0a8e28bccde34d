#pragma once
// The network side of the gateway: RunServer builds the App (the modules,
// gateway/modules.h), the TLS context (gateway/tls_context.h), the I/O
// threads and the listeners, and serves until SIGTERM/SIGINT; then it stops
// accepting, closes idle connections, lets the requests in flight finish
// (bounded by limits::kDrainTimeout) and returns 0. SIGHUP reloads the
// covenant and the TLS files (gateway/tls_context.h), which are also
// reloaded when they change (polled every limits::kTlsFilePoll). A bad
// certificate, key, CRL, covenant or store stops the start: RunServer prints
// one line naming it and returns 1.
// Before anything is opened the umask becomes 077 and data_dir is made the
// gateway's alone (core/config.h SecureDataDir: 0700, and group and other
// permissions off what is in it).
//
// Threads: `threads` I/O threads (default one per core), each running its own
// io_context; connections are dealt round robin and stay on theirs
// (gateway/session.h). Requests the App marks inline (health, cheap reads)
// answer on that thread; the others run on a pool of `limits.handler_threads`
// (default limits::kHandlerThreads) so that a handler waiting for a durable
// audit commit never stalls the connections beside it. The first context
// also runs the acceptors, the metrics listener (plain HTTP, GET /metrics),
// the signals and the drain. Sockets are TCP_NODELAY: a response of several
// TLS records must not wait for the client's delayed ACK. Connections past
// limits.max_connections, or past limits.max_connections_per_address from
// one source address, are closed at once (counted, and logged at a bounded
// rate): a flood from one address, even of bare TCP connections that never
// handshake (each held limits.handshake_timeout_ms at most), leaves the
// other addresses their connections.
//
// Only gateway/server.cc, session.cc and tls_context.cc (the library
// vh_gateway_server) include Boost.Beast/Asio; what they hand on is an
// ApiRequest (gateway/api.h).

#include "core/clock.h"
#include "core/config.h"

namespace vh::gw {

// `clock` (the process's, see gateway/commands/command_line.h) must outlive
// the call.
int RunServer(const Config& config, const Clock& clock);

}  // namespace vh::gw
