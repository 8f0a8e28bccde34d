#include "audit/export.h"

#include <algorithm>
#include <set>

#include "core/limits.h"
#include "crypto/hex.h"

namespace vh::audit {
namespace {

// LDV status: a refusal or a withheld field is a processing that ended as it
// should (the standard's Ok/Unset); "error" outcomes are the system's own
// failures.
std::string_view LdvStatus(std::string_view outcome) {
  if (outcome.rfind("error", 0) == 0) return "STATUS_CODE_ERROR";
  if (outcome.rfind("ok", 0) == 0 || outcome.rfind("refused", 0) == 0) return "STATUS_CODE_OK";
  return "STATUS_CODE_UNKNOWN";
}

// NEN 7513's action code (as IHE ATNA's EventActionCode): Create, Read,
// Update, Delete, Execute.
std::string_view ActionCode(std::string_view type) {
  static const std::pair<std::string_view, std::string_view> kCodes[] = {
      {kRequestSent, "C"},       {kAnswerReceived, "C"},    {kMeetingCreated, "C"},
      {kDeclarationSigned, "C"}, {kDossierDisclosed, "R"},  {kAccessRefused, "R"},
      {kAuditQuery, "R"},        {kPhaseChanged, "U"},      {kMeetingClosed, "U"},
      {kRequestDeclined, "U"},   {kRetentionExtended, "U"}, {kDataShredded, "D"}};
  for (const auto& [t, code] : kCodes) {
    if (t == type) return code;
  }
  return "E";  // field_withheld, policy_loaded, supplier_failed, audit_opened
}

std::string ProcessingActivity(const Event& e, const ReportContext& ctx) {
  auto it = ctx.overlegvormen.find(e.overlegvorm);
  return it == ctx.overlegvormen.end() ? std::string() : it->second.processing_activity;
}

std::string Hex(const crypto::Hash& h) { return crypto::ToHex(h.data(), h.size()); }

// The field decisions of the event about `subject` and their suppliers
// ("" when the event names one supplier for all).
void FieldsAbout(const Event& e, const std::string& subject, std::vector<FieldDecision>* fields,
                 std::vector<std::string>* from) {
  for (const SubjectPart& p : e.parts) {
    if (p.subject != subject) continue;
    *fields = p.fields;
    *from = p.from;
    return;
  }
  *fields = e.fields;
  from->assign(e.fields.size(), std::string());
}

// "casus.bekend_bij_partner:disclosed:B11:full:politie casus.x:withheld ...".
std::string FieldsCell(const std::vector<FieldDecision>& fields,
                       const std::vector<std::string>& from) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const FieldDecision& f = fields[i];
    if (!out.empty()) out += ' ';
    out += f.field + ":" + f.decision;
    if (!f.rule.empty()) out += ":" + f.rule;
    if (!f.transform.empty()) out += ":" + f.transform;
    if (i < from.size() && !from[i].empty()) out += ":" + from[i];
  }
  return out;
}

std::string RulesCell(const std::vector<FieldDecision>& fields) {
  std::set<std::string> rules;
  for (const FieldDecision& f : fields) {
    if (!f.rule.empty()) rules.insert(f.rule);
  }
  std::string out;
  for (const std::string& r : rules) out += (out.empty() ? "" : " ") + r;
  return out;
}

Status Written(const std::ostream& out) {
  if (out) return Status::Ok();
  return Status::Unavailable("export_failed", "the export could not be written");
}

}  // namespace

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "ldv") return ExportFormat::kLdv;
  if (name == "nen7513") return ExportFormat::kNen7513;
  return std::nullopt;
}

std::string_view ExportFormatName(ExportFormat format) {
  return format == ExportFormat::kLdv ? "ldv" : "nen7513";
}

std::vector<std::string> SubjectsOf(const StoredEvent& se) {
  const Event& e = se.event;
  std::vector<std::string> out;
  if (!e.parts.empty()) {
    for (const SubjectPart& p : e.parts) out.push_back(p.subject);
  } else if (!e.subject.empty()) {
    out.push_back(e.subject);
  } else if (e.type == kMeetingCreated && e.detail.is_object()) {
    auto refs = e.detail.find("refs");
    if (refs != e.detail.end() && refs->is_object()) {
      std::set<std::string> distinct;
      for (const auto& [key, pseudonym] : refs->items()) {
        if (pseudonym.is_string()) distinct.insert(pseudonym.get<std::string>());
      }
      out.assign(distinct.begin(), distinct.end());
    }
  }
  return out;
}

std::vector<Json> LdvRecords(const StoredEvent& se, const ReportContext& ctx,
                             std::string_view version) {
  const Event& e = se.event;
  Json base = Json::object();
  base["trace_id"] = e.trace.trace_id;
  base["span_id"] = e.trace.span_id;
  base["status_code"] = LdvStatus(e.outcome);
  base["name"] = e.type;
  base["start_time"] = e.trace.start_time.empty() ? se.time : e.trace.start_time;
  base["end_time"] = se.time;
  if (!e.trace.parent_span_id.empty()) base["parent_span_id"] = e.trace.parent_span_id;
  Json attributes = Json::object();
  if (std::string pa = ProcessingActivity(e, ctx); !pa.empty()) {
    attributes["dpl.core.processing_activity_id"] = pa;
  }
  if (!e.trace.foreign_span_id.empty()) {
    base["foreign_operation"] = {{"trace_id", e.trace.foreign_trace_id},
                                 {"span_id", e.trace.foreign_span_id},
                                 {"entity", e.trace.foreign_entity}};
    attributes["dpl.core.foreign_operation.span_id"] = e.trace.foreign_span_id;
    attributes["dpl.core.foreign_operation.processor"] = e.trace.foreign_entity;
  }
  // This gateway's own namespace: where the record comes from in its log.
  attributes["vhgate.event.seq"] = se.seq;
  attributes["vhgate.event.hash"] = Hex(se.hash);
  attributes["vhgate.outcome"] = e.outcome;
  if (!e.meeting.empty()) attributes["vhgate.meeting"] = e.meeting;
  if (!e.overlegvorm.empty()) attributes["vhgate.overlegvorm"] = e.overlegvorm;
  Json resource_attributes = {{"service.name", "vhgate"}, {"service.version", version}};
  if (!ctx.house.empty()) resource_attributes["vhgate.house"] = ctx.house;
  base["resource"] = {{"attributes", std::move(resource_attributes)}};

  std::vector<Json> out;
  const std::vector<std::string> subjects = SubjectsOf(se);
  if (subjects.empty()) {
    base["attributes"] = std::move(attributes);
    out.push_back(std::move(base));
    return out;
  }
  for (const std::string& subject : subjects) {
    Json record = base;
    Json a = attributes;
    a["dpl.core.data_subject_id"] = subject;
    a["dpl.core.data_subject_id_type"] = kLdvSubjectIdType;
    record["attributes"] = std::move(a);
    out.push_back(std::move(record));
  }
  return out;
}

const std::vector<std::string>& Nen7513Header() {
  static const std::vector<std::string> kHeader = {"seq",
                                                   "time",
                                                   "action",
                                                   "action_code",
                                                   "outcome",
                                                   "user_id",
                                                   "user_role",
                                                   "user_organisation",
                                                   "user_certificate",
                                                   "user_address",
                                                   "data_subject",
                                                   "data",
                                                   "supplier",
                                                   "recipient",
                                                   "meeting",
                                                   "overlegvorm",
                                                   "covenant",
                                                   "rules",
                                                   "purpose",
                                                   "processing_activity",
                                                   "trace_id",
                                                   "span_id",
                                                   "event_hash"};
  return kHeader;
}

std::vector<std::vector<std::string>> Nen7513Rows(const StoredEvent& se, const ReportContext& ctx) {
  const Event& e = se.event;
  std::vector<std::string> subjects = SubjectsOf(se);
  if (subjects.empty()) subjects.push_back("");
  std::string supplier = e.supplier;
  if (supplier.empty() && !e.suppliers.empty()) {
    for (const std::string& s : e.suppliers) supplier += (supplier.empty() ? "" : " ") + s;
  }
  const std::string covenant =
      e.covenant.id.empty()
          ? std::string()
          : e.covenant.id + " " + e.covenant.version + " sha256:" + e.covenant.sha256.substr(0, 16);
  std::vector<std::vector<std::string>> rows;
  for (const std::string& subject : subjects) {
    std::vector<FieldDecision> fields;
    std::vector<std::string> from;
    FieldsAbout(e, subject, &fields, &from);
    rows.push_back({std::to_string(se.seq),
                    se.time,
                    e.type,
                    std::string(ActionCode(e.type)),
                    e.outcome,
                    e.actor.cn,
                    e.actor.role,
                    e.actor.partner,
                    e.actor.fingerprint,
                    e.actor.remote,
                    subject,
                    FieldsCell(fields, from),
                    supplier,
                    e.recipient,
                    e.meeting,
                    e.overlegvorm,
                    covenant,
                    RulesCell(fields),
                    e.purpose,
                    ProcessingActivity(e, ctx),
                    e.trace.trace_id,
                    e.trace.span_id,
                    Hex(se.hash)});
  }
  return rows;
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    std::string cell = cells[i];
    if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@')) {
      cell.insert(cell.begin(), '\'');
    }
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
      out += cell;
      continue;
    }
    out += '"';
    for (char c : cell) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
  return out;
}

Result<ExportStats> ExportAuditLog(const AuditLog& log, const ReportContext& ctx,
                                   const ExportOptions& options, std::ostream& out) {
  ExportStats stats;
  if (options.format == ExportFormat::kNen7513) {
    out << CsvLine(Nen7513Header());
    VH_RETURN_IF_ERROR(Written(out));
  }
  QueryFilter f;
  f.from = options.from;
  f.to = options.to;
  f.limit = limits::kMaxAuditPageSize;
  const int64_t last = log.last_seq();
  for (;;) {
    auto page = log.Query(f);
    if (!page.ok()) return page.status();
    for (const StoredEvent& e : page->events) {
      ++stats.events;
      if (options.format == ExportFormat::kLdv) {
        for (const Json& record : LdvRecords(e, ctx, options.version)) {
          out << DumpJson(record) << '\n';
          ++stats.records;
        }
      } else {
        for (const auto& row : Nen7513Rows(e, ctx)) {
          out << CsvLine(row);
          ++stats.records;
        }
      }
    }
    VH_RETURN_IF_ERROR(Written(out));
    if (options.progress) options.progress(stats.events, std::max(last, log.last_seq()));
    if (page->next_cursor == 0) break;
    f.after_seq = page->next_cursor;
  }
  out.flush();
  VH_RETURN_IF_ERROR(Written(out));
  return stats;
}

}  // namespace vh::audit
