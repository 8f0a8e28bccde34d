#include "exchange/context.h"

#include "policy/covenant.h"

namespace vh::exchange {

bool IsHouseCoordinator(const audit::Actor& caller, const policy::Covenant& c) {
  return HasRole(caller, Role::kCoordinator) && c.IsHouse(caller.partner);
}

Status RequireHouseCoordinator(const audit::Actor& caller, const policy::Covenant& c) {
  if (!IsHouseCoordinator(caller, c)) {
    return Status::PermissionDenied("only coordinators of the house may do this");
  }
  return Status::Ok();
}

Status Invalid(std::string_view reason, std::string_view path, std::string_view what) {
  return Status::Unprocessable(std::string(reason), std::string(path) + ": " + std::string(what));
}

MeetingState StateOf(const store::MeetingRecord& m) {
  return ParseMeetingState(m.state).value_or(MeetingState::kClosed);
}

RequestState EffectiveState(const store::RequestRecord& r, const std::string& now) {
  if (r.status == store::kRequestOpen && !r.deadline.empty() && r.deadline < now) {
    return RequestState::kOverdue;
  }
  return ParseRequestState(r.status).value_or(RequestState::kOpen);
}

TimePoint StoredTime(std::string_view text) { return ParseUtc(text).value_or(TimePoint()); }

std::optional<TimePoint> OptionalStoredTime(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return StoredTime(text);
}

}  // namespace vh::exchange
