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
  static constexpr std::array<std::string_view, 16> kTypes = {
      kRequestSent,     kAnswerReceived,   kFieldWithheld,   kDossierDisclosed,
      kAccessRefused,   kDeclarationSigned, kPhaseChanged,   kMeetingClosed,
      kDataShredded,    kPolicyLoaded,     kAuditQuery,      kRequestDeclined,
      kMeetingCreated,  kRetentionExtended, kSupplierFailed, kAuditOpened};
  for (auto t : kTypes) {
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
void PutField(std::string* out, std::string_view key, std::string_view value,
              bool first = false) {
  PutKey(out, key, first);
  PutString(out, value);
}

}  // namespace

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
  PutField(&out, "id", e.covenant_id, true);
  PutField(&out, "sha256", e.covenant_sha256);
  PutField(&out, "version", e.covenant_version);
  out.push_back('}');
  PutKey(&out, "detail");
  out.append(e.detail.is_null() ? std::string("{}") : DumpJson(e.detail));
  PutKey(&out, "fields");
  out.push_back('[');
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    const FieldDecision& f = e.fields[i];
    if (i > 0) out.push_back(',');
    out.push_back('{');
    PutField(&out, "decision", f.decision, true);
    PutField(&out, "field", f.field);
    PutField(&out, "reason", f.reason);
    PutField(&out, "rule", f.rule);
    PutField(&out, "transform", f.transform);
    PutField(&out, "value_mac", f.value_mac);
    out.push_back('}');
  }
  out.push_back(']');
  PutField(&out, "meeting", e.meeting);
  PutField(&out, "outcome", e.outcome);
  PutField(&out, "overlegvorm", e.overlegvorm);
  PutField(&out, "purpose", e.purpose);
  PutField(&out, "recipient", e.recipient);
  PutField(&out, "subject", e.subject);
  PutField(&out, "supplier", e.supplier);
  out.push_back('}');
  return out;
}

Status ParseEventBody(std::string_view body, Event* e) {
  JsonLimits lim;
  lim.max_bytes = body.size() + 1;
  lim.max_depth = 64;
  auto parsed = ParseJson(body, lim);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::InvalidArgument("bad_event", "stored event body is not a JSON object");
  }
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
    e->covenant_id = Str(*c, "id");
    e->covenant_version = Str(*c, "version");
    e->covenant_sha256 = Str(*c, "sha256");
  }
  e->subject = Str(j, "subject");
  e->supplier = Str(j, "supplier");
  e->recipient = Str(j, "recipient");
  e->fields.clear();
  if (auto fs = j.find("fields"); fs != j.end() && fs->is_array()) {
    for (const auto& f : *fs) {
      if (!f.is_object()) continue;
      e->fields.push_back({Str(f, "field"), Str(f, "decision"), Str(f, "rule"),
                           Str(f, "transform"), Str(f, "reason"), Str(f, "value_mac")});
    }
  }
  e->outcome = Str(j, "outcome");
  auto d = j.find("detail");
  e->detail = d != j.end() ? *d : Json::object();
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
  Json fields = Json::array();
  for (const auto& f : e.fields) {
    Json fj = {{"field", f.field}, {"decision", f.decision}};
    if (!f.rule.empty()) fj["rule"] = f.rule;
    if (!f.transform.empty()) fj["transform"] = f.transform;
    if (!f.reason.empty()) fj["reason"] = f.reason;
    if (!f.value_mac.empty()) fj["value_mac"] = f.value_mac;
    fields.push_back(std::move(fj));
  }
  return Json{{"seq", s.seq},
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
               {{"id", e.covenant_id},
                {"version", e.covenant_version},
                {"sha256", e.covenant_sha256}}},
              {"subject", e.subject},
              {"supplier", e.supplier},
              {"recipient", e.recipient},
              {"fields", std::move(fields)},
              {"outcome", e.outcome},
              {"detail", e.detail},
              {"prev_hash", crypto::ToHex(s.prev_hash.data(), s.prev_hash.size())},
              {"hash", crypto::ToHex(s.hash.data(), s.hash.size())}};
}

}  // namespace vh::audit
