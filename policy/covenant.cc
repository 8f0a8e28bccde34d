#include "policy/covenant.h"

#include <array>

namespace vh::policy {
namespace {

constexpr std::array<std::string_view, 4> kChainNames = {"straf", "zorg", "bestuur", "overig"};
constexpr std::array<std::string_view, 7> kFieldTypeNames = {"string", "text", "boolean", "integer",
                                                             "date",   "enum", "address"};
constexpr std::array<std::string_view, 5> kCategoryNames = {"identificerend", "gewoon", "bijzonder",
                                                            "strafrechtelijk", "bsn"};
constexpr std::array<std::string_view, 5> kTransformNames = {"presence", "year", "municipality",
                                                             "age", "full"};

template <typename E, std::size_t N>
bool ParseName(const std::array<std::string_view, N>& names, std::string_view s, E* out) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) {
      *out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view ChainName(Chain c) { return kChainNames[static_cast<std::size_t>(c)]; }
std::string_view FieldTypeName(FieldType t) { return kFieldTypeNames[static_cast<std::size_t>(t)]; }
std::string_view CategoryName(Category c) { return kCategoryNames[static_cast<std::size_t>(c)]; }
std::string_view TransformName(Transform t) { return kTransformNames[static_cast<std::size_t>(t)]; }
bool ParseChain(std::string_view s, Chain* out) { return ParseName(kChainNames, s, out); }
bool ParseFieldType(std::string_view s, FieldType* out) {
  return ParseName(kFieldTypeNames, s, out);
}
bool ParseCategory(std::string_view s, Category* out) { return ParseName(kCategoryNames, s, out); }
bool ParseTransform(std::string_view s, Transform* out) {
  return ParseName(kTransformNames, s, out);
}

int RevealRank(Transform t) {
  switch (t) {
    case Transform::kPresence:
      return 0;
    case Transform::kYear:
    case Transform::kMunicipality:
      return 1;
    case Transform::kAge:
      return 2;
    case Transform::kFull:
      return 3;
  }
  return 3;
}

bool TransformFits(Transform t, FieldType type) {
  switch (t) {
    case Transform::kFull:
    case Transform::kPresence:
      return true;
    case Transform::kYear:
    case Transform::kAge:
      return type == FieldType::kDate;
    case Transform::kMunicipality:
      return type == FieldType::kAddress;
  }
  return false;
}

std::string_view TrimAscii(std::string_view s) {
  auto space = [](char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool SameMunicipality(std::string_view a, std::string_view b) {
  a = TrimAscii(a);
  b = TrimAscii(b);
  if (a.empty() || a.size() != b.size()) return false;
  auto lower = [](char ch) {
    return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool Overlegvorm::CircleContains(std::string_view partner, std::string_view cn) const {
  std::string key;
  key.reserve(partner.size() + 1 + cn.size());
  key.append(partner);
  key.push_back('\0');
  key.append(cn);
  return circle_keys_.count(key) > 0;
}

bool Overlegvorm::IsMember(int partner_index) const {
  for (const Partner* p : members) {
    if (p->index == partner_index) return true;
  }
  return false;
}

const Partner* Covenant::FindPartner(std::string_view id) const {
  auto it = partner_by_id_.find(id);
  return it == partner_by_id_.end() ? nullptr : &partners_[static_cast<std::size_t>(it->second)];
}

const Field* Covenant::FindField(std::string_view id) const {
  auto it = field_by_id_.find(id);
  return it == field_by_id_.end() ? nullptr : &fields_[static_cast<std::size_t>(it->second)];
}

const Overlegvorm* Covenant::FindOverlegvorm(std::string_view id) const {
  auto it = overlegvorm_by_id_.find(id);
  return it == overlegvorm_by_id_.end() ? nullptr
                                        : &overlegvormen_[static_cast<std::size_t>(it->second)];
}

const NotificationCategory* Covenant::FindNotificationCategory(std::string_view id) const {
  for (const NotificationCategory& n : notification_categories_) {
    if (n.id == id) return &n;
  }
  return nullptr;
}

const Outcome* Covenant::FindOutcome(std::string_view id) const {
  for (const Outcome& o : outcomes_) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

int Covenant::PrincipalIndex(std::string_view id) const {
  if (id.empty()) return -1;
  if (id == house_) return house_index();
  auto it = partner_by_id_.find(id);
  return it == partner_by_id_.end() ? -1 : it->second;
}

std::string_view Covenant::PrincipalId(int index) const {
  if (index == house_index()) return house_;
  if (index < 0 || index > house_index()) return {};
  return partners_[static_cast<std::size_t>(index)].id;
}

const char* Covenant::DefaultDeclaration() {
  return "Ondergetekende verklaart, als ad hoc deelnemer aan dit overleg van het Zorg- en "
         "Veiligheidshuis, geheimhouding te betrachten over alle persoonsgegevens en andere "
         "vertrouwelijke informatie die hem of haar in of voor dit overleg ter kennis komen, "
         "deze uitsluitend te gebruiken voor het doel van dit overleg, ze niet aan derden te "
         "verstrekken en geen aantekeningen buiten het registratiesysteem te bewaren, "
         "overeenkomstig het Samenwerkings- en Privacyconvenant.";
}

std::vector<NotificationCategory> Covenant::DefaultNotificationCategories() {
  return {{"aanhouding", "Aanhouding door de politie", false, false},
          {"detentie", "Detentie en invrijheidstelling", true, false},
          {"zorgmelding", "Zorgmelding", false, false},
          {"overlast", "Overlast", false, false},
          {"huiselijk-geweld", "Huiselijk geweld", false, false},
          {"radicalisering", "Signalen van radicalisering", false, true},
          {"overig", "Overige melding", false, false}};
}

// The five decisions the exchange accepted before outcomes were configurable
// (exchange/exchange_service.cc, kDecisions).
std::vector<Outcome> Covenant::DefaultOutcomes() {
  return {{"focus", "Agenderen voor het focusoverleg"},
          {"bilateraal", "Bilateraal oppakken"},
          {"monitoren", "Monitoren"},
          {"verwijzen", "Verwijzen naar een andere aanpak"},
          {"geen-vervolg", "Geen vervolg"}};
}

}  // namespace vh::policy
