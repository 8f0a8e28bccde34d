#pragma once
// Context: what the exchange's use cases share (internal to exchange/): the
// covenant source, the case store, the clock, the audit log's door
// (EventRecorder) and the meeting snapshot cache; and the small checks and
// conversions they all need (caller roles, stored states and times, 422
// errors naming a JSON path).
//
// Borrows the audit log, the store and the clock (they must outlive it).
// Thread-safety: every member may be used concurrently.

#include <optional>
#include <string>
#include <string_view>

#include "audit/event.h"
#include "core/clock.h"
#include "core/role.h"
#include "core/status.h"
#include "exchange/events.h"
#include "exchange/exchange_service.h"
#include "exchange/snapshot.h"
#include "exchange/types.h"

namespace vh::exchange {

struct Context {
  Context(CovenantSource covenant_source, audit::AuditLog& audit, store::CaseStore& case_store,
          const Clock& time_source)
      : covenant(std::move(covenant_source)),
        cases(case_store),
        clock(time_source),
        events(audit),
        snapshots(case_store) {}

  // Now as the store writes times (RFC 3339, UTC, milliseconds).
  std::string Now() const { return FormatUtc(clock.Now()); }

  CovenantSource covenant;
  store::CaseStore& cases;
  const Clock& clock;
  EventRecorder events;
  SnapshotCache snapshots;
};

// Whether the caller's certificate role is `role`.
inline bool HasRole(const audit::Actor& caller, Role role) { return caller.role == RoleName(role); }
// A coordinator of the house (the only one who schedules and closes).
bool IsHouseCoordinator(const audit::Actor& caller, const policy::Covenant& c);
// PermissionDenied unless IsHouseCoordinator.
Status RequireHouseCoordinator(const audit::Actor& caller, const policy::Covenant& c);

// Unprocessable (422) with `reason`, the message "<path>: <what>".
Status Invalid(std::string_view reason, std::string_view path, std::string_view what);

// The stored meeting state; one the store does not write reads as closed
// (nothing is shown or changed).
MeetingState StateOf(const store::MeetingRecord& m);
// A request's state as callers see it: an open request past its deadline
// is overdue. `now` as Context::Now writes it.
RequestState EffectiveState(const store::RequestRecord& r, const std::string& now);

// A time the exchange stored (FormatUtc text); the epoch when it is not one.
TimePoint StoredTime(std::string_view text);
// The same, nullopt for "" (not set).
std::optional<TimePoint> OptionalStoredTime(std::string_view text);

}  // namespace vh::exchange
