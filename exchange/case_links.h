#pragma once
// Where meetings meet cases (internal to exchange/):
//
//   - A subject of a new meeting may name the open case it is discussed for
//     (subjects[].case): the case must exist (422 "unknown_case" naming
//     /subjects/<i>/case), be open (409 "case_closed") and be seen by the
//     coordinator (403 "not_in_circle"); refusals are recorded. The store
//     links them in the meeting's own transaction, and records the
//     meeting's decision about the subject on the case when it closes.
//   - Code rood: a meeting is urgent when its overlegvorm has `urgent: true`
//     and a subject names a case with an urgent notification that is not
//     closed. "Start at once" means: such a meeting may be created to start
//     now (as any meeting may) and its information requests may have any
//     deadline from now on, also within the hour and outside office hours,
//     where every other meeting's requests need at least kMinRequestNotice
//     (422 "deadline_too_soon").
//
// Thread-safety: as the exchange. Borrows nothing beyond the call.

#include <chrono>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/clock.h"
#include "core/status.h"
#include "exchange/context.h"
#include "store/case_records.h"

namespace vh::policy {
class Covenant;
struct Overlegvorm;
}  // namespace vh::policy

namespace vh::exchange {

// The least time between sending a meeting's information requests and
// their deadline, unless the meeting is urgent: partners need time to look
// a person up.
inline constexpr std::chrono::minutes kMinRequestNotice{60};

// The case links of a new meeting's subjects (agenda position i is
// command.subjects[i]).
Result<std::vector<store::CaseMeetingLink>> CaseLinksOf(Context& ctx, const audit::Actor& caller,
                                                        const policy::Covenant& c,
                                                        const policy::Overlegvorm& o,
                                                        const CreateMeeting& command);

// Whether meeting `meeting` of overlegvorm `o` is urgent (code rood).
Result<bool> IsUrgentMeeting(Context& ctx, const policy::Overlegvorm& o, std::string_view meeting);

// Ok when `deadline` leaves the notice a meeting's requests need; 422
// "deadline_too_soon" naming /deadline otherwise.
Status CheckRequestNotice(Context& ctx, const policy::Overlegvorm& o, std::string_view meeting,
                          TimePoint deadline);

}  // namespace vh::exchange
