#pragma once
// The covenant's decisions: may a value of field F supplied by S be shown to
// recipient P in a meeting of overlegvorm O, and how.
//
// Semantics (docs/covenant-format.md "How a decision is made"): default
// deny. P must take part (a member
// of O, an ad hoc partner admitted by O, or the house through @house); a rule
// of O must name F with S in `from` and P in `to`; while the client is present
// the rule must have `client: true`; non-signatory partners receive only as
// ad hoc invitees (through @ad_hoc or @participants, never as members, by name
// or through @chain). When several rules match the least revealing wins
// (presence < year < age < full; presence < municipality < full); among
// equally revealing rules the first in the file.
//
// Groups in `from`: @members (members of O), @ad_hoc (a supplier invited ad
// hoc: Flow::supplier_ad_hoc and not a member), @participants (either),
// @chain:<c> (any partner of that chain), @house (the house: identities
// entered by coordinators). Groups in `to` are the same but limited to those
// taking part in the meeting.
//
// Residents only: for a partner that O's `residents_only` names (by id or
// through @members, @ad_hoc, @participants, @chain:<c>), a subject not resident
// in the partner's `municipality` does not exist in O: no value about it
// reaches the partner (kNotResident), the partner is not asked about it
// (AskAbout), and the filter leaves it out (policy/filter.h). Residence is
// SameMunicipality (covenant.h): trimmed, ASCII case-insensitive; an unknown
// municipality is nobody's.
//
// The circle: when O has a `circle`, only those certificates (partner and CN)
// take part (InCircle); the gateway enforces it.
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
  kNonSignatory,         // P is a non-signatory, reachable only as an ad hoc invitee
  kClientPresent,        // only rules with client:false match while the client is present
  kMeetingClosed,
  kDeclarationNotSigned,
  kInvalidValue,  // a stored value that does not fit the field (filter)
  kNotResident,   // P sees only residents of its municipality in O; the subject is not one
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
  // The subject lives in P's municipality (IsResident). False when unknown:
  // a residents-only P is then denied (kNotResident). Ignored for others.
  bool subject_resident = false;
};

Decision Decide(const Covenant& c, const Flow& flow);

// The same by ids (hash look-ups, then the table).
Decision Decide(const Covenant& c, std::string_view overlegvorm, std::string_view field,
                std::string_view supplier, std::string_view recipient, bool recipient_ad_hoc,
                bool client_present, bool supplier_ad_hoc = false, bool subject_resident = false);

// --- residents only ---

// Whether O's `residents_only` names principal `principal` taking part as
// `ad_hoc` (the slot of the decision tables). False for the house and for
// out-of-range input.
bool ResidentsOnly(const Covenant& c, const Overlegvorm& o, int principal, bool ad_hoc);
// Whether a subject living in `subject_municipality` ("" unknown) is resident
// in the municipality of principal `principal`: SameMunicipality. False for
// the house, for a partner without a municipality and for "".
bool IsResident(const Covenant& c, int principal, std::string_view subject_municipality);
// Whether the subject exists for the principal in O: it is not residents-only
// there, or the subject is its resident.
bool SubjectExistsFor(const Covenant& c, const Overlegvorm& o, int principal, bool ad_hoc,
                      std::string_view subject_municipality);
// Whether to send `supplier` (a partner id, or the house) an information
// request about a subject living in `subject_municipality` ("" unknown) for a
// meeting of O: it may supply some field in O (SuppliableFields) and the
// subject exists for it. False for an unknown supplier.
bool AskAbout(const Covenant& c, const Overlegvorm& o, std::string_view supplier,
              bool supplier_ad_hoc, std::string_view subject_municipality);
// RequestSuppliers narrowed to one subject: the partners AskAbout says yes to.
std::vector<const Partner*> RequestSuppliersAbout(const Covenant& c, const Overlegvorm& o,
                                                  const std::vector<std::string>& ad_hoc_invitees,
                                                  std::string_view subject_municipality);

// --- the circle ---

// Whether the certificate (its O = `partner`, a partner id or the house id,
// and its CN, compared exactly) may take part in a meeting of O: true when O
// has no circle, else whether the circle lists it. A hash look-up.
bool InCircle(const Overlegvorm& o, std::string_view partner, std::string_view cn);

// Fields that supplier S (a partner or the house) may supply in O: those named
// by a rule of O with S in `from`. In file order; empty for unknown S.
std::vector<const Field*> SuppliableFields(const Covenant& c, const Overlegvorm& o,
                                           std::string_view supplier, bool supplier_ad_hoc = false);
bool MaySupply(const Covenant& c, const Overlegvorm& o, const Field& f, std::string_view supplier,
               bool supplier_ad_hoc = false);

// Partners to send an information request to for a meeting of O: every
// partner (not the house) that some rule lets supply at least one field;
// `ad_hoc_invitees` count as ad hoc suppliers. In partner order. Per subject,
// narrow with AskAbout / RequestSuppliersAbout (residents only).
std::vector<const Partner*> RequestSuppliers(const Covenant& c, const Overlegvorm& o,
                                             const std::vector<std::string>& ad_hoc_invitees = {});

// Built once by the loader. Fails (Unprocessable) when the tables would be
// larger than kMaxDecisionCells or take more than kMaxDecisionWork steps.
inline constexpr std::size_t kMaxDecisionCells = 8u << 20;
inline constexpr std::size_t kMaxDecisionWork = 64u << 20;  // cells x rules visited to fill them
inline constexpr std::size_t kMaxRulesPerOverlegvorm = 4000;
Status BuildDecisionTables(const Covenant& c, std::vector<CompiledOverlegvorm>* out);

}  // namespace vh::policy
