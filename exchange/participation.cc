#include "exchange/participation.h"

#include "exchange/access.h"
#include "exchange/context.h"
#include "policy/covenant.h"

namespace vh::exchange {

Status Participation(const audit::Actor& caller, const policy::Covenant& c, const Snapshot& s) {
  VH_RETURN_IF_ERROR(CheckCircle(caller, c, c.FindOverlegvorm(s.meeting.overlegvorm), s.staff));
  if (IsHouseCoordinator(caller, c)) return Status::Ok();
  if (!HasRole(caller, Role::kParticipant) ||
      !(s.IsParticipant(caller.partner) || c.IsHouse(caller.partner))) {
    return Status::PermissionDenied("not a participant of this meeting");
  }
  if (StateOf(s.meeting) != MeetingState::kOpen) {
    return Status::Make(Code::kPermissionDenied, "meeting_closed", "the meeting is closed");
  }
  return Status::Ok();
}

}  // namespace vh::exchange
