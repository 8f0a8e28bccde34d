#pragma once
// `vhgate policy ...`: the covenant tools for privacy officers and operators.
//
//   check F
//       0 when F is a valid covenant (a one-line summary on `out`); 1 with one
//       `F: /json/pointer: reason` line per problem on `out`.
//   explain F --overlegvorm O --field X --from S --to P [--ad-hoc]
//           [--client-present] [--supplier-ad-hoc] [--resident | --not-resident]
//       0; prints the decision, the winning rule and why (every rule of O
//       naming X, and whether it matched). --resident / --not-resident say
//       whether the subject lives in P's municipality; without either, a
//       residents-only P is decided as for a subject of unknown municipality
//       (nobody's resident: DENY not_resident) and a note says so. An
//       overlegvorm, field, supplier or recipient that is not in F exits 2
//       naming it (nothing on `out`).
//   matrix F --format md|html
//       0; per overlegvorm a table of fields (label, category) against
//       recipients, each cell saying whose value shows and how; above it the
//       overlegvorm's facts: members, ad hoc, restricted, retention,
//       residents_only (and whom it makes residents-only), the circle, urgent,
//       processing_activity. A residents-only recipient's column shows what it
//       sees of its residents.
//   diff OLD NEW
//       0 when NEW reveals nothing that OLD did not; 1 when some flow
//       (overlegvorm, field, supplier -> recipient, also for a subject that is
//       not the recipient's resident) is new or more revealing, or access
//       around the tables widens: a circle entry added or a circle removed, a
//       residents-only partner's municipality changed, `check` or
//       `check_case_holder` granted. Prints one line per change: `new`, `more
//       revealing`, `less revealing`, `withdrawn`.
// Usage errors exit 2 (message on `err`); a covenant that does not load
// exits 1 with its problem lines on `out`.
// `args` are the words after `vhgate policy`. Never throws.

#include <ostream>
#include <string>
#include <vector>

namespace vh::policy {

int RunPolicyCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace vh::policy
