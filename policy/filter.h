#pragma once
// The caller's view of a meeting's stored answers, and answer intake.
//
// FilterDossier applies the covenant to every stored value (subject, field,
// supplier): it is shown to the caller only when policy/engine.h allows it in
// the meeting's context, with the rule's transform applied:
//   full          the value as stored
//   presence      true when the supplier has a value (not null), else false
//   year          the year of a date, as an integer
//   age           whole years between a date and the meeting's start date
//   municipality  an address's `gemeente`
// Every value gets one Disclosure (shown or withheld, with rule, transform or
// reason) so the caller can write the audit event before answering.
//
// Residents only (policy/engine.h): when the meeting's overlegvorm names the
// caller in `residents_only`, a subject whose SubjectAnswers::municipality is
// not the caller's (or is unknown) does not exist for the caller: it is left
// out of the view entirely (no entry, not even its ref) and none of its values
// has a Disclosure, so an audit event built from `disclosures` does not
// reveal it either. Such subjects are not counted in `shown` or `withheld`.
//
// SplitAnswer is intake: a supplier's `{field: value}` is split into the
// fields it may supply in that overlegvorm (validated against their type) and
// the rest, which is withheld with a reason and must not be stored.
//
// Errors are values; nothing throws. Thread-safe (pure functions over an
// immutable Covenant). Lifetimes: Disclosure string_views point into the
// Covenant and into the `answers` argument; keep both alive while using them.

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "policy/covenant.h"
#include "policy/engine.h"

namespace vh::policy {

// What the covenant needs to know about a meeting instance.
struct MeetingContext {
  std::string overlegvorm;
  // Members of the overlegvorm taking part; empty = all its members.
  std::vector<std::string> participants;
  std::vector<std::string> ad_hoc;               // ad hoc invitees
  std::vector<std::string> declarations_signed;  // ad hoc invitees that signed for this meeting
  bool client_present = false;
  Date starts_on;  // the meeting's start date (for `age`)
  bool closed = false;
};

// Stored answers: per subject, per field, one value per supplier.
struct SuppliedValue {
  std::string supplier;  // partner id or the house id
  Json value;
};
struct FieldAnswers {
  std::string field;
  std::vector<SuppliedValue> values;
};
struct SubjectAnswers {
  std::string ref;
  std::vector<FieldAnswers> fields;
  // The subject's municipality of residence ("" unknown: nobody's resident).
  std::string municipality;
};

struct Disclosure {
  std::string_view subject;   // SubjectAnswers::ref
  std::string_view field;     // field id
  std::string_view supplier;  // supplier id
  Decision decision;          // allowed: rule and transform; else the reason
  // FilterOptions::text and allowed: where the shown value's compact JSON (the
  // bytes DumpJson gives for it) sits in DossierView::subjects_text.
  std::size_t shown_at = 0, shown_len = 0;
};

struct DossierView {
  // [{ref, fields: {field: [{value, from, rule, as}]}}], one per subject that
  // exists for the caller (a subject with nothing shown has empty `fields`).
  // Built when FilterOptions::json.
  Json subjects = Json::array();
  // The same array already serialised (compact), built when
  // FilterOptions::text: splice it into a response body without building a
  // DOM (about half the cost for large dossiers).
  std::string subjects_text;
  // One per stored value of the subjects that exist for the caller, in input
  // order.
  std::vector<Disclosure> disclosures;
  std::size_t shown = 0;
  std::size_t withheld = 0;
};

// The caller's view. Errors: NotFound when the overlegvorm is not in the
// covenant (e.g. removed by a reload); Unauthenticated when `caller` is not a
// partner or the house. A caller that takes no part, or a closed meeting,
// gives an ok view with nothing shown and every value withheld with the reason
// (the gateway decides whether to answer 403).
struct FilterOptions {
  bool json = true;   // fill DossierView::subjects
  bool text = false;  // fill DossierView::subjects_text
};
// REQUIRES: each field appears at most once per subject in `answers` (as
// AnswersFromJson produces); the text view would otherwise repeat the key.
Result<DossierView> FilterDossier(const Covenant& c, const MeetingContext& meeting,
                                  std::string_view caller,
                                  const std::vector<SubjectAnswers>& answers,
                                  const FilterOptions& options = {});

// Converts `{"<ref>": {"<field>": {"<supplier>": value}}}` (the store's JSON
// shape and the benchmark's input), consuming `j`. InvalidArgument when the
// shape is wrong.
Result<std::vector<SubjectAnswers>> AnswersFromJson(Json&& j);

// Whether the caller takes part in the meeting (member participating, ad hoc
// invitee that signed, or the house); the reason when not.
DenyReason Participation(const Covenant& c, const MeetingContext& meeting, std::string_view caller);

// Applies a transform to a value already valid for `field`. Returns false
// (and leaves *out alone) when the value does not fit.
bool ApplyTransform(const Field& field, Transform t, const Json& value, const Date& on, Json* out);

// Whole years from `born` to `on` (a birthday on 29 February is reached on
// 1 March in common years); negative when `on` is before `born`.
int AgeOn(const Date& born, const Date& on);

// Intake.
struct Withheld {
  std::string field;
  std::string reason;  // "not_in_covenant", "not_allowed_for_supplier"
};
struct Intake {
  Json accepted = Json::object();  // {field: value} to store
  std::vector<Withheld> withheld;
};

inline constexpr std::size_t kMaxStringValueBytes = 1024;     // type string
inline constexpr std::size_t kMaxTextValueBytes = 64 * 1024;  // type text

// Checks `value` against the field's type. Unprocessable ("wrong_type")
// naming `path` on a mismatch; null is accepted as "no value".
Status ValidateValue(const Field& field, const Json& value, std::string_view path);

// `fields` is the answer body's `fields` object. Errors: Unprocessable
// ("wrong_type") when `fields` is not an object or an accepted field's value
// does not fit its type, naming the path `/fields/<field>`; NotFound for an
// unknown overlegvorm; PermissionDenied for an unknown supplier.
Result<Intake> SplitAnswer(const Covenant& c, std::string_view overlegvorm,
                           std::string_view supplier, bool supplier_ad_hoc, const Json& fields);

}  // namespace vh::policy
