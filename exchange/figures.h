#pragma once
// Figures (internal to exchange/, CaseService is the entry): the counts a
// municipal factsheet carries: counts per overlegvorm and outcome, never
// names, radicalisation left out.
//
// Who: a house coordinator (or the house's own system, `vhgate stats`) gets
// the house's figures; a participant of a partner with a `municipality` (a
// gemeente) gets those of its own residents only (a notification's or
// case's municipality, a meeting subject's); anyone else 403
// "statistics_not_allowed". Each answer is a statistics_disclosed event.
//
// What, for the days `from`..`to` (UTC, both included; 422 "invalid_period"
// when `to` is before `from`):
//   - notifications received, by category (and, for the house, by gemeente
//     of residence, "overig" for elsewhere or unknown), and how many urgent;
//   - cases opened (by kind) and closed;
//   - meetings that started, by overlegvorm (the house only);
//   - per overlegvorm, the subjects on those meetings' agendas by decision
//     ("open" before one).
// Never counted: restricted overlegvormen and the subjects of their
// meetings, restricted notification categories, and every notification,
// case and meeting subject of a restricted case. Shredded data is gone and
// no longer counted. Counts are published as exchange/suppression.h says.
// No names, ids or pseudonyms, only covenant ids and municipality names of
// the covenant's own gemeenten.
//
// Thread-safety: as CaseService. Borrows the context.

#include "audit/event.h"
#include "core/status.h"
#include "exchange/case_types.h"
#include "exchange/context.h"

namespace vh::exchange {

Result<Figures> ComputeFigures(Context& ctx, const audit::Actor& caller, const FiguresQuery& query);

}  // namespace vh::exchange
