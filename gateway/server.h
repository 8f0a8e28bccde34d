#pragma once
// The network side of the gateway (Boost.Beast's HTTP parser, Asio, OpenSSL).
// server.cc is the only translation unit that includes Beast/Asio (with
// gateway/tls_conn.h, its TLS connection); everything it hands on is an
// ApiRequest.
//
// RunServer: builds the App (covenant, audit, stores), the TLS context, the
// listeners, and serves until SIGTERM/SIGINT, then stops accepting, lets
// requests in flight finish (bounded by limits::kDrainTimeout) and returns 0.
// SIGHUP reloads the covenant. A bad certificate, key, CRL, covenant or
// store stops the start: RunServer prints one line naming it and returns 1.
//
// TLS profile (NCSC "Goed"/"Voldoende"): TLS 1.3, and TLS 1.2 with ECDHE +
// AEAD suites only; groups X25519, P-256, P-384; no compression, no
// renegotiation, no 0-RTT. A client certificate is required, verified
// against client_ca (chain allowed) and the CRL; refused handshakes are
// counted by reason: no_certificate, unknown_ca, expired, not_yet_valid,
// revoked, oin_mismatch, protocol_version, no_shared_cipher, timeout, other.
// No session resumption (no session cache, no tickets). The chain the server
// sends (its certificate and the intermediates, not the root) is built once at
// start, not by OpenSSL on every handshake. Sockets are TCP_NODELAY: a
// response of several TLS records must not wait for the client's delayed ACK.
// A response's records leave in one send (gateway/tls_conn.h).
//
// Threads: `threads` I/O threads (default one per core), each running its own
// io_context; connections are dealt round robin and stay on theirs. Requests
// the App marks inline (health, cheap reads) answer on that thread; the others
// run on a pool of `limits.handler_threads` so that a handler waiting for a
// durable audit commit never stalls the connections beside it.

#include "core/config.h"

namespace vh::gw {

int RunServer(const Config& config);

}  // namespace vh::gw
