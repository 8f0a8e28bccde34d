#pragma once
// The routes of notifications, cases, known-or-not and figures (their
// operations in docs/openapi.json; exchange/README.md "Before and after the
// meeting"): thin handlers that
// parse the body with core/json.h, build the typed command with
// gateway/codecs/case_codec.h or figures_codec.h, call
// exchange::CaseService, and encode the result or map its Status with
// ApiResponse::FromStatus. No business logic here.
//
// GET /v1/check?bsn= exists because the contract names it; POST /v1/check
// {bsn} is its twin and the preferred form: a BSN in a URL ends up in
// proxies' and browsers' histories. Neither the gateway's log, its metrics
// (labelled by route pattern) nor an error text ever holds the number.
//
// REQUIRES: `services` outlives the router.

#include "gateway/router.h"
#include "gateway/services.h"

namespace vh::gw {

void RegisterCaseRoutes(Router& router, Services& services);

}  // namespace vh::gw
