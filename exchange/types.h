#pragma once
// The exchange's commands and results as C++ types (ExchangeService,
// exchange/exchange_service.h, takes and returns them).
//
// Commands carry what a caller asks for, already structurally sound: the
// JSON codecs of the gateway (gateway/codecs/) build them from request bodies
// and do the structural checks (object shape, unknown keys, types, sizes,
// RFC 3339 times); the partner adapters build them directly. The exchange
// does the semantic checks (covenant, meeting state, 11-proef) and names the
// JSON path in its errors ("/subjects/1/identity/persoon.bsn"): lists keep
// their order, so list index i is path element i.
//
// Field values stay Json (a value may be a boolean, string, integer, date
// string or address object; policy/filter.h validates them against the
// field's type). Times are TimePoint (UTC); a result time is the stored
// RFC 3339 time read back, so FormatUtc gives the same text again.
//
// Header only (the adapters use it without linking the exchange).
// Every type compares by value (==). Thread-safety: plain values.

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"

namespace vh::exchange {

// Limits of the commands (the codecs refuse longer text with 422 "too_long").
inline constexpr std::size_t kMaxSubjects = 500;
inline constexpr std::size_t kMaxRefBytes = 128;
inline constexpr std::size_t kMaxTitleBytes = 200;
inline constexpr std::size_t kMaxReasonBytes = 2000;
inline constexpr std::size_t kMaxIdBytes = 128;            // an overlegvorm id, a text_sha256
inline constexpr std::size_t kMaxDecisionBytes = 64;       // an outcome's decision
inline constexpr std::size_t kMaxMunicipalityBytes = 128;  // a subject's municipality
inline constexpr std::size_t kMaxCnBytes = 64;             // a staff member's certificate CN
inline constexpr std::size_t kMaxStaff = 100;              // CNs a meeting may name
inline constexpr std::size_t kMaxReasonCodeBytes = 64;     // a reason's code

// --- reasons: free text and its code -------------------------------------------
//
// A reason a caller writes (why a supplier declines, why a coordinator keeps a
// meeting longer) is free text and may name a person. It is sealed in the case
// store with the meeting, under the meeting's data key, and shredded with it;
// the audit event carries only its code (one of the short lists below) and a
// keyed MAC of the text (audit::Pseudonymizer::TextMac, purpose "reason"), so
// that a privacy officer holding the text can prove it was the one given
// while the log itself never holds it. A caller may send a code; without one
// it is kOtherReason. An unknown code is 422 "invalid_code" naming /code.

inline constexpr std::string_view kOtherReason = "anders";
// Why a supplier declines a request: the person is not known to it; it has no
// legal ground to share; professional secrecy (e.g. a doctor's) forbids it;
// it cannot answer in time; anything else.
inline constexpr std::array<std::string_view, 5> kDeclineCodes = {
    "onbekend", "geen_grondslag", "beroepsgeheim", "niet_tijdig", kOtherReason};
// Why a coordinator keeps a closed meeting longer: an objection or appeal
// (bezwaar en beroep); legal proceedings; a request of the person concerned
// (AVG rights); a complaint or incident being investigated; anything else.
inline constexpr std::array<std::string_view, 5> kRetentionCodes = {
    "bezwaar", "rechtszaak", "verzoek_betrokkene", "incident", kOtherReason};
// Why an adapter could not get an answer from its partner system
// (ExchangeService::RecordSupplierFailure): the reason codes of the adapters
// (adapters/https_client.h, adapters/https_pull_adapter.cc). Any other text
// is recorded as kOtherReason with its MAC, the text sealed like a decline's.
inline constexpr std::array<std::string_view, 8> kFailureCodes = {
    "unreachable",      "timeout",        "tls",       "transport", "http_status",
    "invalid_response", "answer_refused", kOtherReason};

// Whether `code` is one of `codes`.
template <std::size_t N>
bool IsReasonCode(const std::array<std::string_view, N>& codes, std::string_view code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}
// "a, b or c" (for error messages).
template <std::size_t N>
std::string ReasonCodeList(const std::array<std::string_view, N>& codes) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += codes[i];
  }
  return out;
}

// Covenant field id -> value (sorted by field id, as JSON objects are).
using FieldValues = std::map<std::string, Json, std::less<>>;

// --- states -----------------------------------------------------------------

enum class MeetingState { kOpen, kClosed, kShredded };
// kOverdue is never stored: an open request past its deadline.
enum class RequestState { kOpen, kAnswered, kDeclined, kOverdue, kFailed };
enum class Phase { kClientAbsent, kClientPresent };
// One person's confidentiality declaration for a meeting: none, signed for
// the text in force, or signed for a text that has since changed.
enum class DeclarationState { kUnsigned, kSigned, kOutdated };

// The names the API uses (docs/openapi.json: "open", "client_present", ...).
inline std::string_view MeetingStateName(MeetingState s) {
  switch (s) {
    case MeetingState::kOpen:
      return "open";
    case MeetingState::kClosed:
      return "closed";
    case MeetingState::kShredded:
      return "shredded";
  }
  return "open";
}
inline std::string_view RequestStateName(RequestState s) {
  switch (s) {
    case RequestState::kOpen:
      return "open";
    case RequestState::kAnswered:
      return "answered";
    case RequestState::kDeclined:
      return "declined";
    case RequestState::kOverdue:
      return "overdue";
    case RequestState::kFailed:
      return "failed";
  }
  return "open";
}
inline std::string_view PhaseName(Phase p) {
  return p == Phase::kClientPresent ? "client_present" : "client_absent";
}
inline std::string_view DeclarationStateName(DeclarationState d) {
  switch (d) {
    case DeclarationState::kUnsigned:
      return "unsigned";
    case DeclarationState::kSigned:
      return "signed";
    case DeclarationState::kOutdated:
      return "outdated";
  }
  return "unsigned";
}
inline std::optional<MeetingState> ParseMeetingState(std::string_view s) {
  for (MeetingState m : {MeetingState::kOpen, MeetingState::kClosed, MeetingState::kShredded}) {
    if (MeetingStateName(m) == s) return m;
  }
  return std::nullopt;
}
inline std::optional<RequestState> ParseRequestState(std::string_view s) {
  for (RequestState r : {RequestState::kOpen, RequestState::kAnswered, RequestState::kDeclined,
                         RequestState::kOverdue, RequestState::kFailed}) {
    if (RequestStateName(r) == s) return r;
  }
  return std::nullopt;
}

// --- meetings (coordinator of the house) ------------------------------------

struct SubjectEntry {
  std::string ref;       // the coordinator's reference, unique in the meeting
  FieldValues identity;  // request_identity fields and fields the house supplies
  std::string reason;    // reason for notification; may be empty
  // The municipality the subject lives in; nullopt: the `gemeente` of an
  // address in `identity`, else unknown (nobody's resident).
  std::optional<std::string> municipality;
  // Only these partners are asked about the subject (each must be one the
  // covenant lets supply in the overlegvorm); nullopt: every such partner.
  std::optional<std::vector<std::string>> suppliers;
  // The open case (exchange/case_types.h) the subject is discussed for: the
  // meeting's decision about the subject is recorded on it at close.
  std::optional<std::string> case_id;
  bool operator==(const SubjectEntry&) const = default;
};

struct CreateMeeting {
  std::string overlegvorm;
  std::string title;
  TimePoint starts_at, ends_at;
  // Members of the overlegvorm taking part; nullopt: all of them.
  std::optional<std::vector<std::string>> participants;
  std::vector<std::string> ad_hoc;  // ad hoc partners invited
  std::vector<SubjectEntry> subjects;
  // CNs of the house's participant certificates taking part; nullopt: every
  // one (an overlegvorm with a circle names them there instead).
  std::optional<std::vector<std::string>> staff;
  bool operator==(const CreateMeeting&) const = default;
};

struct SetPhase {
  bool client_present = false;
  bool operator==(const SetPhase&) const = default;
};

struct SubjectOutcome {
  std::string subject;   // the subject's ref
  std::string decision;  // one of the covenant's outcomes (policy::Covenant::outcomes)
  bool operator==(const SubjectOutcome&) const = default;
};
struct CloseMeeting {
  std::vector<SubjectOutcome> outcomes;
  bool operator==(const CloseMeeting&) const = default;
};

struct ExtendRetention {
  TimePoint until;
  std::string reason;               // required; sealed with the meeting, never in the audit log
  std::optional<std::string> code;  // one of kRetentionCodes; nullopt: kOtherReason
  bool operator==(const ExtendRetention&) const = default;
};

// A meeting as GET /v1/meetings/{id} shows it. No subject identities. A
// participant sees only the subjects that exist for its partner (residents
// only). `limited`: an ad hoc participant that has not signed the
// declaration in force, or after ends_at, sees only id, overlegvorm,
// starts_at, ends_at and its declaration state; nothing else is set.
struct CovenantVersion {
  std::string id, version, sha256;
  bool operator==(const CovenantVersion&) const = default;
};
struct AdHocInvitee {
  std::string partner;
  bool declaration_signed = false;  // someone of the partner signed the text in force
  bool operator==(const AdHocInvitee&) const = default;
};
struct MeetingSubject {
  std::string ref;
  std::optional<std::string> reason;   // coordinators only
  std::optional<std::string> outcome;  // once decided at close
  bool operator==(const MeetingSubject&) const = default;
};
struct Meeting {
  std::string id;
  std::string overlegvorm;
  bool limited = false;
  // An ad hoc participant's own declaration state.
  std::optional<DeclarationState> declaration;
  MeetingState state = MeetingState::kOpen;
  CovenantVersion covenant;  // the covenant it was created under
  // kShredded: the tombstone; nothing below is set.
  std::optional<TimePoint> shredded_at;
  std::optional<std::string> purpose;  // while the overlegvorm is in the covenant
  std::string title;
  TimePoint starts_at, ends_at, created_at;
  Phase phase = Phase::kClientAbsent;
  std::vector<std::string> participants;  // members taking part
  std::vector<AdHocInvitee> ad_hoc;
  std::vector<MeetingSubject> subjects;  // agenda order
  // kClosed only.
  std::optional<TimePoint> closed_at, retention_until, extended_until;
  std::optional<std::string> extension_reason;  // coordinators only (from the case store)
  std::optional<std::string> extension_code;    // coordinators only; absent before codes
  // Coordinators only: how many requests are in each state, and the house
  // CNs the meeting names.
  std::optional<std::map<RequestState, int>> requests;
  std::optional<std::vector<std::string>> staff;
  bool operator==(const Meeting&) const = default;
};

struct PhaseChange {
  std::string meeting;
  Phase phase = Phase::kClientAbsent;
  bool operator==(const PhaseChange&) const = default;
};

struct ClosedMeeting {
  std::string id;
  TimePoint closed_at, retention_until;
  std::vector<SubjectOutcome> outcomes;  // agenda order
  bool operator==(const ClosedMeeting&) const = default;
};

struct RetentionExtension {
  std::string id;
  TimePoint retention_until;  // as set at close
  TimePoint extended_until;
  bool operator==(const RetentionExtension&) const = default;
};

// --- requests and answers ---------------------------------------------------

struct CreateRequests {
  TimePoint deadline;
  // Only these suppliers (each must have something to supply); nullopt: all.
  std::optional<std::vector<std::string>> suppliers;
  bool operator==(const CreateRequests&) const = default;
};

// A request as created (POST /v1/meetings/{id}/requests).
struct SentRequest {
  std::string id;
  std::string supplier;
  std::string subject;              // the subject's ref
  std::vector<std::string> fields;  // covenant field ids asked for
  TimePoint deadline;
  RequestState status = RequestState::kOpen;
  bool operator==(const SentRequest&) const = default;
};
struct CreatedRequests {
  std::string meeting;
  std::vector<SentRequest> requests;  // only the new ones
  bool operator==(const CreatedRequests&) const = default;
};

// Which of its requests a supplier lists: nullopt all (of open meetings);
// kOpen everything still awaiting an answer (open, overdue, failed); any
// other state exactly that one.
using RequestFilter = std::optional<RequestState>;

// A row of the supplier's request list (GET /v1/requests): what the
// supplier needs to answer it.
struct SupplierRequest {
  std::string id;
  std::string meeting;
  std::string overlegvorm;
  std::string subject;              // the subject's ref
  FieldValues identity;             // the overlegvorm's request_identity fields; empty once dropped
  std::vector<std::string> fields;  // covenant field ids asked for
  TimePoint deadline;
  RequestState status = RequestState::kOpen;
  bool operator==(const SupplierRequest&) const = default;
};

struct AnswerRequest {
  FieldValues fields;  // null means "no value": accepted, not stored
  bool operator==(const AnswerRequest&) const = default;
};

struct WithheldField {
  std::string field;
  std::string reason;  // "not_in_covenant", "not_allowed_for_supplier", "not_requested"
  bool operator==(const WithheldField&) const = default;
};
struct AnswerReceipt {
  std::string request;
  std::vector<std::string> accepted;    // stored (sealed)
  std::vector<WithheldField> withheld;  // never stored; audited
  bool replaced = false;                // an earlier answer or decline was replaced
  bool operator==(const AnswerReceipt&) const = default;
};

struct DeclineRequest {
  // Required, at most kMaxReasonBytes; sealed with the meeting, never in the
  // audit log (which gets the code and the text's MAC).
  std::string reason;
  std::optional<std::string> code;  // one of kDeclineCodes; nullopt: kOtherReason
  bool operator==(const DeclineRequest&) const = default;
};
struct DeclinedRequest {
  std::string request;  // its state is now RequestState::kDeclined
  bool operator==(const DeclinedRequest&) const = default;
};

// --- declarations (participants of invited ad hoc partners) -----------------

struct Declaration {
  std::string meeting;
  std::string text;
  std::string text_sha256;  // hex
  // The caller's own signature (its partner, CN and certificate): none, for
  // this text, or for an earlier text.
  DeclarationState state = DeclarationState::kUnsigned;
  bool operator==(const Declaration&) const = default;
};

struct SignDeclaration {
  std::string text_sha256;  // of the declaration in force
  bool operator==(const SignDeclaration&) const = default;
};
struct DeclarationSignature {
  std::string meeting;
  std::string partner;
  std::string signed_by;  // the signer's certificate CN
  TimePoint signed_at;
  std::string text_sha256;
  bool operator==(const DeclarationSignature&) const = default;
};

// --- the console's lists -----------------------------------------------------

// Which meetings GET /v1/meetings?status= lists (never shredded ones):
// kUpcoming open and not started yet; kOpen open and started (also past its
// end while nobody closed it); kClosed closed; kAll every one of them.
enum class MeetingListFilter { kAll, kUpcoming, kOpen, kClosed };

// A row of a meeting's request round as the coordinator's board shows it
// (GET /v1/meetings/{id}/requests).
struct BoardRequest {
  std::string id;
  std::string supplier;
  std::string subject;  // the subject's ref
  RequestState status = RequestState::kOpen;
  TimePoint deadline;
  std::optional<TimePoint> answered_at;  // last answer or decline
  // A declined or failed request: the code and the text the supplier (or its
  // adapter) gave, from the case store while the meeting lives. A request
  // declined before codes has no code; a failure with a known code no text.
  std::optional<std::string> reason_code;
  std::optional<std::string> reason;
  bool operator==(const BoardRequest&) const = default;
};

// --- retention ---------------------------------------------------------------

struct ShreddedMeeting {
  std::string id;
  std::string overlegvorm;
  TimePoint closed_at;
  TimePoint retention_until;  // the extension when there was one
  bool operator==(const ShreddedMeeting&) const = default;
};
// A case (exchange/case_types.h) shredded after its retention.
struct ShreddedCase {
  std::string id;
  TimePoint closed_at, retention_until;
  bool operator==(const ShreddedCase&) const = default;
};
struct RetentionRun {
  std::vector<ShreddedMeeting> shredded;
  TimePoint at;
  // Meetings nobody closed, closed by the run after their ends_at (every
  // subject's outcome "geen-besluit"; retention from ends_at).
  std::vector<ClosedMeeting> closed;
  // Cases past their retention (with their notifications), and the ids of
  // notifications outside any case past theirs.
  std::vector<ShreddedCase> cases;
  std::vector<std::string> notifications;
  bool operator==(const RetentionRun&) const = default;
};

}  // namespace vh::exchange
