#pragma once
// AuditService: what privacy officers and auditors ask of the audit log,
// without a transport (docs/audit-events.md). Both
// GET /v1/audit/events|report|verify (gateway/audit_routes.cc) and `vhgate
// audit query|report|verify` (audit/cli.cc) call it: they hand in the
// parameters as key/value text (query string or flags), who asks, and the
// covenant in force as values (a ReportContext: audit/ does not depend on
// policy/), and get values back to print or to send.
//
// Every call is itself an audit_query event, appended before anything is
// returned: actor and origin of the requester, the covenant stamp of the
// context, the filters (a BSN only as its pseudonym), the scope and the
// subject. When the event cannot be written the call fails (Unavailable
// "audit_unavailable") and discloses nothing.
//
// Role scoping: a requester whose partner is the covenant's house (the
// house's privacy officer; the CLI acts as the house) sees every event; any
// other partner's privacy officer only the events in which that partner
// supplied any part or received data, and of a dossier view only what it may
// read: as the view's recipient, the fields withheld from it without the
// partner holding them; as a supplier, only its own values (QueryFilter::
// scope_partner, audit/audit_store.h ScopeView). The report is scoped the
// same way. (Which roles may ask at all is the router's.)
//
// Parameters (kQueryFilters, kReportParams): an unknown name, a malformed
// value or a conflict is InvalidArgument "bad_query" whose message names the
// parameter as the caller spells it (`bsn` for HTTP, `--bsn` for the CLI).
// A `bsn` that is not a BSN passing the 11-proef once normalised
// (core/bsn.h) is Unprocessable "invalid_bsn" (HTTP 422): never "nothing was
// shared", and the message never holds the number.
//
// Export (audit/export.h: Logboek Dataverwerkingen, NEN 7513) and Prove
// (is V the value an event disclosed of a field?) are `vhgate audit export`
// and `vhgate audit prove`; both are audit_query events too.
//
// Thread-safety: the service holds no state of its own; its members are safe
// to call concurrently (the log is). Ownership: borrows the log and the
// clock, which must outlive it.

#include <array>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit_log.h"
#include "audit/event.h"
#include "audit/export.h"
#include "audit/report.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/json.h"
#include "core/status.h"

namespace vh::audit {

// Parameters by name, as given (HTTP query parameters, CLI flags without "--").
using Params = std::map<std::string, std::string>;

// A parameter the service accepts, with one line of help (for --help texts).
struct ParamSpec {
  const char* name;
  const char* help;
};
// The filters of Query: GET /v1/audit/events and `vhgate audit query`.
inline constexpr std::array<ParamSpec, 9> kQueryFilters = {{
    {"bsn", "a person's BSN (must pass the 11-proef); recorded as its pseudonym"},
    {"subject", "a subject pseudonym (64 hex)"},
    {"partner", "events in which this partner acted, supplied or received"},
    {"meeting", "events of this meeting"},
    {"type", "events of this type, e.g. dossier_disclosed"},
    {"from", "events at or after this time (RFC 3339)"},
    {"to", "events before this time (RFC 3339)"},
    {"limit", "events per page, 1..1000 (the CLI prints all pages without it)"},
    {"cursor", "the next_cursor of the page before"},
}};
// The parameters of Report: GET /v1/audit/report and `vhgate audit report`.
// The person is named by `bsn`, or by `meeting` and `ref` (a subject without
// a BSN; a subject with one is found too, and its report covers every
// meeting its BSN was in).
inline constexpr std::array<ParamSpec, 5> kReportParams = {{
    {"bsn", "the person's BSN (must pass the 11-proef); or give meeting and ref"},
    {"meeting", "with ref: the meeting the person was on the agenda of"},
    {"ref", "with meeting: the person's ref in that meeting (a subject without a BSN)"},
    {"format", "json (default) or html"},
    {"copy", "officer (default) or subject: the person's own copy"},
}};

// How a caller spells parameter names in messages: "" (HTTP) or "--" (CLI).
struct ParamStyle {
  std::string_view prefix;
};

// Whether `name` is one of kQueryFilters or kReportParams.
bool IsParamName(std::string_view name);

// A query as parsed from kQueryFilters.
struct ParsedQuery {
  QueryFilter filter;           // scope_partner is the service's to set
  Json shown = Json::object();  // the filters as the audit_query event records them
  bool limit_given = false;     // `limit` was given
};
Result<ParsedQuery> ParseQuery(const Params& params, const Pseudonymizer& pseudonymizer,
                               ParamStyle style = {});

// A report request as parsed from kReportParams.
struct ParsedReport {
  std::string subject;  // the pseudonym of the BSN; "" when named by meeting and ref
  std::string meeting;  // with ref_key: the meeting the person is named in
  std::string ref_key;  // Pseudonymizer::MeetingSubjectPseudonym(meeting, ref)
  bool html = false;
  bool subject_copy = false;
};
Result<ParsedReport> ParseReport(const Params& params, const Pseudonymizer& pseudonymizer,
                                 ParamStyle style = {});

// What Prove is asked: is `value` the value event `seq` disclosed (or
// accepted) of `field`?
struct ProveQuestion {
  int64_t seq = 0;
  std::string field;
  Json value;
};
struct ProveAnswer {
  bool matches = false;
  std::string type;    // the event's type
  int64_t values = 0;  // MACs of `field` the event holds (0: it disclosed none)
  // Where the value matched: the subject pseudonym and the supplier of each
  // entry whose MAC is the value's ("" where the event does not say).
  std::vector<std::pair<std::string, std::string>> where;
};

// Who asks, as the audit_query event records them.
struct Requester {
  Actor actor;  // actor.partner decides the scope (above)
  // Where the request came in, merged into the event's detail, e.g.
  // {"route": "/v1/audit/events"} or {"command": "query"}.
  Json origin = Json::object();
  std::string outcome = "ok";  // the event's outcome ("ok 200" through HTTP)
  ParamStyle style;            // how messages name its parameters
};

// The access report: its JSON (audit/report.h) and, when asked for, its
// HTML page.
struct AccessReport {
  Json json;
  std::string html;  // "" unless format=html
};

class AuditService {
 public:
  AuditService(AuditLog& log, const Clock& clock) : log_(log), clock_(clock) {}

  // "" for a requester who sees every event, else the partner to scope to.
  static std::string ScopeOf(const Actor& actor, const ReportContext& covenant);

  // One page of the events matching `params` (kQueryFilters); with
  // `all_pages` and no `limit`, every page.
  Result<QueryPage> Query(const Requester& who, const ReportContext& covenant, const Params& params,
                          bool all_pages = false) const;
  // The access report for the person `params` name (kReportParams). A
  // meeting and ref are resolved through the meeting's meeting_created
  // event (its detail "refs" maps each subject's MeetingSubjectPseudonym to
  // its pseudonym): NotFound when that meeting has no subject with that ref
  // that the requester may see an event of in that meeting (the question is
  // recorded all the same, outcome "refused 404").
  Result<AccessReport> Report(const Requester& who, const ReportContext& covenant,
                              const Params& params) const;
  // Verifies the log (AuditLog::Verify) and records that it did; a log that
  // is not intact is an ok Result with intact = false.
  Result<VerifyReport> Verify(const Requester& who, const ReportContext& covenant) const;
  // Writes the events `options` select in its format (audit/export.h),
  // after recording the export ({export: format, from, to}) as an
  // audit_query event; the requester must see every event (the house).
  // PermissionDenied for any other; Unavailable when the log cannot be read
  // or written, or `out` fails.
  Result<ExportStats> Export(const Requester& who, const ReportContext& covenant,
                             const ExportOptions& options, std::ostream& out) const;
  // Recomputes the keyed MAC of `q.value`'s canonical JSON for `q.field`
  // (Pseudonymizer::ValueMac) and compares it with every MAC of that field
  // in event `q.seq` (a dossier view's through its decision sets). Records
  // the question (event, field, whether it matched; never the value) as an
  // audit_query event before answering. NotFound "no_such_event" when there
  // is no event `q.seq`; the requester must see every event (the house).
  Result<ProveAnswer> Prove(const Requester& who, const ReportContext& covenant,
                            const ProveQuestion& q) const;
  // Records a verification made elsewhere (AuditVerifier, audit/verifier.h).
  Status RecordVerification(const Requester& who, const ReportContext& covenant,
                            const VerifyReport& report) const;
  // The keyed MAC (Pseudonymizer::TextMac) of a text the requester holds,
  // to compare with an event's `reason_mac` or `unknown_field_macs`: the log
  // never holds the text, so this is how an officer proves that a reason
  // (or a field name) is the one given. `purpose` is kReasonMac or
  // kFieldNameMac, `scope` the request or meeting id the event names
  // (parameter "id"); else 400 "bad_query" naming the parameter. Recorded
  // as an audit_query event (detail text_mac, purpose, id; never the text)
  // before the MAC is returned.
  Result<std::string> TextMac(const Requester& who, const ReportContext& covenant,
                              std::string_view purpose, std::string_view scope,
                              std::string_view text) const;

 private:
  Status Record(const Requester& who, const ReportContext& covenant, std::string subject,
                Json detail) const;
  // The pseudonym of the subject `ref_key` names in `meeting` (Report); for
  // a `scope`d requester only when it may see an event of that meeting about
  // that person (else NotFound, as for a ref the meeting does not have).
  Result<std::string> SubjectOfRef(const std::string& meeting, const std::string& ref_key,
                                   const std::string& scope) const;

  AuditLog& log_;
  const Clock& clock_;
};

// The JSON of GET /v1/audit/verify: {intact, events, last_checkpoint:
// {seq, time, hash} | null, problem?, first_bad_seq?}.
Json VerifyReportToJson(const VerifyReport& report);
// The JSON of GET /v1/audit/events: {events: [...], next_cursor: "n" | null}.
Json QueryPageToJson(const QueryPage& page);

}  // namespace vh::audit
