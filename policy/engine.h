#pragma once
// The covenant's decisions: may a value of field F supplied by S be shown to
// recipient P in a meeting of overlegvorm O, and how.
//
// Semantics (../shared/CONTRACT.md): default deny. P must take part (a member
// of O, an ad hoc partner admitted by O, or the house through @house); a rule
// of O must name F with S in `from` and P in `to`; while the client is present
// the rule must have `client: true`; non-signatory partners are reached only
// through `@ad_hoc`. When several rules match the least revealing wins
// (presence < year < age < full; presence < municipality < full); among
// equally revealing rules the first in the file.
//
// Groups in `from`: @members (members of O), @ad_hoc (a supplier invited ad
// hoc: Flow::supplier_ad_hoc and not a member), @participants (either),
// @chain:<c> (any partner of that chain), @house (the house: identities
// entered by coordinators). Groups in `to` are the same but limited to those
// taking part in the meeting.
//
// Decisions are table look-ups into CompiledOverlegvorm (built by the loader
// through BuildDecisionTables); no JSON is walked. All functions are pure
// reads of an immutable Covenant: thread-safe, never throw, and return a deny
// (never crash) for unknown or out-of-range inputs.
//
// Meeting state that the covenant cannot know (closed meetings, whether an
// invited ad hoc partner signed the declaration) is checked by the callers
// (policy/filter.h) with the reasons kMeetingClosed / kDeclarationNotSigned.

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "policy/covenant.h"

namespace vh::policy {

enum class DenyReason : uint8_t {
  kNone = 0,
  kUnknownOverlegvorm,
  kUnknownField,
  kUnknownSupplier,
  kUnknownRecipient,
  kNoRuleForField,       // no rule of O names the field
  kNotParticipant,       // P is not a member, not an admitted ad hoc partner, not the house
  kAdHocNotAdmitted,     // O admits no ad hoc partners (ad_hoc false or restricted)
  kSupplierNotAllowed,   // no rule for the field has S in `from`
  kRecipientNotAllowed,  // rules with S in `from` do not name P in `to`
  kNonSignatory,         // P is a non-signatory, reachable only through @ad_hoc
  kClientPresent,        // only rules with client:false match while the client is present
  kMeetingClosed,
  kDeclarationNotSigned,
  kInvalidValue,  // a stored value that does not fit the field (filter)
};

// A stable snake_case code ("no_rule_for_field") for audit events.
std::string_view DenyReasonCode(DenyReason r);
// A short English sentence for people (CLI, error messages).
std::string_view DenyReasonText(DenyReason r);

struct Decision {
  bool allowed = false;
  Transform as = Transform::kFull;  // when allowed
  const Rule* rule = nullptr;       // the winning rule when allowed, else null
  DenyReason reason = DenyReason::kNone;
  std::string_view covenant_sha256;  // the covenant that decided (valid while it lives)

  std::string_view rule_id() const { return rule ? std::string_view(rule->id) : ""; }
};

// A flow by dense indices (Overlegvorm::index, Field::index,
// Covenant::PrincipalIndex). The fast path.
struct Flow {
  int overlegvorm = -1;
  int field = -1;
  int supplier = -1;
  int recipient = -1;
  bool supplier_ad_hoc = false;   // S was invited ad hoc to the meeting
  bool recipient_ad_hoc = false;  // P is an ad hoc invitee that signed the declaration
  bool client_present = false;
};

Decision Decide(const Covenant& c, const Flow& flow);

// The same by ids (hash look-ups, then the table).
Decision Decide(const Covenant& c, std::string_view overlegvorm, std::string_view field,
                std::string_view supplier, std::string_view recipient, bool recipient_ad_hoc,
                bool client_present, bool supplier_ad_hoc = false);

// Fields that supplier S (a partner or the house) may supply in O: those named
// by a rule of O with S in `from`. In file order; empty for unknown S.
std::vector<const Field*> SuppliableFields(const Covenant& c, const Overlegvorm& o,
                                           std::string_view supplier, bool supplier_ad_hoc = false);
bool MaySupply(const Covenant& c, const Overlegvorm& o, const Field& f, std::string_view supplier,
               bool supplier_ad_hoc = false);

// Partners to send an information request to for a meeting of O: every
// partner (not the house) that some rule lets supply at least one field;
// `ad_hoc_invitees` count as ad hoc suppliers. In partner order.
std::vector<const Partner*> RequestSuppliers(const Covenant& c, const Overlegvorm& o,
                                             const std::vector<std::string>& ad_hoc_invitees = {});

// Built once by the loader. Fails (Unprocessable) when the tables would be
// larger than kMaxDecisionCells or take more than kMaxDecisionWork steps.
inline constexpr std::size_t kMaxDecisionCells = 8u << 20;
inline constexpr std::size_t kMaxDecisionWork = 64u << 20;  // cells x rules visited to fill them
inline constexpr std::size_t kMaxRulesPerOverlegvorm = 4000;
Status BuildDecisionTables(const Covenant& c, std::vector<CompiledOverlegvorm>* out);

}  // namespace vh::policy
