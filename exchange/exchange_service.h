#pragma once
// ExchangeService: the information-request round of a Veiligheidshuis
// (exchange/README.md "The round"), transport-free: the
// one entry of the gateway's routes (through the JSON codecs of
// gateway/codecs/) and of the partner adapters (adapters/exchange_sink.h).
// It is a facade over the use cases of exchange/ (meetings.h, requests.h,
// declarations.h, dossier_view.h, retention.h), which share one Context
// (covenant, audit log, case store, clock, snapshot cache).
//
// Every method:
//   - takes the caller as an audit::Actor (partner, role, cn, fingerprint,
//     remote: read from the verified client certificate, or the adapter's
//     system identity) and checks the caller's role (core/role.h names) and
//     partner itself, so an adapter cannot bypass what the router enforces
//     for HTTP;
//   - takes a typed command (exchange/types.h) that is structurally sound
//     and does the semantic checks: unknown overlegvorm / partner / field,
//     11-proef, membership, duplicates, meeting state. Unprocessable (422)
//     errors name the JSON path of the request body ("/subjects/1/identity/
//     persoon.bsn");
//   - returns a typed result, or a Status whose code the router maps to HTTP
//     (403 PermissionDenied, 404 NotFound, 409 Conflict, 422 Unprocessable,
//     503 Unavailable);
//   - appends its audit event(s) BEFORE returning anything that discloses or
//     records data. When the audit log cannot write, the call fails with
//     Unavailable (503) and discloses nothing (for writes: the store change
//     is rolled back, as the store runs the append inside its transaction).
// Status messages never contain values, names, BSNs or subject refs.
//
// Every refusal (401, 403, 409) is an access_refused event with its reason
// code, appended before the caller hears of it.
//
// Need-to-know per person and per subject (exchange/access.h): in a meeting
// of an overlegvorm with a circle only the certificates it lists take part
// (403 "not_in_circle"); a meeting may name the house's staff taking part
// (403 "not_in_staff"); a subject that is not the resident of a partner the
// overlegvorm names `residents_only` does not exist for that partner (no
// request, no dossier entry, not in the metadata, not in the events about
// its views); declarations are per person.
//
// Meeting states: open -> closed -> shredded (retention). Views of a closed
// meeting are 403 ("meeting_closed"), answers 409. An ad hoc participant
// sees nothing of the dossier before the person signed the declaration in
// force (403 "declaration_not_signed", "declaration_outdated") and nothing
// after the meeting's ends_at; its GetMeeting is then limited.
//
// Answering twice (see exchange/README.md): a second answer to the same
// request REPLACES the first while the meeting is open; the replaced fields
// are removed, and the audit log records the new answer_received event with
// detail {"replaces": true}. Declining an answered request is 409.
//
// The dossier view is the one result that is not a typed value: its body is
// the compact JSON text of the response, written by policy's filter without
// a DOM. The value MACs of its audit event are taken from that text and the
// text is cached per partner and shared with the response (no copy); typing
// it would cost the filter and the MACs per view.
//
// Thread-safety: all methods may be called concurrently (the store
// serialises its own access; the covenant is a snapshot per call).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "exchange/types.h"

namespace vh::audit {
class AuditLog;
}
namespace vh::policy {
class Covenant;
}
namespace vh::store {
class CaseStore;
}

namespace vh::exchange {

class CaseService;

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
  // POST /v1/meetings. The meeting as GetMeeting shows it to a coordinator.
  Result<Meeting> CreateMeeting(const audit::Actor& caller, const exchange::CreateMeeting& command);
  // GET /v1/meetings/{id}: coordinator, or a participant of a partner taking
  // part (members, ad hoc invitees) while the meeting is open; a participant
  // sees only the subjects that exist for its partner; an ad hoc
  // participant that has not signed the text in force, or after ends_at,
  // sees only id, overlegvorm, starts_at, ends_at and its declaration state.
  Result<Meeting> GetMeeting(const audit::Actor& caller, std::string_view meeting_id);
  // GET /v1/meetings?status=: the meetings the caller may GetMeeting (the
  // same participation decision, exchange/participation.h), as GetMeeting
  // shows each, by starts_at; shredded meetings never. Other roles get an
  // empty list. Writes no audit event.
  Result<std::vector<Meeting>> ListMeetings(const audit::Actor& caller, MeetingListFilter filter);
  // GET /v1/meetings/{id}/requests: the meeting's request round for the
  // coordinator's board (no identities, no values). Refusals are audited.
  Result<std::vector<BoardRequest>> RequestBoard(const audit::Actor& caller,
                                                 std::string_view meeting_id);
  // POST /v1/meetings/{id}/requests: one request per supplier that some rule
  // lets supply, and subject; only the ones not sent yet.
  Result<CreatedRequests> CreateRequests(const audit::Actor& caller, std::string_view meeting_id,
                                         const exchange::CreateRequests& command);
  // PUT /v1/meetings/{id}/phase.
  Result<PhaseChange> SetPhase(const audit::Actor& caller, std::string_view meeting_id,
                               const exchange::SetPhase& command);
  // POST /v1/meetings/{id}/close.
  Result<ClosedMeeting> Close(const audit::Actor& caller, std::string_view meeting_id,
                              const CloseMeeting& command);
  // POST /v1/meetings/{id}/retention (closed meetings only). The reason is
  // sealed with the meeting (GET shows it to coordinators); the event
  // carries its code (kRetentionCodes) and MAC.
  Result<RetentionExtension> ExtendRetention(const audit::Actor& caller,
                                             std::string_view meeting_id,
                                             const exchange::ExtendRetention& command);

  // --- suppliers (role supplier; also called by adapters) ------------------
  // GET /v1/requests?status=S: the caller's partner's requests of open
  // meetings, oldest first (see RequestFilter).
  Result<std::vector<SupplierRequest>> ListRequests(const audit::Actor& caller,
                                                    RequestFilter filter);
  // Before the body of an answer or decline is read: Ok when the caller may
  // answer request `request_id`; else its refusal: 403 another partner's or
  // outside the circle (audited like the answer's own), 404 none such.
  Status MayAnswer(const audit::Actor& caller, std::string_view request_id);
  // PUT /v1/requests/{id}/answer. Fields the covenant does not let the
  // supplier supply, or the request did not ask for, are withheld and never
  // stored. Another partner's request: 403 (audited). Closed meeting: 409. A
  // value of the wrong type: 422 naming /fields/<id>.
  Result<AnswerReceipt> Answer(const audit::Actor& caller, std::string_view request_id,
                               const AnswerRequest& command);
  // POST /v1/requests/{id}/decline. The reason is sealed with the meeting
  // (the coordinator's board shows it); the request_declined event carries
  // its code (kDeclineCodes; none given: "anders"; another: 422
  // "invalid_code") and its MAC, never the text (exchange/types.h).
  Result<DeclinedRequest> Decline(const audit::Actor& caller, std::string_view request_id,
                                  const DeclineRequest& command);
  // An adapter could not get an answer from its partner system: the request
  // gets status "failed" (still answerable) and a "supplier_failed" event.
  // `reason` is a failure code (kFailureCodes); any other text is recorded
  // as "anders" with its MAC and sealed with the meeting like a decline's.
  Status RecordSupplierFailure(const audit::Actor& system, std::string_view request_id,
                               std::string_view reason);

  // --- participants --------------------------------------------------------
  // GET /v1/meetings/{id}/declaration (participant of an invited ad hoc
  // partner): the text in force, its hash and the caller's own state.
  Result<Declaration> GetDeclaration(const audit::Actor& caller, std::string_view meeting_id);
  // POST /v1/meetings/{id}/declarations; MaySignDeclaration before the body
  // is read (403 not invited, outside the circle or closed, audited; 404 no
  // such meeting).
  Status MaySignDeclaration(const audit::Actor& caller, std::string_view meeting_id);
  Result<DeclarationSignature> SignDeclaration(const audit::Actor& caller,
                                               std::string_view meeting_id,
                                               const exchange::SignDeclaration& command);
  // GET /v1/meetings/{id}/dossier, as the compact JSON text of the response
  // body ({meeting, overlegvorm, phase, subjects: [{ref, fields: {field:
  // [{value, from, rule, as}]}}]}): exactly what the covenant shows the
  // caller's partner. One dossier_disclosed event, with a part per subject
  // naming its decisions (the fields shown with value MACs, the fields
  // withheld with reasons, and their suppliers), is durable before the body
  // is returned.
  Result<std::string> DossierBody(const audit::Actor& caller, std::string_view meeting_id);
  // DossierBody without blocking on the audit commit: `done` runs once, on
  // the caller's thread for an error found before an event is due (unknown
  // meeting), else on the audit writer's thread once the view's or the
  // refusal's event is durable (or could not be written: 503).
  // It must be quick. The body is the rendered view's own, shared, not a
  // copy.
  void DossierBodyAsync(const audit::Actor& caller, std::string_view meeting_id,
                        std::function<void(Result<SharedText>)> done);
  // DossierBody parsed (for tests and tools; the gateway sends the text).
  Result<Json> Dossier(const audit::Actor& caller, std::string_view meeting_id);

  // --- retention -----------------------------------------------------------
  // Closes every meeting nobody closed a day after its ends_at (outcome
  // "geen-besluit", retention from ends_at) and shreds every closed meeting
  // past its retention (data key destroyed, rows removed, one data_shredded
  // event each), then every case and notification past theirs;
  // exchange/retention.h. Called by the gateway's sweep and
  // `vhgate retention run`.
  Result<RetentionRun> RunRetention(const audit::Actor& system);

  // --- before and after the meeting ------------------------------------------
  // Notifications, cases, known-or-not and figures over the same covenant,
  // audit log, store and clock (exchange/case_service.h).
  CaseService& cases();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace vh::exchange
