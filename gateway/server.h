#pragma once
// The network side of the gateway: RunServer builds the App (the modules,
// gateway/modules.h), the TLS context (gateway/tls_context.h), the I/O
// threads and the listeners, and serves until SIGTERM/SIGINT; then it stops
// accepting, closes idle connections, lets the requests in flight finish
// (bounded by limits::kDrainTimeout) and returns 0. SIGHUP reloads the
// covenant. A bad certificate, key, CRL, covenant or store stops the start:
// RunServer prints one line naming it and returns 1.
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
// limits.max_connections are closed at once (counted).
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
