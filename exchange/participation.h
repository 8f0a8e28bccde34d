#pragma once
// Who takes part in a meeting (internal to exchange/): the one decision that
// GET /v1/meetings/{id}, the meeting list (GET /v1/meetings) and the
// coordinator's request board share, so that a change of who takes part
// (residents only, the circle of a restricted overlegvorm, per-person
// declarations) reaches all of them at once.
//
// It only decides; it writes no audit event. A caller that refuses a single
// meeting records the refusal itself (EventRecorder::Refuse); the list leaves
// the meeting out silently.
// Thread-safety: a pure function of its arguments.

#include "audit/event.h"
#include "core/status.h"
#include "exchange/snapshot.h"

namespace vh::policy {
class Covenant;
}

namespace vh::exchange {

// Ok when `caller` may see meeting `s` at all: in the overlegvorm's circle or
// the meeting's staff where it names them (else "not_in_circle" /
// "not_in_staff"), and then a coordinator of the house;
// a participant of a partner taking part (a member or an ad hoc invitee) or
// of the house, while the meeting is open. Otherwise PermissionDenied:
// "not a participant of this meeting", or reason "meeting_closed".
Status Participation(const audit::Actor& caller, const policy::Covenant& c, const Snapshot& s);

}  // namespace vh::exchange
