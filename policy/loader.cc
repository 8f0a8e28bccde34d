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
#include "policy/covenant_builder.h"
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

namespace loader_detail {
namespace {

constexpr std::size_t kMaxQuoted = 64;

}  // namespace

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

std::string Join(const std::string& path, std::string_view key) {
  return path + "/" + JsonPointerToken(key);
}
std::string Join(const std::string& path, std::size_t index) {
  return path + "/" + std::to_string(index);
}

}  // namespace loader_detail

using loader_detail::Join;
using loader_detail::Q;

namespace {

constexpr std::size_t kMaxMunicipalityLength = 128;

bool ValidOin(std::string_view s) {
  return s.size() == 20 &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    unsigned char u = static_cast<unsigned char>(ch);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

void CovenantBuilder::Problem(const std::string& path, const std::string& reason) {
  problems_.push_back(label_ + ": " + (path.empty() ? "/" : path) + ": " + reason);
}

void CovenantBuilder::CheckKeys(const Json& obj, const std::string& path,
                                std::initializer_list<std::string_view> allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      Problem(Join(path, it.key()), "unknown key " + Q(it.key()));
    }
  }
}

const Json* CovenantBuilder::Member(const Json& obj, std::string_view key, const std::string& path,
                                    bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) Problem(Join(path, key), "missing");
    return nullptr;
  }
  return &*it;
}

bool CovenantBuilder::GetString(const Json& obj, std::string_view key, const std::string& path,
                                bool required, std::string* out) {
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

bool CovenantBuilder::GetId(const Json& obj, std::string_view key, const std::string& path,
                            std::string* out) {
  if (!GetString(obj, key, path, true, out)) return false;
  if (!loader_detail::ValidId(*out)) {
    Problem(Join(path, key),
            "invalid id " + Q(*out) + " (1-64 characters: letters, digits, '-', '_', '.')");
    return false;
  }
  return true;
}

bool CovenantBuilder::GetBool(const Json& obj, std::string_view key, const std::string& path,
                              bool required, bool* out) {
  const Json* v = Member(obj, key, path, required);
  if (!v) return false;
  if (!v->is_boolean()) {
    Problem(Join(path, key), "expected true or false");
    return false;
  }
  *out = v->get<bool>();
  return true;
}

const Json* CovenantBuilder::GetArray(const Json& obj, std::string_view key,
                                      const std::string& path, bool required) {
  const Json* v = Member(obj, key, path, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    Problem(Join(path, key), "expected an array");
    return nullptr;
  }
  return v;
}

bool CovenantBuilder::IsObject(const Json& v, const std::string& path) {
  if (!v.is_object()) {
    Problem(path, "expected an object");
    return false;
  }
  return true;
}

bool CovenantBuilder::GetDays(const Json& obj, std::string_view key, const std::string& path,
                              bool required, int* out) {
  const Json* v = Member(obj, key, path, required);
  if (!v) return false;
  if (!v->is_number_integer() || v->get<int64_t>() < 1 ||
      v->get<int64_t>() > loader_detail::kMaxRetentionDays) {
    Problem(Join(path, key), "expected a whole number of days from 1 to " +
                                 std::to_string(loader_detail::kMaxRetentionDays));
    return false;
  }
  *out = static_cast<int>(v->get<int64_t>());
  return true;
}

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
    CheckKeys(
        j, p,
        {"id", "name", "chain", "signatory", "oin", "municipality", "check", "check_case_holder"});
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
    std::string municipality;
    if (GetString(j, "municipality", p, false, &municipality)) {
      std::string_view trimmed = TrimAscii(municipality);
      if (trimmed.empty()) {
        Problem(p + "/municipality", "must not be blank");
      } else if (HasControl(trimmed)) {
        Problem(p + "/municipality", "control characters in " + Q(trimmed));
      } else if (trimmed.size() > kMaxMunicipalityLength) {
        Problem(p + "/municipality",
                "longer than " + std::to_string(kMaxMunicipalityLength) + " characters");
      } else {
        partner.municipality = std::string(trimmed);
      }
    }
    GetBool(j, "check", p, false, &partner.check);
    GetBool(j, "check_case_holder", p, false, &partner.check_case_holder);
    if (partner.check && !partner.signatory) {
      Problem(p + "/check", "a non-signatory partner may not check whether a person is known");
    }
    if (partner.check_case_holder && !partner.check) {
      Problem(p + "/check_case_holder", "needs \"check\": true");
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
    // "convenant.json:40:5: unexpected '{'; expected ',' or ']'", as the
    // configuration check says it.
    if (auto where = LocateJsonSyntaxError(label_, text, lim)) {
      problems_.push_back(*where);
    } else {
      Problem("", parsed.status().message());
    }
    return fail(Code::kUnprocessable);
  }
  const Json& root = *parsed;
  if (!root.is_object()) {
    Problem("", "expected an object");
    return fail(Code::kUnprocessable);
  }
  CheckKeys(root, "",
            {"$schema", "convenant", "house", "declaration", "partners", "fields", "overlegvormen",
             "notification_categories", "outcomes", "case_retention_days"});
  ParseHeader(root);
  ParsePartners(root);
  ParseFields(root);
  ParseOverlegvormen(root);
  ParseNotificationCategories(root);
  ParseOutcomes(root);
  ParseCaseRetention(root);
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
