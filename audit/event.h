#pragma once
// Audit events: what one entry of the audit log says (docs/audit-events.md,
// NEN 7513: who, what, when, about whom, on which basis, with what outcome).
//
// An Event carries no field values and no direct identifiers: the subject is
// a keyed pseudonym (Pseudonymizer::SubjectPseudonym, audit/pseudonymizer.h)
// and a disclosed or accepted field carries a keyed MAC of its value
// (Pseudonymizer::ValueMac). Free text
// (`detail`, e.g. a decline reason) is stored inside the encrypted store only.
//
// A StoredEvent is an Event as committed: with its sequence number, UTC time,
// the previous event's hash and its own hash
//   hash = BLAKE2b-256(prev_hash ‖ CanonicalEvent(stored event)).
// CanonicalEvent is a fixed binary framing (see event.cc) of seq, time, type
// and the body; it is what verification recomputes, byte for byte.
//
// Thread-safety: plain values.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "crypto/primitives.h"

namespace vh::audit {

// The event types (docs/audit-events.md "The event types").
inline constexpr const char* kRequestSent = "request_sent";
inline constexpr const char* kAnswerReceived = "answer_received";
inline constexpr const char* kFieldWithheld = "field_withheld";
inline constexpr const char* kDossierDisclosed = "dossier_disclosed";
inline constexpr const char* kAccessRefused = "access_refused";
inline constexpr const char* kDeclarationSigned = "declaration_signed";
inline constexpr const char* kPhaseChanged = "phase_changed";
inline constexpr const char* kMeetingClosed = "meeting_closed";
inline constexpr const char* kDataShredded = "data_shredded";
inline constexpr const char* kPolicyLoaded = "policy_loaded";
inline constexpr const char* kAuditQuery = "audit_query";
inline constexpr const char* kRequestDeclined = "request_declined";
inline constexpr const char* kMeetingCreated = "meeting_created";
inline constexpr const char* kRetentionExtended = "retention_extended";
inline constexpr const char* kSupplierFailed = "supplier_failed";
inline constexpr const char* kAuditOpened = "audit_opened";  // the log itself, at start
// Before and after the meeting (exchange/case_service.h).
inline constexpr const char* kNotificationReceived = "notification_received";
inline constexpr const char* kNotificationTriaged = "notification_triaged";
inline constexpr const char* kNotificationDisclosed = "notification_disclosed";  // the feedback
inline constexpr const char* kUrgentNotification = "urgent_notification";        // code rood
inline constexpr const char* kCheckPerformed = "check_performed";
inline constexpr const char* kCaseCreated = "case_created";
inline constexpr const char* kCaseUpdated = "case_updated";
inline constexpr const char* kCaseDisclosed = "case_disclosed";
inline constexpr const char* kCaseClosed = "case_closed";
inline constexpr const char* kFollowUpDone = "follow_up_done";
inline constexpr const char* kStatisticsDisclosed = "statistics_disclosed";

// Every name above, e.g. for a --help text.
inline constexpr std::array<std::string_view, 27> kEventTypes = {kRequestSent,
                                                                 kAnswerReceived,
                                                                 kFieldWithheld,
                                                                 kDossierDisclosed,
                                                                 kAccessRefused,
                                                                 kDeclarationSigned,
                                                                 kPhaseChanged,
                                                                 kMeetingClosed,
                                                                 kDataShredded,
                                                                 kPolicyLoaded,
                                                                 kAuditQuery,
                                                                 kRequestDeclined,
                                                                 kMeetingCreated,
                                                                 kRetentionExtended,
                                                                 kSupplierFailed,
                                                                 kAuditOpened,
                                                                 kNotificationReceived,
                                                                 kNotificationTriaged,
                                                                 kNotificationDisclosed,
                                                                 kUrgentNotification,
                                                                 kCheckPerformed,
                                                                 kCaseCreated,
                                                                 kCaseUpdated,
                                                                 kCaseDisclosed,
                                                                 kCaseClosed,
                                                                 kFollowUpDone,
                                                                 kStatisticsDisclosed};

// Whether `type` is one of the names above.
bool IsKnownEventType(std::string_view type);

struct Actor {
  std::string partner, role, cn, fingerprint, remote;
};

struct FieldDecision {
  std::string field;      // covenant field id
  std::string decision;   // "disclosed" | "withheld" | "accepted" | "requested"
  std::string rule;       // rule id ("" when none)
  std::string transform;  // "full" | "presence" | "year" | "age" | "municipality" | ""
  std::string reason;     // why withheld/denied, "" otherwise
  std::string value_mac;  // hex keyed MAC of the value, for disclosed/accepted; "" otherwise
};

// A dossier view covers all subjects of a meeting in one event. Each subject
// gets a part: its pseudonym, the counts and the digest of its DecisionSet:
// the field decisions (with value MACs) and their suppliers, stored once per
// distinct content in the audit store's `decision_sets` table. The chain
// covers the digest, the digest covers the set: changing or deleting a set
// breaks verification of every event that names it. Repeated views of an
// unchanged dossier name the same sets, so a view's event stays small.
struct SubjectPart {
  std::string subject;  // pseudonym
  std::string set;      // hex ContentHash of the DecisionSet body
  int64_t shown = 0, withheld = 0;
  // Not stored in the event: filled from the set by AuditLog::Query.
  std::vector<FieldDecision> fields;
  std::vector<std::string> from;  // supplier of each field, parallel to fields
};

struct DecisionSet {
  crypto::Hash digest{};  // ContentHash(body)
  std::string hex;        // the digest in hex, as parts name it
  std::string body;       // canonical JSON {"fields":[...],"from":[...]}
};
std::shared_ptr<const DecisionSet> MakeDecisionSet(const std::vector<FieldDecision>& fields,
                                                   const std::vector<std::string>& from);
// Inverse of MakeDecisionSet's body; InvalidArgument when it is not one.
Status ParseDecisionSet(std::string_view body, std::vector<FieldDecision>* fields,
                        std::vector<std::string>* from);

// A dossier view's parts as stored: the canonical JSON {"parts": [{set,
// shown, subject, withheld}, ...]}, kept once per distinct content in the
// audit store's `part_lists` table. The view's event names it by digest (body
// key "parts_list", and its `subject` column), so that repeated views of an
// unchanged dossier store a 64-hex name instead of the ~3.5 KB list every
// time. Its subjects are also in `part_list_subjects`, which subject queries
// read. (Events written before part lists hold their parts inline and their
// subjects space-separated in the column; both forms are read.)
struct PartList {
  crypto::Hash digest{};  // ContentHash(body)
  std::string hex;
  std::string body;
  std::vector<std::string> subjects;  // of the parts, in order
  std::vector<std::string> sets;      // the hex digest of each part's set, in order
};
std::shared_ptr<const PartList> MakePartList(const std::vector<SubjectPart>& parts);
// Inverse of MakePartList's body (counts, sets and subjects; no fields).
Status ParsePartList(std::string_view body, std::vector<SubjectPart>* parts);

// The covenant an event was decided under: the one stamp every event carries
// (`event.covenant = ref`). Callers make it from the covenant in force; the
// audit module does not depend on policy/. Stored in the body as
// "covenant": {"id", "sha256", "version"}.
struct CovenantRef {
  std::string id, version, sha256;  // sha256: hex SHA-256 of the covenant file's bytes
};

// The operation an event belongs to (core/trace_context.h; the Logboek
// Dataverwerkingen fields of docs/audit-events.md "trace"). Stored in the
// body as "trace" only when trace_id is set: events written before it keep
// their form (and their hashes). The audit log stamps an event appended
// without one with the context of the appending thread.
struct TraceRef {
  std::string trace_id;        // 32 hex
  std::string span_id;         // 16 hex: the gateway's span of the operation
  std::string parent_span_id;  // 16 hex: the caller's span (traceparent); "" when none
  std::string start_time;      // FormatUtc: when the operation started
  // The caller's operation in its own organisation's log, when it sent a
  // traceparent: its trace and span, and the organisation
  // ("urn:vhgate:partner:<id>"). All "" when none.
  std::string foreign_trace_id, foreign_span_id, foreign_entity;
  bool empty() const { return trace_id.empty(); }
};

struct Event {
  std::string type;  // one of the k* names above
  Actor actor;
  std::string meeting, overlegvorm, purpose;
  CovenantRef covenant;
  std::string subject;  // pseudonym (Pseudonymizer::SubjectPseudonym), "" when none
  std::string supplier, recipient;
  // A dossier view: every supplier whose values it showed, sorted, distinct
  // (`supplier` is also set when there is exactly one). Stored in the body as
  // "suppliers" only when not empty (other events keep their form) and in the
  // indexed `supplier` column separated by spaces (SupplierColumn), so that a
  // query by partner finds the view through each of them.
  std::vector<std::string> suppliers;
  std::vector<FieldDecision> fields;
  std::vector<SubjectPart> parts;  // a dossier view's subjects (then `subject` is "")
  // A dossier view's PartList hex, as stored. The log sets it when it appends
  // a view; ParseEventBody reads it back, and Query fills `parts` from it.
  std::string parts_list;
  std::string
      outcome;  // "ok" | "refused" | "error", with an http status where fitting ("refused 403")
  Json detail = Json::object();  // free text, e.g. a decline reason; encrypted at rest
  TraceRef trace;
};

struct StoredEvent {
  int64_t seq = 0;   // 1, 2, 3, ... without gaps
  std::string time;  // FormatUtc of the commit batch's clock reading
  Event event;
  crypto::Hash prev_hash{};  // zero for seq 1
  crypto::Hash hash{};
};

// The value of the indexed `subject` column: the subject; for a dossier view
// its `parts_list`, or without one (the earlier form) the parts' subjects
// separated by single spaces (pseudonyms hold no spaces).
std::string SubjectColumn(const Event& e);

// The value of the indexed `supplier` column: `suppliers` separated by single
// spaces (partner ids hold no spaces) when there are any, else `supplier`.
std::string SupplierColumn(const Event& e);

// The event body without seq, time and type, as canonical JSON (sorted keys,
// no whitespace). It is what the store keeps besides the indexed columns. A
// view with a `parts_list` names it; one without lists its parts inline.
std::string EventBody(const Event& e);
// Inverse of EventBody; InvalidArgument when `body` is not one.
Status ParseEventBody(std::string_view body, Event* e);

// The canonical byte string the chain hashes: a versioned, length-prefixed
// framing of seq, time, type, actor partner, meeting, subject, supplier,
// recipient (the indexed columns) and the body.
std::string CanonicalEvent(int64_t seq, std::string_view time, std::string_view type,
                           std::string_view actor_partner, std::string_view meeting,
                           std::string_view subject, std::string_view supplier,
                           std::string_view recipient, std::string_view body);
crypto::Hash ChainHash(const crypto::Hash& prev, std::string_view canonical);

// The JSON shown to privacy officers (query results, verify reports).
Json EventToJson(const StoredEvent& e);

}  // namespace vh::audit
