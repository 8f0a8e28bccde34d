#pragma once
// What a new covenant reveals that the old one did not (`vhgate policy
// diff`): for a privacy officer approving a change.
//
// Compares every flow (overlegvorm, field, supplier -> recipient, each also
// with an ad hoc supplier or recipient, the client present, and a subject
// that is not the recipient's resident; a variant only where it differs from
// its plainer form) and the access around the tables: a residents-only
// partner's municipality, `check` and `check_case_holder`, the circles. One
// line per change, '\n'-ended: `new: ...`, `more revealing: ...` (widening),
// `less revealing: ...`, `withdrawn: ...` (narrowing). An overlegvorm,
// field or partner only one side has counts as absent on the other.
// Thread-safety: a pure function of two shared, immutable Covenants.

#include <string>

#include "policy/covenant.h"

namespace vh::policy {

struct CovenantDiff {
  std::string lines;  // the changes, one per line; "" when there are none
  int widening = 0;   // lines that are new or more revealing
  int narrowing = 0;  // lines that are withdrawn or less revealing
};

CovenantDiff DiffCovenants(const Covenant& old_covenant, const Covenant& new_covenant);

}  // namespace vh::policy
