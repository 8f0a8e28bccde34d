#pragma once
// The API additions of the web console (docs/api.md, docs/openapi.json),
// besides the covenant's (covenant_routes.h):
//   GET  /v1/me                        any role: {partner, partner_name, role, cn,
//                                      fingerprint, house}
//   GET  /v1/meetings?status=          any role: {meetings: [...]} the caller takes
//                                      part in (upcoming | open | closed | all)
//   GET  /v1/meetings/{id}/requests    coordinator: the request round as a board
//   POST /v1/audit/report              privacy-officer: body {bsn} (or {meeting,
//                                      ref}, format, copy), as GET /v1/audit/report
//   POST /v1/audit/query               privacy-officer: body with the filters of
//                                      GET /v1/audit/events
// The POSTs let a browser ask about a person without a BSN in any URL; they
// call the same audit::AuditService as the GETs (role scoping, the
// audit_query event before any answer). The routes only translate; the
// exchange and the audit service decide and audit their refusals.
//
// REQUIRES: `services` outlives the router.

#include "gateway/router.h"
#include "gateway/services.h"

namespace vh::gw {

void RegisterConsoleRoutes(Router& router, Services& services);

}  // namespace vh::gw
