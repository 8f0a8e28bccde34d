#include "policy/loader.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "core/clock.h"
#include "core/json.h"
#include "core/limits.h"
#include "crypto/primitives.h"
#include "policy/engine.h"

namespace vh::policy {

std::string JsonPointerToken(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char ch : key) {
    if (ch == '~') {
      out += "~0";
    } else if (ch == '/') {
      out += "~1";
    } else {
      out += ch;
    }
  }
  return out;
}

namespace {

constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxQuoted = 64;
constexpr int kMaxRetentionDays = 3650;

// Text from the file, made safe for one log line: capped, no control bytes.
std::string Q(std::string_view s) {
  std::string out = "'";
  std::size_t n = std::min(s.size(), kMaxQuoted);
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    out += (ch < 0x20 || ch == 0x7f) ? '?' : static_cast<char>(ch);
  }
  if (s.size() > kMaxQuoted) out += "...";
  return out + "'";
}

bool ValidId(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdLength) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.';
  });
}

bool ValidOin(std::string_view s) {
  return s.size() == 20 &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

std::string Join(const std::string& path, std::string_view key) {
  return path + "/" + JsonPointerToken(key);
}
std::string Join(const std::string& path, std::size_t index) {
  return path + "/" + std::to_string(index);
}

}  // namespace

// Validates and builds a Covenant. Collects every problem instead of
// stopping at the first: a privacy officer fixing a file wants the full list.
class CovenantBuilder {
 public:
  explicit CovenantBuilder(std::string_view label) : label_(label) {}

  Result<std::shared_ptr<const Covenant>> Build(std::string_view text,
                                                std::vector<std::string>* problems);

 private:
  void Problem(const std::string& path, const std::string& reason) {
    problems_.push_back(label_ + ": " + (path.empty() ? "/" : path) + ": " + reason);
  }

  void CheckKeys(const Json& obj, const std::string& path,
                 std::initializer_list<std::string_view> allowed) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
        Problem(Join(path, it.key()), "unknown key " + Q(it.key()));
      }
    }
  }

  // Getters: report missing / wrong type and return false.
  const Json* Member(const Json& obj, std::string_view key, const std::string& path,
                     bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) Problem(Join(path, key), "missing");
      return nullptr;
    }
    return &*it;
  }
  bool GetString(const Json& obj, std::string_view key, const std::string& path, bool required,
                 std::string* out) {
    const Json* v = Member(obj, key, path, required);
    if (!v) return false;
    if (!v->is_string()) {
      Problem(Join(path, key), "expected a string");
      return false;
    }
    *out = v->get_ref<const std::string&>();
    if (out->empty()) {
      Problem(Join(path, key), "must not be empty");
      return false;
    }
    return true;
  }
  bool GetId(const Json& obj, std::string_view key, const std::string& path, std::string* out) {
    if (!GetString(obj, key, path, true, out)) return false;
    if (!ValidId(*out)) {
      Problem(Join(path, key),
              "invalid id " + Q(*out) + " (1-64 characters: letters, digits, '-', '_', '.')");
      return false;
    }
    return true;
  }
  bool GetBool(const Json& obj, std::string_view key, const std::string& path, bool required,
               bool* out) {
    const Json* v = Member(obj, key, path, required);
    if (!v) return false;
    if (!v->is_boolean()) {
      Problem(Join(path, key), "expected true or false");
      return false;
    }
    *out = v->get<bool>();
    return true;
  }
  const Json* GetArray(const Json& obj, std::string_view key, const std::string& path,
                       bool required) {
    const Json* v = Member(obj, key, path, required);
    if (!v) return nullptr;
    if (!v->is_array()) {
      Problem(Join(path, key), "expected an array");
      return nullptr;
    }
    return v;
  }
  bool IsObject(const Json& v, const std::string& path) {
    if (!v.is_object()) {
      Problem(path, "expected an object");
      return false;
    }
    return true;
  }

  void ParseHeader(const Json& root);
  void ParsePartners(const Json& root);
  void ParseFields(const Json& root);
  void ParseOverlegvormen(const Json& root);
  void ParseOverlegvorm(const Json& j, const std::string& path, Overlegvorm* o);
  bool ParseRule(const Json& j, const std::string& path, const Overlegvorm& o, Rule* r);
  void ParseParties(const Json& arr, const std::string& path, const Overlegvorm& o, bool is_to,
                    std::vector<Party>* out);

  std::string label_;
  std::vector<std::string> problems_;
  std::shared_ptr<Covenant> c_ = std::make_shared<Covenant>();
  std::unordered_map<std::string, int> partner_ids_, field_ids_, overlegvorm_ids_;
};

void CovenantBuilder::ParseHeader(const Json& root) {
  const Json* conv = Member(root, "convenant", "", true);
  if (conv && IsObject(*conv, "/convenant")) {
    const std::string p = "/convenant";
    CheckKeys(*conv, p, {"id", "version", "title", "valid_from", "valid_until"});
    GetId(*conv, "id", p, &c_->id_);
    GetString(*conv, "version", p, true, &c_->version_);
    GetString(*conv, "title", p, true, &c_->title_);
    std::optional<Date> from, until;
    if (GetString(*conv, "valid_from", p, true, &c_->valid_from_)) {
      from = ParseDate(c_->valid_from_);
      if (!from) Problem(p + "/valid_from", "not a date (YYYY-MM-DD): " + Q(c_->valid_from_));
    }
    const Json* vu = Member(*conv, "valid_until", p, false);
    if (vu && !vu->is_null()) {
      if (GetString(*conv, "valid_until", p, false, &c_->valid_until_)) {
        until = ParseDate(c_->valid_until_);
        if (!until) {
          Problem(p + "/valid_until", "not a date (YYYY-MM-DD): " + Q(c_->valid_until_));
        } else if (from && *until < *from) {
          Problem(p + "/valid_until", "before valid_from");
        }
      }
    }
  }
  GetId(root, "house", "", &c_->house_);
  if (root.contains("declaration")) {
    GetString(root, "declaration", "", false, &c_->declaration_);
  }
  if (c_->declaration_.empty()) c_->declaration_ = Covenant::DefaultDeclaration();
}

void CovenantBuilder::ParsePartners(const Json& root) {
  const Json* arr = GetArray(root, "partners", "", true);
  if (!arr) return;
  if (arr->empty()) Problem("/partners", "no partners");
  c_->partners_.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string p = Join("/partners", i);
    const Json& j = (*arr)[i];
    if (!IsObject(j, p)) continue;
    CheckKeys(j, p, {"id", "name", "chain", "signatory", "oin"});
    Partner partner;
    bool ok = GetId(j, "id", p, &partner.id);
    GetString(j, "name", p, true, &partner.name);
    std::string chain;
    if (GetString(j, "chain", p, true, &chain) && !ParseChain(chain, &partner.chain)) {
      Problem(p + "/chain", "unknown chain " + Q(chain) + " (straf, zorg, bestuur, overig)");
    }
    GetBool(j, "signatory", p, true, &partner.signatory);
    const Json* oin = Member(j, "oin", p, false);
    if (oin && !oin->is_null()) {
      if (GetString(j, "oin", p, false, &partner.oin) && !ValidOin(partner.oin)) {
        Problem(p + "/oin", "an OIN is 20 digits");
      }
    }
    if (!ok) continue;
    if (partner.id == c_->house_) {
      Problem(p + "/id", "partner id " + Q(partner.id) + " is the house's id");
      continue;
    }
    if (partner_ids_.count(partner.id)) {
      Problem(p + "/id", "duplicate partner id " + Q(partner.id));
      continue;
    }
    partner.index = static_cast<int>(c_->partners_.size());
    partner_ids_[partner.id] = partner.index;
    c_->partners_.push_back(std::move(partner));
  }
}

void CovenantBuilder::ParseFields(const Json& root) {
  const Json* arr = GetArray(root, "fields", "", true);
  if (!arr) return;
  if (arr->empty()) Problem("/fields", "no fields");
  c_->fields_.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string p = Join("/fields", i);
    const Json& j = (*arr)[i];
    if (!IsObject(j, p)) continue;
    CheckKeys(j, p, {"id", "label", "type", "category", "values"});
    Field f;
    bool ok = GetId(j, "id", p, &f.id);
    GetString(j, "label", p, true, &f.label);
    std::string type, category;
    bool type_ok = GetString(j, "type", p, true, &type);
    if (type_ok && !ParseFieldType(type, &f.type)) {
      Problem(p + "/type",
              "unknown type " + Q(type) + " (string, text, boolean, integer, date, enum, address)");
      type_ok = false;
    }
    if (GetString(j, "category", p, true, &category) && !ParseCategory(category, &f.category)) {
      Problem(p + "/category", "unknown category " + Q(category) +
                                   " (identificerend, gewoon, bijzonder, strafrechtelijk, bsn)");
    }
    const Json* values = Member(j, "values", p, false);
    if (type_ok && f.type == FieldType::kEnum) {
      if (!values) {
        Problem(p + "/values", "missing: an enum field needs its values");
      } else if (!values->is_array()) {
        Problem(p + "/values", "expected an array");
      } else if (values->empty()) {
        Problem(p + "/values", "an enum field needs at least one value");
      } else {
        std::set<std::string> seen;
        for (std::size_t k = 0; k < values->size(); ++k) {
          const Json& v = (*values)[k];
          if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
            Problem(Join(p + "/values", k), "expected a non-empty string");
            continue;
          }
          const std::string& s = v.get_ref<const std::string&>();
          if (!seen.insert(s).second) {
            Problem(Join(p + "/values", k), "duplicate value " + Q(s));
            continue;
          }
          f.values.push_back(s);
        }
      }
    } else if (type_ok && values) {
      Problem(p + "/values", "'values' applies to enum fields only");
    }
    if (!ok) continue;
    if (field_ids_.count(f.id)) {
      Problem(p + "/id", "duplicate field id " + Q(f.id));
      continue;
    }
    f.index = static_cast<int>(c_->fields_.size());
    field_ids_[f.id] = f.index;
    c_->fields_.push_back(std::move(f));
  }
}

void CovenantBuilder::ParseParties(const Json& arr, const std::string& path, const Overlegvorm& o,
                                   bool is_to, std::vector<Party>* out) {
  std::set<std::string> seen;
  for (std::size_t k = 0; k < arr.size(); ++k) {
    const std::string p = Join(path, k);
    if (!arr[k].is_string()) {
      Problem(p, "expected a partner id or a group");
      continue;
    }
    const std::string& s = arr[k].get_ref<const std::string&>();
    if (!seen.insert(s).second) {
      Problem(p, "duplicate entry " + Q(s));
      continue;
    }
    Party q;
    q.text = s;
    if (s == "@members") {
      q.kind = Party::Kind::kMembers;
    } else if (s == "@ad_hoc") {
      q.kind = Party::Kind::kAdHoc;
      if (!o.AdmitsAdHoc()) {
        Problem(p, o.restricted ? "'@ad_hoc' in a restricted overlegvorm"
                                : "'@ad_hoc' in an overlegvorm that admits no ad hoc partners "
                                  "(ad_hoc: false)");
        continue;
      }
    } else if (s == "@participants") {
      q.kind = Party::Kind::kParticipants;
    } else if (s == "@house") {
      q.kind = Party::Kind::kHouse;
    } else if (s.rfind("@chain:", 0) == 0) {
      q.kind = Party::Kind::kChain;
      if (!ParseChain(std::string_view(s).substr(7), &q.chain)) {
        Problem(p, "unknown chain in " + Q(s) + " (straf, zorg, bestuur, overig)");
        continue;
      }
    } else if (!s.empty() && s[0] == '@') {
      Problem(p, "unknown group " + Q(s) +
                     " (@members, @ad_hoc, @participants, @chain:<chain>, @house)");
      continue;
    } else {
      auto it = partner_ids_.find(s);
      if (it == partner_ids_.end()) {
        Problem(p, (s == c_->house_ ? "the house is named as '@house', not " : "unknown partner ") +
                       Q(s));
        continue;
      }
      q.kind = Party::Kind::kPartner;
      q.partner = it->second;
      const Partner& partner = c_->partners_[static_cast<std::size_t>(q.partner)];
      if (is_to && !partner.signatory) {
        Problem(p, "non-signatory partner " + Q(s) + " may only receive through '@ad_hoc'");
        continue;
      }
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

void CovenantBuilder::ParseOverlegvorm(const Json& j, const std::string& p, Overlegvorm* o) {
  CheckKeys(j, p,
            {"id", "name", "purpose", "members", "ad_hoc", "restricted", "retention_days",
             "request_identity", "rules"});
  GetString(j, "name", p, true, &o->name);
  GetString(j, "purpose", p, true, &o->purpose);
  GetBool(j, "ad_hoc", p, true, &o->ad_hoc);
  GetBool(j, "restricted", p, true, &o->restricted);
  if (o->restricted && o->ad_hoc) {
    Problem(p + "/ad_hoc", "a restricted overlegvorm admits no ad hoc partners");
  }
  if (const Json* rd = Member(j, "retention_days", p, true)) {
    if (!rd->is_number_integer() || rd->get<int64_t>() < 1 ||
        rd->get<int64_t>() > kMaxRetentionDays) {
      Problem(p + "/retention_days",
              "expected a whole number of days from 1 to " + std::to_string(kMaxRetentionDays));
    } else {
      o->retention_days = static_cast<int>(rd->get<int64_t>());
    }
  }
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

Result<std::shared_ptr<const Covenant>> CovenantBuilder::Build(std::string_view text,
                                                               std::vector<std::string>* problems) {
  auto fail = [&](Code code) -> Result<std::shared_ptr<const Covenant>> {
    std::string msg;
    for (const std::string& line : problems_) {
      if (!msg.empty()) msg += '\n';
      msg += line;
    }
    if (problems) *problems = problems_;
    return Status::Make(
        code, code == Code::kUnprocessable ? "invalid_covenant" : "unreadable_covenant", msg);
  };
  JsonLimits lim;
  lim.max_bytes = limits::kMaxCovenantBytes;
  lim.allow_comments = true;
  Result<Json> parsed = ParseJson(text, lim);
  if (!parsed.ok()) {
    Problem("", parsed.status().message());
    return fail(Code::kUnprocessable);
  }
  const Json& root = *parsed;
  if (!root.is_object()) {
    Problem("", "expected an object");
    return fail(Code::kUnprocessable);
  }
  CheckKeys(root, "", {"convenant", "house", "declaration", "partners", "fields", "overlegvormen"});
  ParseHeader(root);
  ParsePartners(root);
  ParseFields(root);
  ParseOverlegvormen(root);
  if (!problems_.empty()) return fail(Code::kUnprocessable);

  // Index maps last: their string_views point into the now final vectors.
  for (const Partner& p : c_->partners_) c_->partner_by_id_[p.id] = p.index;
  for (const Field& f : c_->fields_) c_->field_by_id_[f.id] = f.index;
  for (const Overlegvorm& o : c_->overlegvormen_) c_->overlegvorm_by_id_[o.id] = o.index;
  c_->sha256_ = crypto::Sha256Hex(text);
  c_->source_ = label_;
  Status st = BuildDecisionTables(*c_, &c_->compiled_);
  if (!st.ok()) {
    Problem("", st.message());
    return fail(Code::kUnprocessable);
  }
  if (problems) problems->clear();
  return std::shared_ptr<const Covenant>(std::move(c_));
}

Result<std::shared_ptr<const Covenant>> LoadCovenantText(std::string_view text,
                                                         std::string_view file_label,
                                                         std::vector<std::string>* problems) {
  CovenantBuilder builder(file_label);
  return builder.Build(text, problems);
}

Result<std::shared_ptr<const Covenant>> LoadCovenantFile(const std::string& path,
                                                         std::vector<std::string>* problems) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  if (in) {
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size < 0 || static_cast<std::size_t>(size) > limits::kMaxCovenantBytes) {
      std::string line =
          path + ": /: file larger than " + std::to_string(limits::kMaxCovenantBytes) + " bytes";
      if (problems) *problems = {line};
      return Status::Unprocessable("invalid_covenant", line);
    }
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), size);
  }
  if (!in) {
    std::string line = path + ": /: cannot read the file";
    if (problems) *problems = {line};
    return Status::InvalidArgument("unreadable_covenant", line);
  }
  return LoadCovenantText(text, path, problems);
}

}  // namespace vh::policy
