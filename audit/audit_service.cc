#include "audit/audit_service.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <optional>
#include <utility>

#include "audit/audit_keys.h"
#include "audit/verifier.h"
#include "core/bsn.h"
#include "core/limits.h"
#include "crypto/hex.h"
#include "crypto/primitives.h"

namespace vh::audit {
namespace {

std::string NameOf(ParamStyle style, std::string_view name) {
  return std::string(style.prefix) + std::string(name);
}

Status BadQuery(std::string message) {
  return Status::InvalidArgument("bad_query", std::move(message));
}

std::string ParamOf(const Params& params, const char* key) {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

// Every name must be one of `specs` and every value non-empty: a misspelt
// or blank parameter is never read as "any". The message lists the names
// there are and never repeats the one given (it may be anything, a BSN too).
template <std::size_t N>
Status CheckNames(const Params& params, const std::array<ParamSpec, N>& specs, ParamStyle style,
                  const char* what) {
  for (const auto& [key, value] : params) {
    if (std::none_of(specs.begin(), specs.end(),
                     [&](const ParamSpec& spec) { return key == spec.name; })) {
      std::string known;
      for (const ParamSpec& spec : specs) {
        known.append(known.empty() ? "" : ", ").append(NameOf(style, spec.name));
      }
      return BadQuery(std::string("unknown ") + what + "; the " + what + "s are " + known);
    }
    if (value.empty()) {
      return BadQuery(NameOf(style, key) + " is empty (leave it out to mean any)");
    }
  }
  return Status::Ok();
}

// A meeting id: "m-" and hex digits (the case store makes 32).
bool IsMeetingId(std::string_view s) {
  return s.size() > 2 && s.size() <= 66 && s.substr(0, 2) == "m-" &&
         crypto::IsLowerHex(s.substr(2));
}

Result<int64_t> WholeNumber(const std::string& text, const std::string& name) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0) {
    return BadQuery(name + " must be a whole number");
  }
  return v;
}

// The pseudonym of a BSN as a person gives it; Unprocessable "invalid_bsn"
// unless it passes the 11-proef. The message names the parameter only.
Result<std::string> PseudonymOfBsn(const std::string& text, const Pseudonymizer& pseudonymizer,
                                   const std::string& name) {
  std::optional<std::string> digits = NormaliseBsn(text);
  const bool valid = digits && IsValidBsn(*digits);
  if (digits) sodium_memzero(digits->data(), digits->size());
  if (!valid) {
    return Status::Unprocessable("invalid_bsn",
                                 name + " is not a valid BSN (it must pass the 11-proef)");
  }
  return pseudonymizer.SubjectPseudonym(text);
}

}  // namespace

bool IsParamName(std::string_view name) {
  auto named = [&](const ParamSpec& spec) { return name == spec.name; };
  return std::any_of(kQueryFilters.begin(), kQueryFilters.end(), named) ||
         std::any_of(kReportParams.begin(), kReportParams.end(), named);
}

Result<ParsedQuery> ParseQuery(const Params& params, const Pseudonymizer& pseudonymizer,
                               ParamStyle style) {
  VH_RETURN_IF_ERROR(CheckNames(params, kQueryFilters, style, "filter"));
  ParsedQuery q;
  QueryFilter& f = q.filter;
  if (std::string bsn = ParamOf(params, "bsn"); !bsn.empty()) {
    auto subject = PseudonymOfBsn(bsn, pseudonymizer, NameOf(style, "bsn"));
    sodium_memzero(bsn.data(), bsn.size());
    if (!subject.ok()) return subject.status();
    f.subject = std::move(*subject);
  }
  if (std::string s = ParamOf(params, "subject"); !s.empty()) {
    if (s.size() != 64 || !crypto::IsLowerHex(s)) {
      return BadQuery(NameOf(style, "subject") + " is not a subject pseudonym (64 hex digits)");
    }
    if (!f.subject.empty() && f.subject != s) {
      return BadQuery(NameOf(style, "bsn") + " and " + NameOf(style, "subject") +
                      " name different people");
    }
    f.subject = s;
  }
  if (!f.subject.empty()) q.shown["subject"] = f.subject;  // never the BSN itself
  f.partner = ParamOf(params, "partner");
  f.meeting = ParamOf(params, "meeting");
  if (!f.meeting.empty() && !IsMeetingId(f.meeting)) {
    return BadQuery(NameOf(style, "meeting") + " is not a meeting id (m- and hex digits)");
  }
  f.type = ParamOf(params, "type");
  if (!f.type.empty() && !IsKnownEventType(f.type)) {
    // A mistyped type would otherwise answer "nothing found".
    return BadQuery(NameOf(style, "type") + " is not an event type (see --help)");
  }
  if (!f.partner.empty()) q.shown["partner"] = f.partner;
  if (!f.meeting.empty()) q.shown["meeting"] = f.meeting;
  if (!f.type.empty()) q.shown["type"] = f.type;
  for (const char* k : {"from", "to"}) {
    std::string v = ParamOf(params, k);
    if (v.empty()) continue;
    auto t = ParseUtc(v);
    if (!t) return BadQuery(NameOf(style, k) + " is not an RFC 3339 time");
    (std::string_view(k) == "from" ? f.from : f.to) = *t;
    q.shown[k] = v;
  }
  if (std::string v = ParamOf(params, "limit"); !v.empty()) {
    const std::string name = NameOf(style, "limit");
    auto n = WholeNumber(v, name);
    if (!n.ok()) return n.status();
    if (*n < 1 || *n > static_cast<int64_t>(limits::kMaxAuditPageSize)) {
      return BadQuery(name + " must be 1.." + std::to_string(limits::kMaxAuditPageSize));
    }
    f.limit = static_cast<std::size_t>(*n);
    q.limit_given = true;
  }
  if (std::string v = ParamOf(params, "cursor"); !v.empty()) {
    auto n = WholeNumber(v, NameOf(style, "cursor"));
    if (!n.ok()) return n.status();
    f.after_seq = *n;
  }
  return q;
}

Result<ParsedReport> ParseReport(const Params& params, const Pseudonymizer& pseudonymizer,
                                 ParamStyle style) {
  VH_RETURN_IF_ERROR(CheckNames(params, kReportParams, style, "parameter"));
  std::string bsn = ParamOf(params, "bsn");
  std::string format = ParamOf(params, "format");
  std::string copy = ParamOf(params, "copy");
  const std::string meeting = ParamOf(params, "meeting");
  std::string ref = ParamOf(params, "ref");
  if (bsn.empty() && meeting.empty() && ref.empty()) {
    return BadQuery(NameOf(style, "bsn") + " (or " + NameOf(style, "meeting") + " and " +
                    NameOf(style, "ref") + ") is required");
  }
  if (!bsn.empty() && (!meeting.empty() || !ref.empty())) {
    sodium_memzero(bsn.data(), bsn.size());
    return BadQuery("give " + NameOf(style, "bsn") + ", or " + NameOf(style, "meeting") + " and " +
                    NameOf(style, "ref") + ", not both");
  }
  if (bsn.empty() && (meeting.empty() || ref.empty())) {
    return BadQuery(NameOf(style, meeting.empty() ? "meeting" : "ref") + " is required with " +
                    NameOf(style, meeting.empty() ? "ref" : "meeting"));
  }
  if (!meeting.empty() && !IsMeetingId(meeting)) {
    return BadQuery(NameOf(style, "meeting") + " is not a meeting id (m- and hex digits)");
  }
  if (!format.empty() && format != "json" && format != "html") {
    return BadQuery(NameOf(style, "format") + " must be json or html");
  }
  if (!copy.empty() && copy != "officer" && copy != "subject") {
    return BadQuery(NameOf(style, "copy") + " must be officer or subject");
  }
  ParsedReport r;
  if (bsn.empty()) {
    r.meeting = meeting;
    r.ref_key = pseudonymizer.MeetingSubjectPseudonym(meeting, ref);
    sodium_memzero(ref.data(), ref.size());
  } else {
    auto subject = PseudonymOfBsn(bsn, pseudonymizer, NameOf(style, "bsn"));
    sodium_memzero(bsn.data(), bsn.size());
    if (!subject.ok()) return subject.status();
    r.subject = std::move(*subject);
  }
  r.html = format == "html";
  r.subject_copy = copy == "subject";
  return r;
}

std::string AuditService::ScopeOf(const Actor& actor, const ReportContext& covenant) {
  return actor.partner == covenant.house ? std::string() : actor.partner;
}

Status AuditService::Record(const Requester& who, const ReportContext& covenant,
                            std::string subject, Json detail) const {
  Event e;
  e.type = kAuditQuery;
  e.actor = who.actor;
  e.covenant = covenant.covenant;
  e.subject = std::move(subject);
  if (who.origin.is_object()) {
    for (const auto& [k, v] : who.origin.items()) detail[k] = v;
  }
  e.detail = std::move(detail);
  e.outcome = who.outcome;
  return log_.Append(std::move(e)).status();
}

Result<QueryPage> AuditService::Query(const Requester& who, const ReportContext& covenant,
                                      const Params& params, bool all_pages) const {
  auto parsed = ParseQuery(params, log_.pseudonymizer(), who.style);
  if (!parsed.ok()) return parsed.status();
  QueryFilter& f = parsed->filter;
  f.scope_partner = ScopeOf(who.actor, covenant);
  all_pages = all_pages && !parsed->limit_given;
  const bool first_page = f.after_seq == 0;
  if (all_pages) f.limit = limits::kMaxAuditPageSize;
  QueryPage result;
  for (;;) {
    auto page = log_.Query(f);
    if (!page.ok()) return page.status();
    result.next_cursor = page->next_cursor;
    if (result.events.empty()) {
      result.events = std::move(page->events);
    } else {
      for (auto& e : page->events) result.events.push_back(std::move(e));
    }
    if (!all_pages || result.next_cursor == 0) break;
    f.after_seq = result.next_cursor;
  }
  // A partner the covenant does not have finds events only where the log
  // names it (a partner since removed); otherwise it is a typo, not "none".
  if (!f.partner.empty() && result.events.empty() && first_page && f.partner != covenant.house &&
      !covenant.partner_names.count(f.partner)) {
    return BadQuery(NameOf(who.style, "partner") +
                    " is not a partner of the covenant in force, and no event you may see names "
                    "it");
  }
  // Nothing is disclosed without its event.
  VH_RETURN_IF_ERROR(Record(
      who, covenant, f.subject,
      {{"filters", parsed->shown}, {"scope", f.scope_partner}, {"results", result.events.size()}}));
  return result;
}

Result<AccessReport> AuditService::Report(const Requester& who, const ReportContext& covenant,
                                          const Params& params) const {
  auto parsed = ParseReport(params, log_.pseudonymizer(), who.style);
  if (!parsed.ok()) return parsed.status();
  const std::string scope = ScopeOf(who.actor, covenant);
  if (parsed->subject.empty()) {
    // A ref resolves only in a meeting where the requester may see an event
    // about that person: a partner's officer cannot learn which refs another
    // meeting has. Either way the question is recorded.
    auto subject = SubjectOfRef(parsed->meeting, parsed->ref_key, scope);
    if (!subject.ok()) {
      if (subject.status().code() != Code::kNotFound) return subject.status();
      Requester missed = who;
      missed.outcome = "refused 404";
      VH_RETURN_IF_ERROR(Record(
          missed, covenant, "",
          {{"report", true}, {"meeting", parsed->meeting}, {"scope", scope}, {"entries", 0}}));
      return subject.status();
    }
    parsed->subject = std::move(*subject);
  }
  QueryFilter f;
  f.subject = parsed->subject;
  f.scope_partner = scope;
  f.chronological_all = true;
  auto page = log_.Query(f);
  if (!page.ok()) return page.status();
  ReportOptions ro;
  ro.subject_copy = parsed->subject_copy;
  AccessReport report;
  report.json = BuildAccessReport(page->events, covenant, ro, clock_.Now());
  // The person asked about, also when nothing was recorded about them.
  report.json["subject"] = f.subject;
  Json detail = {{"report", true},
                 {"format", parsed->html ? "html" : "json"},
                 {"copy", ro.subject_copy ? "subject" : "officer"},
                 {"scope", f.scope_partner},
                 {"entries", report.json["entries"].size()}};
  if (!parsed->meeting.empty()) detail["meeting"] = parsed->meeting;
  VH_RETURN_IF_ERROR(Record(who, covenant, f.subject, std::move(detail)));
  if (parsed->html) report.html = RenderAccessReportHtml(report.json);
  return report;
}

Result<std::string> AuditService::TextMac(const Requester& who, const ReportContext& covenant,
                                          std::string_view purpose, std::string_view scope,
                                          std::string_view text) const {
  if (purpose != kReasonMac && purpose != kFieldNameMac) {
    return BadQuery(NameOf(who.style, "purpose") + " must be " + std::string(kReasonMac) + " or " +
                    std::string(kFieldNameMac));
  }
  // A request or meeting id: what the event names, never free text.
  const bool id_like =
      !scope.empty() && scope.size() <= 128 && std::all_of(scope.begin(), scope.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      });
  if (!id_like) {
    return BadQuery(NameOf(who.style, "id") + " must be the request or meeting id of the event");
  }
  VH_RETURN_IF_ERROR(Record(who, covenant, "",
                            {{"text_mac", true},
                             {"purpose", std::string(purpose)},
                             {"id", std::string(scope)},
                             {"scope", ScopeOf(who.actor, covenant)}}));
  return log_.pseudonymizer().TextMac(purpose, scope, text);
}

Result<std::string> AuditService::SubjectOfRef(const std::string& meeting,
                                               const std::string& ref_key,
                                               const std::string& scope) const {
  QueryFilter f;
  f.meeting = meeting;
  f.type = kMeetingCreated;
  f.chronological_all = true;
  auto page = log_.Query(f);
  if (!page.ok()) return page.status();
  for (const StoredEvent& se : page->events) {
    const Json& detail = se.event.detail;
    if (!detail.is_object()) continue;
    auto refs = detail.find("refs");
    if (refs == detail.end() || !refs->is_object()) continue;
    auto it = refs->find(ref_key);
    if (it == refs->end() || !it->is_string()) continue;
    if (!scope.empty()) {
      QueryFilter seen;
      seen.meeting = meeting;
      seen.subject = it->get<std::string>();
      seen.scope_partner = scope;
      seen.limit = 1;
      auto any = log_.Query(seen);
      if (!any.ok()) return any.status();
      if (any->events.empty()) break;
    }
    return it->get<std::string>();
  }
  return Status::NotFound("the audit log names no subject with this ref in this meeting");
}

Result<ExportStats> AuditService::Export(const Requester& who, const ReportContext& covenant,
                                         const ExportOptions& options, std::ostream& out) const {
  if (!ScopeOf(who.actor, covenant).empty()) {
    return Status::PermissionDenied("only the house exports the whole audit log");
  }
  Json detail = {{"export", ExportFormatName(options.format)}};
  if (options.from) detail["from"] = FormatUtc(*options.from);
  if (options.to) detail["to"] = FormatUtc(*options.to);
  VH_RETURN_IF_ERROR(Record(who, covenant, "", std::move(detail)));
  return ExportAuditLog(log_, covenant, options, out);
}

Result<ProveAnswer> AuditService::Prove(const Requester& who, const ReportContext& covenant,
                                        const ProveQuestion& q) const {
  if (!ScopeOf(who.actor, covenant).empty()) {
    return Status::PermissionDenied("only the house proves disclosed values");
  }
  QueryFilter f;
  f.after_seq = q.seq - 1;
  f.limit = 1;
  auto page = q.seq > 0 ? log_.Query(f) : Result<QueryPage>(QueryPage{});
  if (!page.ok()) return page.status();
  if (page->events.empty() || page->events[0].seq != q.seq) {
    return Status::Make(Code::kNotFound, "no_such_event",
                        "the audit log has no event " + std::to_string(q.seq));
  }
  const Event& e = page->events[0].event;
  std::string mac = log_.pseudonymizer().ValueMac(q.field, q.value);
  ProveAnswer answer;
  answer.type = e.type;
  auto check = [&](const std::vector<FieldDecision>& fields, const std::vector<std::string>& from,
                   const std::string& subject) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].field != q.field || fields[i].value_mac.empty()) continue;
      ++answer.values;
      const std::string& stored = fields[i].value_mac;
      if (stored.size() == mac.size() &&
          crypto::ConstantTimeEqual(reinterpret_cast<const uint8_t*>(stored.data()),
                                    reinterpret_cast<const uint8_t*>(mac.data()), mac.size())) {
        answer.where.emplace_back(subject, i < from.size() ? from[i] : e.supplier);
      }
    }
  };
  check(e.fields, {}, e.subject);
  for (const SubjectPart& p : e.parts) check(p.fields, p.from, p.subject);
  answer.matches = !answer.where.empty();
  sodium_memzero(mac.data(), mac.size());
  // The subject the answer concerns, so that the person's report shows the check.
  const std::string subject = answer.matches ? answer.where[0].first : e.subject;
  VH_RETURN_IF_ERROR(
      Record(who, covenant, subject,
             {{"prove", {{"event", q.seq}, {"field", q.field}}}, {"matches", answer.matches}}));
  return answer;
}

Result<VerifyReport> AuditService::Verify(const Requester& who,
                                          const ReportContext& covenant) const {
  auto report = log_.Verify();
  if (!report.ok()) return report.status();
  VH_RETURN_IF_ERROR(RecordVerification(who, covenant, *report));
  return report;
}

Status AuditService::RecordVerification(const Requester& who, const ReportContext& covenant,
                                        const VerifyReport& report) const {
  return Record(who, covenant, "",
                {{"verify", true}, {"intact", report.intact}, {"events", report.events}});
}

Json VerifyReportToJson(const VerifyReport& rep) {
  Json body = {{"intact", rep.intact}, {"events", rep.events}};
  if (rep.last_checkpoint) {
    const Checkpoint& cp = *rep.last_checkpoint;
    body["last_checkpoint"] = {{"seq", cp.seq},
                               {"time", cp.time},
                               {"hash", crypto::ToHex(cp.hash.data(), cp.hash.size())}};
  } else {
    body["last_checkpoint"] = nullptr;
  }
  if (!rep.intact) {
    body["problem"] = rep.problem;
    body["first_bad_seq"] = rep.first_bad_seq;
  }
  return body;
}

Json QueryPageToJson(const QueryPage& page) {
  Json events = Json::array();
  for (const auto& e : page.events) events.push_back(EventToJson(e));
  return {
      {"events", std::move(events)},
      {"next_cursor", page.next_cursor ? Json(std::to_string(page.next_cursor)) : Json(nullptr)}};
}

}  // namespace vh::audit
