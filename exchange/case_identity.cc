#include "exchange/case_identity.h"

#include <algorithm>
#include <cctype>

#include "core/bsn.h"
#include "exchange/context.h"
#include "policy/covenant.h"
#include "policy/filter.h"
#include "policy/loader.h"

namespace vh::exchange {
namespace {

bool IsControl(char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; }

std::string NormaliseName(std::string_view name) {
  std::string out;
  bool space = false;
  for (char ch : name) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out;
}

}  // namespace

Result<NotifiedPerson> ValidateIdentity(const policy::Covenant& c, const FieldValues& identity) {
  NotifiedPerson p;
  for (const auto& [key, value] : identity) {
    const std::string path = "/identity/" + policy::JsonPointerToken(key);
    const policy::Field* field = c.FindField(key);
    if (!field) return Invalid("unknown_field", path, "not a field of the covenant");
    if (field->category != policy::Category::kIdentificerend &&
        field->category != policy::Category::kBsn) {
      return Invalid("not_identity_field", path,
                     "not an identifying field (category identificerend or bsn)");
    }
    VH_RETURN_IF_ERROR(policy::ValidateValue(*field, value, path));
    if (value.is_null()) continue;
    if (field->category == policy::Category::kBsn) {
      std::optional<std::string> bsn =
          value.is_string() ? NormaliseBsn(value.get_ref<const std::string&>()) : std::nullopt;
      if (!bsn || !IsValidBsn(*bsn)) {
        return Invalid("invalid_bsn", path, "not a valid BSN (11-proef)");
      }
      if (p.bsn.empty()) p.bsn = *bsn;
      p.identity[field->id] = *bsn;
      continue;
    }
    if (field->type == policy::FieldType::kString && p.name.empty() && value.is_string()) {
      p.name = value.get<std::string>();
    } else if (field->type == policy::FieldType::kDate && p.birth_date.empty() &&
               value.is_string()) {
      p.birth_date = value.get<std::string>();
    } else if (field->type == policy::FieldType::kAddress && p.municipality.empty() &&
               value.is_object()) {
      auto g = value.find("gemeente");
      if (g != value.end() && g->is_string()) {
        p.municipality = std::string(policy::TrimAscii(g->get_ref<const std::string&>()));
      }
    }
    p.identity[field->id] = value;
  }
  if (p.bsn.empty() && (NormaliseName(p.name).empty() || p.birth_date.empty())) {
    return Invalid("missing_identity", "/identity",
                   "a BSN, or a name and a date of birth, is required");
  }
  return p;
}

std::string NameKey(const audit::Pseudonymizer& pseudonyms, std::string_view name,
                    std::string_view birth_date) {
  const std::string n = NormaliseName(name);
  if (n.empty() || birth_date.empty()) return "";
  // Not a BSN (letters and '|'), so never equal to a BSN's pseudonym.
  return pseudonyms.SubjectPseudonym("naam-geboortedatum|" + n + "|" + std::string(birth_date));
}

Result<std::string> CheckMunicipality(std::string_view municipality, std::string_view path) {
  std::string_view m = policy::TrimAscii(municipality);
  if (m.empty()) return Invalid("empty", path, "must not be blank");
  if (m.size() > kMaxMunicipalityBytes || std::any_of(m.begin(), m.end(), IsControl)) {
    return Invalid("invalid_municipality", path,
                   "not a municipality name (at most 128 characters)");
  }
  return std::string(m);
}

const policy::Partner* GemeenteOf(const policy::Covenant& c, std::string_view municipality) {
  for (const policy::Partner& p : c.partners()) {
    if (p.signatory && policy::SameMunicipality(p.municipality, municipality)) return &p;
  }
  return nullptr;
}

}  // namespace vh::exchange
