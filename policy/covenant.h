#pragma once
// Covenant: the compiled, immutable form of the Samenwerkings- en
// Privacyconvenant (docs/covenant-format.md).
//
// A Covenant is produced only by the loader (policy/loader.h) after the whole
// file validated; it is never modified afterwards. Callers share it as
// std::shared_ptr<const Covenant> (a snapshot: a reload swaps in a new one,
// see policy/covenant_holder.h) and may read it from any number of threads.
// Pointers and string_views returned by its accessors live as long as the
// Covenant itself.
//
// Partners, fields and overlegvormen have dense indices (their position in
// the file); the house gets the principal index partners().size(). The
// decision tables of policy/engine.h are built at load time and stored here.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace vh::policy {

enum class Chain : uint8_t { kStraf, kZorg, kBestuur, kOverig };
enum class FieldType : uint8_t { kString, kText, kBoolean, kInteger, kDate, kEnum, kAddress };
enum class Category : uint8_t { kIdentificerend, kGewoon, kBijzonder, kStrafrechtelijk, kBsn };
// Ordered roughly by how much they reveal; see Reveals().
enum class Transform : uint8_t { kPresence, kYear, kMunicipality, kAge, kFull };

std::string_view ChainName(Chain c);
std::string_view FieldTypeName(FieldType t);
std::string_view CategoryName(Category c);
std::string_view TransformName(Transform t);
bool ParseChain(std::string_view s, Chain* out);
bool ParseFieldType(std::string_view s, FieldType* out);
bool ParseCategory(std::string_view s, Category* out);
bool ParseTransform(std::string_view s, Transform* out);

// Whether two municipality names name the same municipality: equal after
// trimming ASCII white space at both ends and folding ASCII letters to lower
// case ("Leiden" = " leiden"); other bytes (e.g. the "â" of "Súdwest-Fryslân")
// must match exactly. A name that is empty after trimming matches nothing, not
// even another empty name: a subject of unknown municipality is nobody's
// resident.
bool SameMunicipality(std::string_view a, std::string_view b);
// `s` without leading and trailing ASCII white space.
std::string_view TrimAscii(std::string_view s);

// How much a transform reveals: presence 0 < year = municipality 1 < age 2 <
// full 3. `year` and `municipality` never apply to the same field type, so
// this is the contract's partial order made total.
int RevealRank(Transform t);
// Whether transform `t` may be applied to a field of type `type`.
bool TransformFits(Transform t, FieldType type);

struct Partner {
  std::string id;
  std::string name;
  Chain chain = Chain::kOverig;
  bool signatory = false;
  std::string oin;  // empty when the covenant gives none
  // A gemeente's own municipality (trimmed as written); "" when none. Where an
  // overlegvorm's `residents_only` names the partner, it sees only subjects
  // resident there (SameMunicipality).
  std::string municipality;
  bool check = false;              // may ask GET /v1/check whether a person is known
  bool check_case_holder = false;  // that answer may name the case holder (needs `check`)
  int index = 0;
};

struct Field {
  std::string id;
  std::string label;
  FieldType type = FieldType::kString;
  Category category = Category::kGewoon;
  std::vector<std::string> values;  // enum values; empty for other types
  int index = 0;
};

// One entry of a rule's `from` or `to`: a partner or a group.
struct Party {
  enum class Kind : uint8_t { kPartner, kMembers, kAdHoc, kParticipants, kChain, kHouse };
  Kind kind = Kind::kPartner;
  int partner = -1;              // kPartner: partner index
  Chain chain = Chain::kOverig;  // kChain
  std::string text;              // as written in the file
};

struct Rule {
  std::string id;
  const Field* field = nullptr;
  std::vector<Party> from;
  std::vector<Party> to;
  Transform as = Transform::kFull;
  bool client = false;  // shown while the client is at the table
  int index = 0;        // position within its overlegvorm
};

// One certificate of an overlegvorm's circle: the partner (or the house) and
// the certificate's CN, compared exactly.
struct CircleMember {
  std::string partner;
  std::string cn;
};

struct Overlegvorm {
  std::string id;
  std::string name;
  std::string purpose;
  std::vector<const Partner*> members;
  bool ad_hoc = false;
  bool restricted = false;
  int retention_days = 0;
  std::vector<const Field*> request_identity;
  std::vector<Rule> rules;
  // Partners and groups that see only residents of their municipality, as
  // written; resolved per slot into CompiledOverlegvorm::residents_only.
  std::vector<Party> residents_only;
  // The certificates that may take part; empty = no circle (every certificate
  // of a participant). Never empty when restricted. See InCircle (engine.h).
  std::vector<CircleMember> circle;
  bool urgent = false;              // a meeting may start at once for an urgent notification
  std::string processing_activity;  // absolute URI of the processing activity; "" when none
  int index = 0;

  bool IsMember(int partner_index) const;
  // Whether ad hoc partners may be invited (ad_hoc and not restricted).
  bool AdmitsAdHoc() const { return ad_hoc && !restricted; }
  // Whether `circle` holds (partner, cn); false when there is no circle.
  bool CircleContains(std::string_view partner, std::string_view cn) const;

 private:
  friend class CovenantBuilder;
  std::unordered_set<std::string> circle_keys_;  // partner + '\0' + cn
};

// A category of notification (melding), e.g. "detentie".
struct NotificationCategory {
  std::string id;
  std::string label;
  bool release_date = false;  // a notification of this category carries a release date
  // Handled in a restricted circle (radicalisering): its notifications and
  // their cases never appear in statistics and are not disclosed by a check.
  bool restricted = false;
};

// A meeting outcome (besluit) per subject, e.g. "focus".
struct Outcome {
  std::string id;
  std::string label;
};

// Compiled decision tables for one overlegvorm (see policy/engine.h). Cells
// are indexed [supplier slot][recipient slot] with slot = principal * 2 +
// ad_hoc; each cell holds the decision without (low 16 bits) and with (high
// 16 bits) the client present.
struct CompiledOverlegvorm {
  std::vector<int32_t> field_offset;  // per field: start in `cells`, or -1 (no rule)
  std::vector<uint32_t> cells;
  // Per supplier slot: the field indices that some rule lets it supply.
  std::vector<std::vector<int>> suppliable;
  // Per slot: 1 when `residents_only` names it (as recipient and as supplier,
  // it sees and is asked about only residents of its municipality).
  std::vector<uint8_t> residents_only;
};

class Covenant {
 public:
  // Built by the loader only.
  Covenant() = default;
  Covenant(const Covenant&) = delete;
  Covenant& operator=(const Covenant&) = delete;

  const std::string& id() const { return id_; }
  const std::string& version() const { return version_; }
  const std::string& title() const { return title_; }
  const std::string& valid_from() const { return valid_from_; }
  const std::string& valid_until() const { return valid_until_; }  // "" when open-ended
  // True when `date` (YYYY-MM-DD) lies in [valid_from, valid_until], both
  // days included. The loader has validated both dates, so string order is
  // date order.
  bool InForceOn(std::string_view date) const {
    return date >= valid_from_ && (valid_until_.empty() || date <= valid_until_);
  }
  const std::string& sha256() const { return sha256_; }  // hex SHA-256 of the file bytes
  const std::string& house() const { return house_; }
  const std::string& declaration() const { return declaration_; }  // default text when absent
  const std::string& source() const { return source_; }            // file name as loaded

  const std::vector<Partner>& partners() const { return partners_; }
  const std::vector<Field>& fields() const { return fields_; }
  const std::vector<Overlegvorm>& overlegvormen() const { return overlegvormen_; }

  // Null when unknown. The house is not a Partner: see IsHouse / PrincipalIndex.
  const Partner* FindPartner(std::string_view id) const;
  const Field* FindField(std::string_view id) const;
  const Overlegvorm* FindOverlegvorm(std::string_view id) const;

  bool IsHouse(std::string_view id) const { return id == house_; }
  // Partners 0..n-1, the house n; -1 when unknown.
  int PrincipalIndex(std::string_view id) const;
  int house_index() const { return static_cast<int>(partners_.size()); }
  int principal_count() const { return static_cast<int>(partners_.size()) + 1; }
  // The id of principal `index` (a partner id or the house id).
  std::string_view PrincipalId(int index) const;

  const CompiledOverlegvorm& compiled(int overlegvorm_index) const {
    return compiled_[static_cast<std::size_t>(overlegvorm_index)];
  }

  // Notification categories in file order (DefaultNotificationCategories()
  // when the file has none); null when unknown.
  const std::vector<NotificationCategory>& notification_categories() const {
    return notification_categories_;
  }
  const NotificationCategory* FindNotificationCategory(std::string_view id) const;
  // Meeting outcomes in file order (DefaultOutcomes() when the file has none).
  const std::vector<Outcome>& outcomes() const { return outcomes_; }
  const Outcome* FindOutcome(std::string_view id) const;
  // Days a closed case is kept (kDefaultCaseRetentionDays when absent).
  int case_retention_days() const { return case_retention_days_; }

  static constexpr int kDefaultCaseRetentionDays = 365;
  // The outcome the retention sweep records for a meeting nobody closed; no
  // covenant outcome may use this id.
  static constexpr std::string_view kReservedOutcome = "geen-besluit";
  static const char* DefaultDeclaration();
  static std::vector<NotificationCategory> DefaultNotificationCategories();
  static std::vector<Outcome> DefaultOutcomes();

 private:
  friend class CovenantBuilder;  // loader.cc

  std::string id_, version_, title_, valid_from_, valid_until_, sha256_, house_, declaration_,
      source_;
  std::vector<Partner> partners_;
  std::vector<Field> fields_;
  std::vector<Overlegvorm> overlegvormen_;
  std::vector<NotificationCategory> notification_categories_;
  std::vector<Outcome> outcomes_;
  int case_retention_days_ = kDefaultCaseRetentionDays;
  std::unordered_map<std::string_view, int> partner_by_id_, field_by_id_, overlegvorm_by_id_;
  std::vector<CompiledOverlegvorm> compiled_;
};

}  // namespace vh::policy
