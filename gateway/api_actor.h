#pragma once
// The audit actor of an API request: the caller's identity as the TLS
// handshake established it (gateway/api.h), in the audit log's terms.

#include "audit/event.h"
#include "gateway/api.h"

namespace vh::gw {

inline audit::Actor ActorOf(const ApiRequest& req) {
  const Identity& id = req.identity;
  return audit::Actor{id.partner, id.role, id.cn, id.fingerprint, id.remote};
}

}  // namespace vh::gw
