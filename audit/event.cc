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

std::string EventBody(const Event& e) {
  Json j = Json::object();
  j["actor"] = {{"partner", e.actor.partner},
                {"role", e.actor.role},
                {"cn", e.actor.cn},
                {"fingerprint", e.actor.fingerprint},
                {"remote", e.actor.remote}};
  j["meeting"] = e.meeting;
  j["overlegvorm"] = e.overlegvorm;
  j["purpose"] = e.purpose;
  j["covenant"] = {
      {"id", e.covenant_id}, {"version", e.covenant_version}, {"sha256", e.covenant_sha256}};
  j["subject"] = e.subject;
  j["supplier"] = e.supplier;
  j["recipient"] = e.recipient;
  Json fields = Json::array();
  for (const auto& f : e.fields) {
    fields.push_back({{"field", f.field},
                      {"decision", f.decision},
                      {"rule", f.rule},
                      {"transform", f.transform},
                      {"reason", f.reason},
                      {"value_mac", f.value_mac}});
  }
  j["fields"] = std::move(fields);
  j["outcome"] = e.outcome;
  j["detail"] = e.detail.is_null() ? Json::object() : e.detail;
  return DumpJson(j);
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
