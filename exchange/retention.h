#pragma once
// Retention (internal to exchange/; ExchangeService is the entry): shreds
// every closed meeting whose retention has passed. The retention runs from
// the close (closed_at + the overlegvorm's retention_days), or to the
// extension a coordinator recorded; for a meeting nobody closed, from its
// ends_at: the run closes every open meeting whose ends_at lies more than
// kUnclosedGrace in the past (every subject's outcome "geen-besluit",
// policy::Covenant::kReservedOutcome; meeting_closed events by the system
// actor, one for the meeting and one per subject), with retention_until =
// ends_at + retention_days, and shreds it in the same run when that has
// passed. The store destroys the meeting's data key and rows and keeps a
// tombstone; the audit log keeps the meeting's events and gets one
// data_shredded event per meeting, appended inside the store's transaction.
// Then cases and notifications past their retention (exchange/case_retention.h).
//
// Called by the gateway's sweep and `vhgate retention run`.
// Errors: the first meeting that cannot be closed or shredded stops the run
// (the meetings before it stay closed or shredded). Thread-safety: may run
// next to any other call. Borrows the context, which must outlive it.

#include <chrono>
#include <optional>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/context.h"
#include "exchange/types.h"

namespace vh::exchange {

// How long after its ends_at a meeting nobody closed stays open, so that
// the coordinators can still close it with the meeting's outcomes.
inline constexpr std::chrono::hours kUnclosedGrace{24};

class Retention {
 public:
  explicit Retention(Context& ctx) : ctx_(ctx) {}

  Result<RetentionRun> Run(const audit::Actor& system);

 private:
  // Closes meeting `m` nobody closed; nullopt when it was closed meanwhile.
  Result<std::optional<ClosedMeeting>> CloseUnclosed(const audit::Actor& system,
                                                     const policy::Covenant& c,
                                                     const store::MeetingRecord& m);

  Context& ctx_;
};

}  // namespace vh::exchange
