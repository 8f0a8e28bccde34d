#include "audit/event.h"

#include <array>

#include "crypto/hex.h"

namespace vh::audit {
namespace {

constexpr std::string_view kCanonicalTag = "vh-audit-event-v1";

void PutFramed(std::string* out, std::string_view s) {
  uint64_t n = s.size();
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((n >> (i * 8)) & 0xff));
  out->append(s);
}

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::string();
  return it->get<std::string>();
}

}  // namespace

bool IsKnownEventType(std::string_view type) {
  for (auto t : kEventTypes) {
    if (t == type) return true;
  }
  return false;
}

namespace {

// A JSON string exactly as nlohmann's dump (error handler "replace") writes
// it: printable ASCII without quote or backslash is copied, anything else
// goes through nlohmann.
void PutString(std::string* out, std::string_view v) {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e || c == '"' || c == '\\') {
      out->append(DumpJson(Json(std::string(v))));
      return;
    }
  }
  out->push_back('"');
  out->append(v);
  out->push_back('"');
}

// `"key":` (after a comma unless first). Callers write keys sorted, as
// nlohmann's std::map-backed objects dump them.
void PutKey(std::string* out, std::string_view key, bool first = false) {
  if (!first) out->push_back(',');
  out->push_back('"');
  out->append(key);
  out->append("\":");
}
void PutField(std::string* out, std::string_view key, std::string_view value, bool first = false) {
  PutKey(out, key, first);
  PutString(out, value);
}

// `[{decision, field, reason, rule, transform, value_mac}, ...]`, keys sorted.
void PutDecisions(std::string* out, const std::vector<FieldDecision>& fields) {
  out->push_back('[');
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const FieldDecision& f = fields[i];
    if (i > 0) out->push_back(',');
    out->push_back('{');
    PutField(out, "decision", f.decision, true);
    PutField(out, "field", f.field);
    PutField(out, "reason", f.reason);
    PutField(out, "rule", f.rule);
    PutField(out, "transform", f.transform);
    PutField(out, "value_mac", f.value_mac);
    out->push_back('}');
  }
  out->push_back(']');
}

void ReadDecisions(const Json& fs, std::vector<FieldDecision>* out) {
  out->clear();
  if (!fs.is_array()) return;
  for (const auto& f : fs) {
    if (!f.is_object()) continue;
    out->push_back({Str(f, "field"), Str(f, "decision"), Str(f, "rule"), Str(f, "transform"),
                    Str(f, "reason"), Str(f, "value_mac")});
  }
}

// `{"foreign_operation": {entity, span_id, trace_id}?, "parent_span_id"?,
// "span_id", "start_time"?, "trace_id"}`, keys sorted, empty ones left out.
void PutTrace(std::string* out, const TraceRef& t) {
  out->push_back('{');
  bool first = true;
  if (!t.foreign_span_id.empty()) {
    PutKey(out, "foreign_operation", first);
    first = false;
    out->push_back('{');
    PutField(out, "entity", t.foreign_entity, true);
    PutField(out, "span_id", t.foreign_span_id);
    PutField(out, "trace_id", t.foreign_trace_id);
    out->push_back('}');
  }
  const std::pair<const char*, const std::string*> kMembers[] = {
      {"parent_span_id", &t.parent_span_id},
      {"span_id", &t.span_id},
      {"start_time", &t.start_time},
      {"trace_id", &t.trace_id}};
  for (const auto& [key, value] : kMembers) {
    if (value->empty()) continue;
    PutField(out, key, *value, first);
    first = false;
  }
  out->push_back('}');
}

void ReadTrace(const Json& t, TraceRef* out) {
  *out = TraceRef();
  if (!t.is_object()) return;
  out->trace_id = Str(t, "trace_id");
  out->span_id = Str(t, "span_id");
  out->parent_span_id = Str(t, "parent_span_id");
  out->start_time = Str(t, "start_time");
  if (auto f = t.find("foreign_operation"); f != t.end() && f->is_object()) {
    out->foreign_trace_id = Str(*f, "trace_id");
    out->foreign_span_id = Str(*f, "span_id");
    out->foreign_entity = Str(*f, "entity");
  }
}

Json TraceToJson(const TraceRef& t) {
  Json j = {{"trace_id", t.trace_id}, {"span_id", t.span_id}};
  if (!t.parent_span_id.empty()) j["parent_span_id"] = t.parent_span_id;
  if (!t.start_time.empty()) j["start_time"] = t.start_time;
  if (!t.foreign_span_id.empty()) {
    j["foreign_operation"] = {{"trace_id", t.foreign_trace_id},
                              {"span_id", t.foreign_span_id},
                              {"entity", t.foreign_entity}};
  }
  return j;
}

// `[{set, shown, subject, withheld}, ...]`, keys sorted.
void PutParts(std::string* out, const std::vector<SubjectPart>& parts) {
  out->push_back('[');
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const SubjectPart& p = parts[i];
    if (i > 0) out->push_back(',');
    out->push_back('{');
    PutField(out, "set", p.set, true);
    PutKey(out, "shown");
    out->append(std::to_string(p.shown));
    PutField(out, "subject", p.subject);
    PutKey(out, "withheld");
    out->append(std::to_string(p.withheld));
    out->push_back('}');
  }
  out->push_back(']');
}

void ReadParts(const Json& ps, std::vector<SubjectPart>* out) {
  out->clear();
  if (!ps.is_array()) return;
  for (const auto& p : ps) {
    if (!p.is_object()) continue;
    SubjectPart part;
    part.subject = Str(p, "subject");
    part.set = Str(p, "set");
    auto count = [&](const char* key) {
      auto it = p.find(key);
      return it != p.end() && it->is_number_integer() ? it->get<int64_t>() : int64_t{0};
    };
    part.shown = count("shown");
    part.withheld = count("withheld");
    out->push_back(std::move(part));
  }
}

Json DecisionsToJson(const std::vector<FieldDecision>& decisions) {
  Json fields = Json::array();
  for (const auto& f : decisions) {
    Json fj = {{"field", f.field}, {"decision", f.decision}};
    if (!f.rule.empty()) fj["rule"] = f.rule;
    if (!f.transform.empty()) fj["transform"] = f.transform;
    if (!f.reason.empty()) fj["reason"] = f.reason;
    if (!f.value_mac.empty()) fj["value_mac"] = f.value_mac;
    fields.push_back(std::move(fj));
  }
  return fields;
}

Result<Json> ParseStored(std::string_view text, const char* what) {
  JsonLimits lim;
  lim.max_bytes = text.size() + 1;
  lim.max_depth = 64;
  auto parsed = ParseJson(text, lim);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::InvalidArgument("bad_event", std::string(what) + " is not a JSON object");
  }
  return parsed;
}

}  // namespace

std::string SubjectColumn(const Event& e) {
  if (!e.parts_list.empty()) return e.parts_list;
  if (e.parts.empty()) return e.subject;
  std::string out;
  out.reserve(e.parts.size() * (e.parts[0].subject.size() + 1));
  for (const auto& p : e.parts) {
    if (!out.empty()) out.push_back(' ');
    out.append(p.subject);
  }
  return out;
}

std::string SupplierColumn(const Event& e) {
  if (e.suppliers.empty()) return e.supplier;
  std::string out;
  for (const auto& s : e.suppliers) {
    if (!out.empty()) out.push_back(' ');
    out.append(s);
  }
  return out;
}

std::shared_ptr<const DecisionSet> MakeDecisionSet(const std::vector<FieldDecision>& fields,
                                                   const std::vector<std::string>& from) {
  auto set = std::make_shared<DecisionSet>();
  std::string& out = set->body;
  out.reserve(32 + fields.size() * 180);
  out.push_back('{');
  PutKey(&out, "fields", true);
  PutDecisions(&out, fields);
  PutKey(&out, "from");
  out.push_back('[');
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (i > 0) out.push_back(',');
    PutString(&out, from[i]);
  }
  out.append("]}");
  set->digest = crypto::ContentHash(out);
  set->hex = crypto::ToHex(set->digest.data(), set->digest.size());
  return set;
}

Status ParseDecisionSet(std::string_view body, std::vector<FieldDecision>* fields,
                        std::vector<std::string>* from) {
  auto j = ParseStored(body, "decision set");
  if (!j.ok()) return j.status();
  auto fs = j->find("fields");
  auto fr = j->find("from");
  if (fs == j->end() || !fs->is_array() || fr == j->end() || !fr->is_array()) {
    return Status::InvalidArgument("bad_event", "decision set lacks fields or from");
  }
  ReadDecisions(*fs, fields);
  from->clear();
  for (const auto& x : *fr) from->push_back(x.is_string() ? x.get<std::string>() : std::string());
  return Status::Ok();
}

std::shared_ptr<const PartList> MakePartList(const std::vector<SubjectPart>& parts) {
  auto list = std::make_shared<PartList>();
  std::string& out = list->body;
  out.reserve(16 + parts.size() * 180);
  out.push_back('{');
  PutKey(&out, "parts", true);
  PutParts(&out, parts);
  out.push_back('}');
  list->digest = crypto::ContentHash(out);
  list->hex = crypto::ToHex(list->digest.data(), list->digest.size());
  list->subjects.reserve(parts.size());
  list->sets.reserve(parts.size());
  for (const auto& p : parts) {
    list->subjects.push_back(p.subject);
    list->sets.push_back(p.set);
  }
  return list;
}

Status ParsePartList(std::string_view body, std::vector<SubjectPart>* parts) {
  auto j = ParseStored(body, "part list");
  if (!j.ok()) return j.status();
  auto ps = j->find("parts");
  if (ps == j->end() || !ps->is_array()) {
    return Status::InvalidArgument("bad_event", "part list lacks parts");
  }
  ReadParts(*ps, parts);
  return Status::Ok();
}

// Written directly rather than through a Json tree (a dossier view writes one
// event per subject with a few dozen fields each, and building and dumping the
// tree was a quarter of a view's CPU); the bytes are those DumpJson gives for
// the same object (keys sorted), so stored events keep their form
// (tests/audit/audit_log_test.cc holds the two side by side).
std::string EventBody(const Event& e) {
  std::string out;
  out.reserve(512 + e.fields.size() * 160);
  out.push_back('{');
  PutKey(&out, "actor", true);
  out.push_back('{');
  PutField(&out, "cn", e.actor.cn, true);
  PutField(&out, "fingerprint", e.actor.fingerprint);
  PutField(&out, "partner", e.actor.partner);
  PutField(&out, "remote", e.actor.remote);
  PutField(&out, "role", e.actor.role);
  out.push_back('}');
  PutKey(&out, "covenant");
  out.push_back('{');
  PutField(&out, "id", e.covenant.id, true);
  PutField(&out, "sha256", e.covenant.sha256);
  PutField(&out, "version", e.covenant.version);
  out.push_back('}');
  PutKey(&out, "detail");
  out.append(e.detail.is_null() ? std::string("{}") : DumpJson(e.detail));
  PutKey(&out, "fields");
  PutDecisions(&out, e.fields);
  PutField(&out, "meeting", e.meeting);
  PutField(&out, "outcome", e.outcome);
  PutField(&out, "overlegvorm", e.overlegvorm);
  // Only in dossier views: other events keep their form.
  if (!e.parts_list.empty()) {
    PutField(&out, "parts_list", e.parts_list);
  } else if (!e.parts.empty()) {
    PutKey(&out, "parts");
    PutParts(&out, e.parts);
  }
  PutField(&out, "purpose", e.purpose);
  PutField(&out, "recipient", e.recipient);
  PutField(&out, "subject", e.subject);
  PutField(&out, "supplier", e.supplier);
  // Only in dossier views that name their suppliers: other events keep their form.
  if (!e.suppliers.empty()) {
    PutKey(&out, "suppliers");
    out.push_back('[');
    for (std::size_t i = 0; i < e.suppliers.size(); ++i) {
      if (i > 0) out.push_back(',');
      PutString(&out, e.suppliers[i]);
    }
    out.push_back(']');
  }
  // Only in events that carry their operation: earlier events keep their form.
  if (!e.trace.empty()) {
    PutKey(&out, "trace");
    PutTrace(&out, e.trace);
  }
  out.push_back('}');
  return out;
}

Status ParseEventBody(std::string_view body, Event* e) {
  auto parsed = ParseStored(body, "stored event body");
  if (!parsed.ok()) return parsed.status();
  const Json& j = *parsed;
  if (auto a = j.find("actor"); a != j.end() && a->is_object()) {
    e->actor.partner = Str(*a, "partner");
    e->actor.role = Str(*a, "role");
    e->actor.cn = Str(*a, "cn");
    e->actor.fingerprint = Str(*a, "fingerprint");
    e->actor.remote = Str(*a, "remote");
  }
  e->meeting = Str(j, "meeting");
  e->overlegvorm = Str(j, "overlegvorm");
  e->purpose = Str(j, "purpose");
  if (auto c = j.find("covenant"); c != j.end() && c->is_object()) {
    e->covenant.id = Str(*c, "id");
    e->covenant.version = Str(*c, "version");
    e->covenant.sha256 = Str(*c, "sha256");
  }
  e->subject = Str(j, "subject");
  e->supplier = Str(j, "supplier");
  e->recipient = Str(j, "recipient");
  e->suppliers.clear();
  if (auto ss = j.find("suppliers"); ss != j.end() && ss->is_array()) {
    for (const auto& x : *ss) {
      if (x.is_string()) e->suppliers.push_back(x.get<std::string>());
    }
  }
  e->fields.clear();
  if (auto fs = j.find("fields"); fs != j.end()) ReadDecisions(*fs, &e->fields);
  e->parts.clear();
  if (auto ps = j.find("parts"); ps != j.end()) ReadParts(*ps, &e->parts);
  e->parts_list = Str(j, "parts_list");
  e->outcome = Str(j, "outcome");
  auto d = j.find("detail");
  e->detail = d != j.end() ? *d : Json::object();
  if (auto t = j.find("trace"); t != j.end()) {
    ReadTrace(*t, &e->trace);
  } else {
    e->trace = TraceRef();
  }
  return Status::Ok();
}

std::string CanonicalEvent(int64_t seq, std::string_view time, std::string_view type,
                           std::string_view actor_partner, std::string_view meeting,
                           std::string_view subject, std::string_view supplier,
                           std::string_view recipient, std::string_view body) {
  std::string out;
  out.reserve(body.size() + 256);
  PutFramed(&out, kCanonicalTag);
  PutFramed(&out, std::to_string(seq));
  PutFramed(&out, time);
  PutFramed(&out, type);
  PutFramed(&out, actor_partner);
  PutFramed(&out, meeting);
  PutFramed(&out, subject);
  PutFramed(&out, supplier);
  PutFramed(&out, recipient);
  PutFramed(&out, body);
  return out;
}

crypto::Hash ChainHash(const crypto::Hash& prev, std::string_view canonical) {
  return crypto::ContentHash2(
      std::string_view(reinterpret_cast<const char*>(prev.data()), prev.size()), canonical);
}

Json EventToJson(const StoredEvent& s) {
  const Event& e = s.event;
  Json j{{"seq", s.seq},
         {"time", s.time},
         {"type", e.type},
         {"actor",
          {{"partner", e.actor.partner},
           {"role", e.actor.role},
           {"cn", e.actor.cn},
           {"fingerprint", e.actor.fingerprint},
           {"remote", e.actor.remote}}},
         {"meeting", e.meeting},
         {"overlegvorm", e.overlegvorm},
         {"purpose", e.purpose},
         {"covenant",
          {{"id", e.covenant.id}, {"version", e.covenant.version}, {"sha256", e.covenant.sha256}}},
         {"subject", e.subject},
         {"supplier", e.supplier},
         {"recipient", e.recipient},
         {"fields", DecisionsToJson(e.fields)},
         {"outcome", e.outcome},
         {"detail", e.detail},
         {"prev_hash", crypto::ToHex(s.prev_hash.data(), s.prev_hash.size())},
         {"hash", crypto::ToHex(s.hash.data(), s.hash.size())}};
  if (!e.suppliers.empty()) j["suppliers"] = e.suppliers;
  if (!e.trace.empty()) j["trace"] = TraceToJson(e.trace);
  if (!e.parts.empty()) {
    Json parts = Json::array();
    for (const auto& p : e.parts) {
      parts.push_back({{"subject", p.subject},
                       {"set", p.set},
                       {"shown", p.shown},
                       {"withheld", p.withheld},
                       {"fields", DecisionsToJson(p.fields)},
                       {"from", p.from}});
    }
    j["parts"] = std::move(parts);
  }
  return j;
}

}  // namespace vh::audit
