#pragma once
// The exchange routes of docs/api.md (meetings, requests, answers,
// declarations, dossiers, phases, close, retention): thin handlers that parse
// the body with core/json.h, turn it into the exchange's typed command with
// its codec (gateway/codecs/), call exchange::ExchangeService, and encode
// the typed result with the codec or map its Status to HTTP with
// ApiResponse::FromStatus. No business logic here.
//
// REQUIRES: `services` outlives the router.

#include "gateway/router.h"
#include "gateway/services.h"

namespace vh::gw {

void RegisterExchangeRoutes(Router& router, Services& services);

}  // namespace vh::gw
