#pragma once
// ExchangeService: the information-request round of a Veiligheidshuis
// (../shared/DOMAIN.md "The information request flow"), transport-free.
//
// Both the HTTP routes (gateway/exchange_routes.cc) and the partner adapters
// (adapters/) call this class; it is where the covenant (policy/), the audit
// log (audit/) and the case store (store/) meet. Every method:
//   - takes the caller as an audit::Actor (partner, role, cn, fingerprint,
//     remote: read from the verified client certificate, or the adapter's
//     system identity) and checks the caller's role and partner itself, so an
//     adapter cannot bypass what the router enforces for HTTP;
//   - validates untrusted JSON bodies: unknown keys are Unprocessable
//     (422, reason "unknown_field") naming the JSON path, wrong types 422
//     "wrong_type", missing keys 422 "missing_field", unknown overlegvorm /
//     partner / field 422 naming the path;
//   - returns the response body of ../shared/CONTRACT.md as Json, or a Status
//     whose code the router maps to HTTP (403 PermissionDenied, 404 NotFound,
//     409 Conflict, 422 Unprocessable, 503 Unavailable);
//   - appends its audit event(s) BEFORE returning anything that discloses or
//     records data. When the audit log cannot write, the call fails with
//     Unavailable (503) and discloses nothing (for writes: the store change
//     is rolled back where it has not been committed yet, see the .cc).
// Status messages never contain values, names, BSNs or subject refs.
//
// Meeting states: open -> closed -> shredded (retention). Views of a closed
// meeting are 403 ("meeting_closed"), answers 409. An ad hoc partner sees
// nothing before it has signed the declaration for the meeting and nothing
// after the meeting's ends_at.
//
// Answering twice (see exchange/README.md): a second answer to the same
// request REPLACES the first while the meeting is open; the replaced fields
// are removed, and the audit log records the new answer_received event with
// detail {"replaces": true}. Declining an answered request is 409.
//
// Thread-safety: all methods may be called concurrently (the store
// serialises its own access; the covenant is a snapshot per call).

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace vh::policy {
class Covenant;
}
namespace vh::store {
class CaseStore;
}

namespace vh::exchange {

struct PreparedView;

// An immutable text shared by its holders (a rendered dossier view's body).
using SharedText = std::shared_ptr<const std::string>;

// Returns the covenant in force (a snapshot; never null once the gateway
// runs). Usually [holder] { return holder->Get(); }.
using CovenantSource = std::function<std::shared_ptr<const policy::Covenant>()>;

class ExchangeService {
 public:
  // Borrows everything; all must outlive the service.
  ExchangeService(CovenantSource covenant, audit::AuditLog& audit, store::CaseStore& cases,
                  const Clock& clock);
  ~ExchangeService();
  ExchangeService(const ExchangeService&) = delete;
  ExchangeService& operator=(const ExchangeService&) = delete;

  // --- meetings (coordinator of the house) ---------------------------------
  // POST /v1/meetings. Returns the meeting as GetMeeting shows it (201).
  Result<Json> CreateMeeting(const audit::Actor& caller, const Json& body);
  // GET /v1/meetings/{id}: coordinator, or a participant of a partner taking
  // part (members, ad hoc invitees). No subject identities in it.
  Result<Json> GetMeeting(const audit::Actor& caller, std::string_view meeting_id);
  // POST /v1/meetings/{id}/requests {deadline, suppliers?} -> 201
  // {requests: [{id, supplier, subject, fields, deadline, status}]}.
  // One request per supplier that some rule lets supply, and subject.
  Result<Json> CreateRequests(const audit::Actor& caller, std::string_view meeting_id,
                              const Json& body);
  // PUT /v1/meetings/{id}/phase {client_present: bool}.
  Result<Json> SetPhase(const audit::Actor& caller, std::string_view meeting_id, const Json& body);
  // POST /v1/meetings/{id}/close {outcomes: [{subject, decision}]}.
  Result<Json> Close(const audit::Actor& caller, std::string_view meeting_id, const Json& body);
  // POST /v1/meetings/{id}/retention {until, reason}.
  Result<Json> ExtendRetention(const audit::Actor& caller, std::string_view meeting_id,
                               const Json& body);

  // --- suppliers (role supplier; also called by adapters) ------------------
  // GET /v1/requests?status=S: the caller's partner's requests. status "open"
  // lists everything still awaiting an answer (statuses open and overdue);
  // "" lists all of open meetings; otherwise requests with exactly that status
  // (answered, declined, overdue, failed). Unknown status: 422.
  Result<Json> ListRequests(const audit::Actor& caller, std::string_view status);
  // PUT /v1/requests/{id}/answer {fields: {field: value}} -> {accepted: [...],
  // withheld: [...]}. Fields the covenant does not let the supplier supply are
  // withheld and never stored. Another partner's request: 403. Closed
  // meeting: 409. A value of the wrong type: 422 naming /fields/<id>.
  Result<Json> Answer(const audit::Actor& caller, std::string_view request_id, const Json& body);
  // POST /v1/requests/{id}/decline {reason}.
  Result<Json> Decline(const audit::Actor& caller, std::string_view request_id, const Json& body);
  // An adapter could not get an answer from its partner system: the request
  // gets status "failed" (still answerable) and a "supplier_failed" event.
  // `reason` is a short technical text without personal data.
  Status RecordSupplierFailure(const audit::Actor& system, std::string_view request_id,
                               std::string_view reason);

  // --- participants --------------------------------------------------------
  // GET /v1/meetings/{id}/declaration (participant of an invited ad hoc
  // partner) -> {text, text_sha256}.
  Result<Json> GetDeclaration(const audit::Actor& caller, std::string_view meeting_id);
  // POST /v1/meetings/{id}/declarations {text_sha256} -> 201 {signed_at, ...}.
  Result<Json> SignDeclaration(const audit::Actor& caller, std::string_view meeting_id,
                               const Json& body);
  // GET /v1/meetings/{id}/dossier -> {meeting, phase, subjects: [{ref,
  // fields: {field: [{value, from, rule, as}]}}]}: exactly what the covenant
  // shows the caller's partner. One dossier_disclosed event, with a part per
  // subject naming its decisions (the fields shown with value MACs, the
  // fields withheld with reasons, and their suppliers), is durable before
  // the body is returned.
  Result<Json> Dossier(const audit::Actor& caller, std::string_view meeting_id);
  // The same, as the compact JSON text of the response body (what the
  // gateway sends): the view is written as text by the filter, without a
  // DOM, and the value MACs are taken from that text.
  Result<std::string> DossierBody(const audit::Actor& caller, std::string_view meeting_id);
  // DossierBody without blocking on the audit commit: `done` runs once, on
  // the caller's thread for a refusal, else on the audit writer's thread once
  // the event is durable (or could not be written: 503). It must be quick.
  // The body is the rendered view's own, shared, not a copy.
  void DossierBodyAsync(const audit::Actor& caller, std::string_view meeting_id,
                        std::function<void(Result<SharedText>)> done);

  // --- retention -----------------------------------------------------------
  // Shreds every closed meeting past its retention (data key destroyed, rows
  // removed, one data_shredded event each). Returns {shredded: [ids],
  // kept: n}. Called by the gateway's sweep and `vhgate retention run`.
  Result<Json> RunRetention(const audit::Actor& system);

 private:
  Result<PreparedView> PrepareView(const audit::Actor& caller, std::string_view meeting_id);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vh::exchange
