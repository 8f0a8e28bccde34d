// CovenantBuilder, the overlegvormen section: members, request_identity,
// rules and their parties, residents_only, circle, urgent and
// processing_activity (policy/covenant_builder.h).

#include <algorithm>
#include <set>

#include "policy/covenant_builder.h"

namespace vh::policy {

using loader_detail::Join;
using loader_detail::Q;

namespace {

constexpr std::size_t kMaxCnLength = 64;  // RFC 5280 ub-common-name
constexpr std::size_t kMaxUriLength = 2048;

bool IsAlpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
bool IsDigit(char ch) { return ch >= '0' && ch <= '9'; }
bool IsHexDigit(char ch) {
  return IsDigit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

// Why `s` is not an absolute URI (RFC 3986 absolute-URI: scheme ":" hier-part
// ["?" query], no fragment), or "" when it is one. http and https URIs must
// name a host.
std::string UriProblem(std::string_view s) {
  if (s.size() > kMaxUriLength) {
    return "longer than " + std::to_string(kMaxUriLength) + " characters";
  }
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsAlpha(s[0])) {
    return "not an absolute URI (scheme:...): " + Q(s);
  }
  for (std::size_t i = 1; i < colon; ++i) {
    const char ch = s[i];
    if (!IsAlpha(ch) && !IsDigit(ch) && ch != '+' && ch != '-' && ch != '.') {
      return "not an absolute URI (scheme:...): " + Q(s);
    }
  }
  const std::string_view rest = s.substr(colon + 1);
  if (rest.empty()) return "not an absolute URI: nothing after the scheme in " + Q(s);
  static constexpr std::string_view kAllowed =
      "-._~:/?[]@!$&'()*+,;=";  // unreserved, gen-delims but '#', sub-delims
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char ch = rest[i];
    if (ch == '#') return "an absolute URI has no fragment ('#'): " + Q(s);
    if (ch == '%') {
      if (i + 2 >= rest.size() || !IsHexDigit(rest[i + 1]) || !IsHexDigit(rest[i + 2])) {
        return "'%' not followed by two hex digits in " + Q(s);
      }
      i += 2;
      continue;
    }
    if (!IsAlpha(ch) && !IsDigit(ch) && kAllowed.find(ch) == std::string_view::npos) {
      return "character not allowed in a URI (percent-encode it) in " + Q(s);
    }
  }
  std::string scheme(s.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char ch) {
    return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
  });
  if (scheme == "http" || scheme == "https") {
    if (rest.substr(0, 2) != "//" || rest.size() == 2 || rest[2] == '/' || rest[2] == '?') {
      return "an " + scheme + " URI needs a host (" + scheme + "://host/...): " + Q(s);
    }
  }
  return "";
}

}  // namespace

bool CovenantBuilder::ParseParty(const Json& v, const std::string& p, const Overlegvorm& o,
                                 Party* q) {
  if (!v.is_string()) {
    Problem(p, "expected a partner id or a group");
    return false;
  }
  const std::string& s = v.get_ref<const std::string&>();
  q->text = s;
  if (s == "@members") {
    q->kind = Party::Kind::kMembers;
  } else if (s == "@ad_hoc") {
    q->kind = Party::Kind::kAdHoc;
    if (!o.AdmitsAdHoc()) {
      Problem(p, o.restricted ? "'@ad_hoc' in a restricted overlegvorm"
                              : "'@ad_hoc' in an overlegvorm that admits no ad hoc partners "
                                "(ad_hoc: false)");
      return false;
    }
  } else if (s == "@participants") {
    q->kind = Party::Kind::kParticipants;
  } else if (s == "@house") {
    q->kind = Party::Kind::kHouse;
  } else if (s.rfind("@chain:", 0) == 0) {
    q->kind = Party::Kind::kChain;
    if (!ParseChain(std::string_view(s).substr(7), &q->chain)) {
      Problem(p, "unknown chain in " + Q(s) + " (straf, zorg, bestuur, overig)");
      return false;
    }
  } else if (!s.empty() && s[0] == '@') {
    Problem(
        p, "unknown group " + Q(s) + " (@members, @ad_hoc, @participants, @chain:<chain>, @house)");
    return false;
  } else {
    auto it = partner_ids_.find(s);
    if (it == partner_ids_.end()) {
      Problem(p, (s == c_->house_ ? "the house is named as '@house', not " : "unknown partner ") +
                     Q(s));
      return false;
    }
    q->kind = Party::Kind::kPartner;
    q->partner = it->second;
  }
  return true;
}

void CovenantBuilder::ParseParties(const Json& arr, const std::string& path, const Overlegvorm& o,
                                   bool is_to, std::vector<Party>* out) {
  std::set<std::string> seen;
  for (std::size_t k = 0; k < arr.size(); ++k) {
    const std::string p = Join(path, k);
    if (arr[k].is_string() && !seen.insert(arr[k].get_ref<const std::string&>()).second) {
      Problem(p, "duplicate entry " + Q(arr[k].get_ref<const std::string&>()));
      continue;
    }
    Party q;
    if (!ParseParty(arr[k], p, o, &q)) continue;
    if (q.kind == Party::Kind::kPartner && is_to &&
        !c_->partners_[static_cast<std::size_t>(q.partner)].signatory) {
      Problem(p, "non-signatory partner " + Q(q.text) +
                     " may only receive as an ad hoc invitee (through '@ad_hoc' or "
                     "'@participants')");
      continue;
    }
    out->push_back(std::move(q));
  }
}

bool CovenantBuilder::ParseRule(const Json& j, const std::string& p, const Overlegvorm& o,
                                Rule* r) {
  if (!IsObject(j, p)) return false;
  CheckKeys(j, p, {"id", "field", "from", "to", "as", "client"});
  bool ok = GetId(j, "id", p, &r->id);
  std::string field;
  if (GetString(j, "field", p, true, &field)) {
    auto it = field_ids_.find(field);
    if (it == field_ids_.end()) {
      Problem(p + "/field", "unknown field " + Q(field));
      ok = false;
    } else {
      r->field = &c_->fields_[static_cast<std::size_t>(it->second)];
    }
  } else {
    ok = false;
  }
  for (const char* side : {"from", "to"}) {
    const bool is_to = std::string_view(side) == "to";
    const Json* arr = GetArray(j, side, p, true);
    if (!arr) {
      ok = false;
      continue;
    }
    if (arr->empty()) {
      Problem(Join(p, side), std::string("empty '") + side + "'");
      ok = false;
      continue;
    }
    std::vector<Party>& parties = is_to ? r->to : r->from;
    std::size_t before = problems_.size();
    ParseParties(*arr, Join(p, side), o, is_to, &parties);
    if (problems_.size() != before || parties.empty()) ok = false;
  }
  std::string as;
  if (GetString(j, "as", p, true, &as)) {
    if (!ParseTransform(as, &r->as)) {
      Problem(p + "/as",
              "unknown transform " + Q(as) + " (full, presence, year, age, municipality)");
      ok = false;
    } else if (r->field && !TransformFits(r->as, r->field->type)) {
      Problem(p + "/as", Q(as) + " does not fit field " + Q(r->field->id) + " (" +
                             std::string(FieldTypeName(r->field->type)) + ")");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (j.contains("client")) GetBool(j, "client", p, false, &r->client);
  return ok;
}

void CovenantBuilder::ParseMembers(const Json& j, const std::string& p, Overlegvorm* o) {
  if (const Json* members = GetArray(j, "members", p, true)) {
    if (members->empty()) Problem(p + "/members", "no members");
    std::set<std::string> seen;
    for (std::size_t k = 0; k < members->size(); ++k) {
      const std::string mp = Join(p + "/members", k);
      const Json& m = (*members)[k];
      if (!m.is_string()) {
        Problem(mp, "expected a partner id");
        continue;
      }
      const std::string& id = m.get_ref<const std::string&>();
      auto it = partner_ids_.find(id);
      if (it == partner_ids_.end()) {
        Problem(mp, "unknown partner " + Q(id));
        continue;
      }
      if (!seen.insert(id).second) {
        Problem(mp, "duplicate member " + Q(id));
        continue;
      }
      const Partner* partner = &c_->partners_[static_cast<std::size_t>(it->second)];
      if (!partner->signatory) {
        Problem(mp, "non-signatory partner " + Q(id) + " cannot be a member (it may join ad hoc)");
        continue;
      }
      o->members.push_back(partner);
    }
  }
}

void CovenantBuilder::ParseRequestIdentity(const Json& j, const std::string& p, Overlegvorm* o) {
  if (const Json* ri = GetArray(j, "request_identity", p, false)) {
    std::set<std::string> seen;
    for (std::size_t k = 0; k < ri->size(); ++k) {
      const std::string rp = Join(p + "/request_identity", k);
      const Json& v = (*ri)[k];
      if (!v.is_string()) {
        Problem(rp, "expected a field id");
        continue;
      }
      const std::string& id = v.get_ref<const std::string&>();
      auto it = field_ids_.find(id);
      if (it == field_ids_.end()) {
        Problem(rp, "unknown field " + Q(id));
        continue;
      }
      if (!seen.insert(id).second) {
        Problem(rp, "duplicate field " + Q(id));
        continue;
      }
      const Field* f = &c_->fields_[static_cast<std::size_t>(it->second)];
      if (f->category != Category::kIdentificerend && f->category != Category::kBsn) {
        Problem(rp, "field " + Q(id) + " is not identifying (category '" +
                        std::string(CategoryName(f->category)) + "')");
        continue;
      }
      o->request_identity.push_back(f);
    }
  }
}

void CovenantBuilder::ParseResidentsOnly(const Json& j, const std::string& p, Overlegvorm* o) {
  const Json* arr = GetArray(j, "residents_only", p, false);
  if (!arr) return;
  const std::string path = p + "/residents_only";
  std::set<std::string> seen;
  for (std::size_t k = 0; k < arr->size(); ++k) {
    const std::string ep = Join(path, k);
    const Json& v = (*arr)[k];
    if (v.is_string() && !seen.insert(v.get_ref<const std::string&>()).second) {
      Problem(ep, "duplicate entry " + Q(v.get_ref<const std::string&>()));
      continue;
    }
    Party q;
    if (!ParseParty(v, ep, *o, &q)) continue;
    if (q.kind == Party::Kind::kHouse) {
      Problem(ep, "the house sees every subject: '@house' cannot be residents only");
      continue;
    }
    bool ok = true;
    if (q.kind == Party::Kind::kPartner) {
      const Partner& partner = c_->partners_[static_cast<std::size_t>(q.partner)];
      if (partner.municipality.empty()) {
        Problem(ep, "partner " + Q(partner.id) + " has no 'municipality' (/partners/" +
                        std::to_string(partner.index) + "/municipality)");
        ok = false;
      }
    } else {
      // A member the group covers without a municipality would see nobody.
      for (const Partner* m : o->members) {
        const bool covered =
            q.kind != Party::Kind::kAdHoc && (q.kind != Party::Kind::kChain || m->chain == q.chain);
        if (covered && m->municipality.empty()) {
          Problem(ep, "member " + Q(m->id) + " (through " + Q(q.text) +
                          ") has no 'municipality': it would see no subject");
          ok = false;
        }
      }
    }
    if (ok) o->residents_only.push_back(std::move(q));
  }
}

void CovenantBuilder::ParseCircle(const Json& j, const std::string& p, Overlegvorm* o) {
  const std::string path = p + "/circle";
  const Json* arr = GetArray(j, "circle", p, false);
  if (!arr) {
    if (o->restricted && !j.contains("circle")) {
      Problem(path, "missing: a restricted overlegvorm needs its circle");
    }
    return;
  }
  if (arr->empty() && o->restricted) {
    Problem(path, "a restricted overlegvorm needs a non-empty circle");
  }
  for (std::size_t k = 0; k < arr->size(); ++k) {
    const std::string ep = Join(path, k);
    const Json& e = (*arr)[k];
    if (!IsObject(e, ep)) continue;
    CheckKeys(e, ep, {"partner", "cn"});
    CircleMember m;
    const bool has_partner = GetString(e, "partner", ep, true, &m.partner);
    const bool has_cn = GetString(e, "cn", ep, true, &m.cn);
    if (!has_partner || !has_cn) continue;
    if (m.partner != c_->house_) {
      auto it = partner_ids_.find(m.partner);
      if (it == partner_ids_.end()) {
        Problem(ep + "/partner", "unknown partner " + Q(m.partner));
        continue;
      }
      if (!o->IsMember(it->second) && !o->AdmitsAdHoc()) {
        Problem(ep + "/partner", "partner " + Q(m.partner) +
                                     " takes no part in this overlegvorm (not a member, and it "
                                     "admits no ad hoc partners)");
        continue;
      }
    }
    if (m.cn.size() > kMaxCnLength || std::any_of(m.cn.begin(), m.cn.end(), [](char ch) {
          return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
        })) {
      Problem(ep + "/cn", "not a certificate CN (at most 64 characters, no control characters)");
      continue;
    }
    std::string key = m.partner;
    key.push_back('\0');
    key += m.cn;
    if (!o->circle_keys_.insert(std::move(key)).second) {
      Problem(ep, "duplicate circle entry " + Q(m.partner) + " " + Q(m.cn));
      continue;
    }
    o->circle.push_back(std::move(m));
  }
}

void CovenantBuilder::ParseProcessingActivity(const Json& j, const std::string& p, Overlegvorm* o) {
  std::string uri;
  if (!GetString(j, "processing_activity", p, false, &uri)) return;
  const std::string why = UriProblem(uri);
  if (!why.empty()) {
    Problem(p + "/processing_activity", why);
    return;
  }
  o->processing_activity = std::move(uri);
}

void CovenantBuilder::ParseOverlegvorm(const Json& j, const std::string& p, Overlegvorm* o) {
  CheckKeys(
      j, p,
      {"id", "name", "purpose", "members", "ad_hoc", "restricted", "retention_days",
       "request_identity", "rules", "residents_only", "circle", "urgent", "processing_activity"});
  GetString(j, "name", p, true, &o->name);
  GetString(j, "purpose", p, true, &o->purpose);
  GetBool(j, "ad_hoc", p, true, &o->ad_hoc);
  GetBool(j, "restricted", p, true, &o->restricted);
  if (o->restricted && o->ad_hoc) {
    Problem(p + "/ad_hoc", "a restricted overlegvorm admits no ad hoc partners");
  }
  GetDays(j, "retention_days", p, true, &o->retention_days);
  ParseMembers(j, p, o);
  ParseRequestIdentity(j, p, o);
  if (const Json* rules = GetArray(j, "rules", p, true)) {
    std::set<std::string> ids;
    for (std::size_t k = 0; k < rules->size(); ++k) {
      const std::string rp = Join(p + "/rules", k);
      Rule r;
      bool ok = ParseRule((*rules)[k], rp, *o, &r);
      if (!r.id.empty() && !ids.insert(r.id).second) {
        Problem(rp + "/id", "duplicate rule id " + Q(r.id) + " in overlegvorm " + Q(o->id));
        ok = false;
      }
      if (!ok) continue;
      r.index = static_cast<int>(o->rules.size());
      o->rules.push_back(std::move(r));
    }
  }
  ParseResidentsOnly(j, p, o);
  ParseCircle(j, p, o);
  GetBool(j, "urgent", p, false, &o->urgent);
  ParseProcessingActivity(j, p, o);
}

void CovenantBuilder::ParseOverlegvormen(const Json& root) {
  const Json* arr = GetArray(root, "overlegvormen", "", true);
  if (!arr) return;
  if (arr->empty()) Problem("/overlegvormen", "no overlegvormen");
  c_->overlegvormen_.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string p = Join("/overlegvormen", i);
    const Json& j = (*arr)[i];
    if (!IsObject(j, p)) continue;
    Overlegvorm o;
    bool ok = GetId(j, "id", p, &o.id);
    if (ok && overlegvorm_ids_.count(o.id)) {
      Problem(p + "/id", "duplicate overlegvorm id " + Q(o.id));
      ok = false;
    }
    ParseOverlegvorm(j, p, &o);
    if (!ok) continue;
    o.index = static_cast<int>(c_->overlegvormen_.size());
    overlegvorm_ids_[o.id] = o.index;
    c_->overlegvormen_.push_back(std::move(o));
  }
}

}  // namespace vh::policy
