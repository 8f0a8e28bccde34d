#pragma once
// The audit routes (docs/api.md "Privacy officer"), for the privacy-officer role:
//   GET /v1/audit/events  filters bsn, subject, partner, meeting, type, from,
//                         to, limit, cursor -> {events, next_cursor}
//   GET /v1/audit/report?bsn=N[&format=html][&copy=subject]
//                         the access report for one person (audit/report.h)
//   GET /v1/audit/verify  -> {intact, events, last_checkpoint, problem?}
// The routes only translate: query string -> audit::AuditService
// (audit/audit_service.h: parameters, role scoping, the audit_query event,
// the report) -> JSON. Role scoping: a privacy officer whose partner
// (certificate O) is the covenant's house sees every event; one of a partner
// sees only events in which that partner supplied or received data. Other
// roles get 403 from the router. Every call is itself an audit_query event,
// appended before the answer; when it cannot be written the answer is 503
// and reveals nothing. A bsn that fails the 11-proef is 422 invalid_bsn.
//
// REQUIRES: `services` outlives the router.

#include "audit/report.h"
#include "gateway/router.h"
#include "gateway/services.h"

namespace vh::policy {
class Covenant;
}

namespace vh::gw {

void RegisterAuditRoutes(Router& router, Services& services);

// The covenant in force as the audit module takes it: house, stamp and the
// report's display data.
audit::ReportContext ReportContextFromCovenant(const policy::Covenant& covenant);

}  // namespace vh::gw
