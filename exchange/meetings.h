#pragma once
// Meetings (internal to exchange/; ExchangeService is the entry): create,
// read, phase, close with outcomes, extend retention. Coordinators of the
// house only (in the circle, where the overlegvorm has one), except reading
// a meeting, which participants of partners taking part may do while it is
// open (exchange/access.h: circle, staff; an ad hoc participant that has not
// signed, or after the end, sees a limited meeting). Every refusal is
// audited.
//
// Audit events: meeting_created, phase_changed, meeting_closed (one for the
// meeting, one per decided subject), retention_extended (the reason's code
// and MAC; its text is sealed in the store), access_refused.
// Each is appended inside the store's transaction (before_commit), so a
// change the log cannot record is rolled back (503).
// Errors and thread-safety: as ExchangeService (exchange_service.h).
// Borrows the context, which must outlive it.

#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/context.h"
#include "exchange/types.h"

namespace vh::exchange {

class Meetings {
 public:
  explicit Meetings(Context& ctx) : ctx_(ctx) {}

  Result<Meeting> Create(const audit::Actor& caller, const CreateMeeting& command);
  Result<Meeting> Get(const audit::Actor& caller, std::string_view meeting_id);
  // The meetings the caller may Get, narrowed by `filter`, by starts_at.
  Result<std::vector<Meeting>> List(const audit::Actor& caller, MeetingListFilter filter);
  Result<PhaseChange> ChangePhase(const audit::Actor& caller, std::string_view meeting_id,
                                  const SetPhase& command);
  Result<ClosedMeeting> Close(const audit::Actor& caller, std::string_view meeting_id,
                              const CloseMeeting& command);
  Result<RetentionExtension> Extend(const audit::Actor& caller, std::string_view meeting_id,
                                    const ExtendRetention& command);

 private:
  // What `caller` sees of meeting `s`, or PermissionDenied (not audited here):
  // the participation decision (exchange/participation.h), then the view (an
  // ad hoc participant before signing or after the end: only the times and
  // its declaration state). Get and List both go through it, so what a caller
  // sees of a meeting is decided in one place.
  Result<Meeting> SeenBy(const audit::Actor& caller, const policy::Covenant& c, const Snapshot& s);
  // The meeting as a coordinator (`viewer` "") or a participant of partner
  // `viewer` sees it: a participant sees only the subjects that exist for
  // its partner (residents only).
  Meeting View(const Snapshot& s, const policy::Covenant& c, std::string_view viewer);

  Context& ctx_;
};

}  // namespace vh::exchange
