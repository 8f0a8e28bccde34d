#pragma once
// Retention of cases and notifications (internal to exchange/),
// run by exchange/retention.h after the meetings: every closed case whose
// retention (its close + case_retention_days) has passed is crypto-shredded
// with its notifications (their data keys destroyed, rows reduced to
// tombstones; store/README.md), and so is every closed notification outside
// a case (niet-agenderen, doorverwijzen) past its retention from the
// triage. One data_shredded event each (detail names the case or the
// notification; the subject is the person's pseudonym), appended inside the
// store's transaction.
//
// Errors: the first that cannot be shredded stops the run.
// Thread-safety: may run next to any other call.

#include <string>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/context.h"
#include "exchange/types.h"

namespace vh::exchange {

// Shreds what is due at `now` (FormatUtc text) into `run`.
Status ShredCasesDue(Context& ctx, const audit::Actor& system, const std::string& now,
                     RetentionRun* run);

}  // namespace vh::exchange
