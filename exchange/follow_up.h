#pragma once
// The follow-up plan of a case (internal to exchange/): after the
// meeting, the case holder is approached after 1 week, 1 month, 3 months and
// 6 months (exchange/README.md "Before and after the meeting", Follow-up),
// and a case with a release date (a detention notice) once more three months
// before the release.
//
//   - The four moments count from the day of the first decision a meeting
//     recorded on the case (a subject that names the case, at the meeting's
//     close); before that the plan has no such items.
//   - "before-release" falls three calendar months before the release date,
//     or on the case's first day when that is later.
//   - Months are calendar months; a day that does not exist in the target
//     month is its last day (31 January + 1 month = 28 or 29 February).
//   - An item is done when the coordinator closed it with an outcome
//     (store::FollowUpRecord), due when its day has come (UTC) and it is not
//     done, planned otherwise.
//
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include "core/clock.h"
#include "exchange/case_types.h"
#include "store/case_records.h"

namespace vh::exchange {

Date AddDays(Date d, int days);
Date AddMonths(Date d, int months);

// The plan of `c`, by due day, with each item's state on `today`.
std::vector<FollowUpItem> FollowUpPlan(const store::CaseRecord& c,
                                       const std::vector<store::CaseOutcomeRecord>& outcomes,
                                       const std::vector<store::FollowUpRecord>& done, Date today);

}  // namespace vh::exchange
