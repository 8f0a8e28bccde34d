#pragma once
// Who sees which notifications and cases, and what is known of a person
// (internal to exchange/). The use cases of notifications.h,
// cases.h, known_check.h and figures.h share these, so that a case of a
// restricted circle is hidden the same way everywhere.
//
//   - The house's coordinators see every notification and case, except a
//     case handled in an overlegvorm with a circle (radicalisering), which
//     only the circle's certificates see (and the notifications in it), and
//     a restricted notification (its category's) or case outside such an
//     overlegvorm, which only the coordinators in the circle of a restricted
//     overlegvorm see.
//   - A gemeente's participants (a partner with a `municipality`) see the
//     nazorg cases routed to their partner, limited (exchange/case_types.h).
//   - The notifier sees its own notification's feedback only; of a
//     restricted notification, only the certificate that sent it and the
//     notifier's certificates in a restricted circle.
//
// Thread-safety: pure functions over immutable values.

#include <string>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "exchange/case_types.h"
#include "store/case_records.h"

namespace vh::policy {
class Covenant;
struct Partner;
}  // namespace vh::policy

namespace vh::exchange {

// Whether the caller's certificate (partner and CN) is in the circle of a
// restricted overlegvorm.
bool InARestrictedCircle(const audit::Actor& caller, const policy::Covenant& c);

// A house coordinator who may see case `k` (the circle of its overlegvorm;
// a restricted case outside one: any restricted overlegvorm's circle).
bool SeesCase(const audit::Actor& caller, const policy::Covenant& c, const store::CaseRecord& k);

// A house coordinator who may see notification `n`, whose case is `k` (null
// when it has none).
bool SeesNotification(const audit::Actor& caller, const policy::Covenant& c,
                      const store::NotificationRecord& n, const store::CaseRecord* k);

// The caller's partner when it has a municipality of its own (a gemeente);
// null otherwise (also for the house).
const policy::Partner* MunicipalityPartner(const audit::Actor& caller, const policy::Covenant& c);

// What is already known of notification `n` among `notifications` and
// `cases` (exchange/case_types.h NotificationMatch): everything when
// `caller` is null, else only the cases and notifications it sees
// (SeesCase, SeesNotification).
std::vector<NotificationMatch> MatchesOf(
    const store::NotificationRecord& n, const std::vector<store::NotificationRecord>& notifications,
    const std::vector<store::CaseRecord>& cases, const audit::Actor* caller,
    const policy::Covenant& c);

// The case of id `id` among `cases`; null when none (or `id` is empty).
const store::CaseRecord* FindCase(const std::vector<store::CaseRecord>& cases, std::string_view id);

// The feedback of notification `n` (exchange/case_types.h
// NotificationFeedback) given the outcomes recorded on its case.
NotificationFeedback FeedbackOf(const policy::Covenant& c, const store::NotificationRecord& n,
                                const std::vector<store::CaseOutcomeRecord>& outcomes);

// The label of a meeting outcome or triage decision, for the notifier.
std::string DecisionLabel(const policy::Covenant& c, std::string_view decision);

}  // namespace vh::exchange
