#pragma once
// Who sees which notifications and cases, and what is known of a person
// (internal to exchange/). The use cases of notifications.h,
// cases.h, known_check.h and figures.h share these, so that a case of a
// restricted circle is hidden the same way everywhere.
//
//   - The house's coordinators see every notification and case, except a
//     case handled in an overlegvorm with a circle (radicalisering), which
//     only the circle's certificates see (and the notifications in it).
//   - A gemeente's participants (a partner with a `municipality`) see the
//     nazorg cases routed to their partner, limited (exchange/case_types.h).
//   - The notifier sees its own notification's feedback only.
//
// Thread-safety: pure functions over immutable values.

#include <algorithm>
#include <string>
#include <vector>

#include "audit/event.h"
#include "exchange/case_types.h"
#include "store/case_records.h"

namespace vh::policy {
class Covenant;
struct Partner;
}  // namespace vh::policy

namespace vh::exchange {

// A house coordinator who may see case `k` (the circle of its overlegvorm).
bool SeesCase(const audit::Actor& caller, const policy::Covenant& c, const store::CaseRecord& k);

// The caller's partner when it has a municipality of its own (a gemeente);
// null otherwise (also for the house).
const policy::Partner* MunicipalityPartner(const audit::Actor& caller, const policy::Covenant& c);

// What is already known of notification `n` among `notifications` and
// `cases` (exchange/case_types.h NotificationMatch), leaving out cases (and
// notifications in cases) `visible` rejects.
template <typename Visible>
std::vector<NotificationMatch> MatchesOf(
    const store::NotificationRecord& n, const std::vector<store::NotificationRecord>& notifications,
    const std::vector<store::CaseRecord>& cases, Visible&& visible);

// The feedback of notification `n` (exchange/case_types.h
// NotificationFeedback) given the outcomes recorded on its case.
NotificationFeedback FeedbackOf(const policy::Covenant& c, const store::NotificationRecord& n,
                                const std::vector<store::CaseOutcomeRecord>& outcomes);

// The label of a meeting outcome or triage decision, for the notifier.
std::string DecisionLabel(const policy::Covenant& c, std::string_view decision);

// --- implementation -----------------------------------------------------------

namespace case_access_detail {
// How two records match: "bsn", "name_and_birth_date" (a candidate) or "".
inline std::string MatchBy(const std::string& bsn_a, const std::string& name_a,
                           const std::string& bsn_b, const std::string& name_b) {
  if (!bsn_a.empty() && bsn_a == bsn_b) return "bsn";
  // Two different BSNs are two people, whatever their names.
  if (!bsn_a.empty() && !bsn_b.empty()) return "";
  if (!name_a.empty() && name_a == name_b) return "name_and_birth_date";
  return "";
}
}  // namespace case_access_detail

template <typename Visible>
std::vector<NotificationMatch> MatchesOf(
    const store::NotificationRecord& n, const std::vector<store::NotificationRecord>& notifications,
    const std::vector<store::CaseRecord>& cases, Visible&& visible) {
  using case_access_detail::MatchBy;
  std::vector<NotificationMatch> out;
  for (const store::CaseRecord& k : cases) {
    if (k.id == n.case_id || !visible(k)) continue;
    const std::string by = MatchBy(n.pseudonym, n.name_key, k.pseudonym, k.name_key);
    if (by.empty()) continue;
    out.push_back({"case", k.id, by, by != "bsn", k.status});
  }
  for (const store::NotificationRecord& o : notifications) {
    if (o.id == n.id) continue;
    if (!o.case_id.empty()) {
      auto k = std::find_if(cases.begin(), cases.end(),
                            [&](const store::CaseRecord& x) { return x.id == o.case_id; });
      if (k != cases.end() && !visible(*k)) continue;
    }
    const std::string by = MatchBy(n.pseudonym, n.name_key, o.pseudonym, o.name_key);
    if (by.empty()) continue;
    out.push_back({"notification", o.id, by, by != "bsn", o.status});
  }
  return out;
}

}  // namespace vh::exchange
