#pragma once
// The audit log in the formats of two standards, for tools that speak them
// (`vhgate audit export`, docs/audit-events.md "Exports"):
//
//   ldv      Logboek Dataverwerkingen (the Dutch government's logging
//            standard for data processing): one JSON object per line and
//            data subject: trace_id, span_id, status_code, name,
//            start_time, end_time, parent_span_id?, foreign_operation?,
//            resource {attributes}, attributes {dpl.core.processing_activity_id?
//            (the overlegvorm's processing_activity), dpl.core.data_subject_id?
//            (the subject pseudonym), dpl.core.data_subject_id_type?,
//            dpl.core.foreign_operation.*?, vhgate.*}.
//   nen7513  NEN 7513 (logging of access to health and care records): CSV
//            (RFC 4180, a header line) with one row per event and data
//            subject: who (CN, role, organisation, certificate, address),
//            whose data (subject pseudonym), when, what (the action, its
//            code and the fields), on whose authority (covenant, rules,
//            supplier, recipient), purpose and processing activity.
//
// An event about several persons (a dossier view, a new meeting) gives one
// record per person, as LDV requires; an event about nobody one without.
// Neither format holds a field value, a BSN or free text: the records hold
// what the events hold (ids, pseudonyms, decisions, rules).
//
// ExportAuditLog streams: it reads the log a page at a time (QueryFilter
// after_seq, kMaxAuditPageSize events) and writes each page's records before
// reading the next, so memory stays the same for any log size.
// Thread-safety: pure functions; the log is safe to read concurrently.

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "audit/event.h"
#include "audit/report.h"
#include "core/clock.h"
#include "core/json.h"

namespace vh::audit {

enum class ExportFormat { kLdv, kNen7513 };
// "ldv" or "nen7513"; nullopt otherwise.
std::optional<ExportFormat> ParseExportFormat(std::string_view name);
std::string_view ExportFormatName(ExportFormat format);

// LDV's `dpl.core.data_subject_id_type` of the pseudonyms (Pseudonymizer).
inline constexpr std::string_view kLdvSubjectIdType = "vhgate-pseudonym";

// The persons an event concerns: its parts' subjects (a dossier view), its
// subject, or the pseudonyms a meeting_created event names (detail.refs);
// empty when none.
std::vector<std::string> SubjectsOf(const StoredEvent& e);

// The LDV records of one event (one per subject, or one without a subject).
// `version` is the gateway's, for resource.attributes.
std::vector<Json> LdvRecords(const StoredEvent& e, const ReportContext& ctx,
                             std::string_view version);

// NEN 7513: the header and the rows of one event, and one CSV line (RFC 4180
// quoting; a cell starting with = + - @ gets a leading ' so that a
// spreadsheet does not run it).
const std::vector<std::string>& Nen7513Header();
std::vector<std::vector<std::string>> Nen7513Rows(const StoredEvent& e, const ReportContext& ctx);
std::string CsvLine(const std::vector<std::string>& cells);

struct ExportOptions {
  ExportFormat format = ExportFormat::kLdv;
  std::optional<TimePoint> from, to;  // time >= from, time < to
  std::string version;                // the gateway's (LDV resource)
  // Called after each page: events read so far and the log's last seq.
  std::function<void(int64_t events, int64_t last_seq)> progress;
};

struct ExportStats {
  int64_t events = 0;   // events exported
  int64_t records = 0;  // records (lines, rows) written, header not counted
};

// Writes every event of `log` matching the options, in seq order, to `out`.
// Unavailable when the log cannot be read or `out` fails.
Result<ExportStats> ExportAuditLog(const AuditLog& log, const ReportContext& ctx,
                                   const ExportOptions& options, std::ostream& out);

}  // namespace vh::audit
