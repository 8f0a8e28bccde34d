#pragma once
// Explaining one flow of a covenant for privacy officers and operators
// (`vhgate policy explain`): the decision, the winning rule and why.
//
// Explain names the flow, the decision (ALLOW as <transform> by rule <id>,
// or DENY (<reason>) with its reason in words), a note when the recipient
// sees residents only and the question left residency open (then the
// subject counts as nobody's resident), the overlegvorm's facts (members,
// ad hoc, restricted, residents only, circle), the recipient and a
// residents-only supplier, every rule of the overlegvorm naming the field
// (the winner marked) and the covenant's stamp. One line each, '\n'-ended.
//
// Errors: InvalidArgument "unknown_name" when the overlegvorm, the field,
// the supplier or the recipient is not in the covenant, its message naming
// which ("unknown overlegvorm 'x'"); nothing is explained then.
// Thread-safety: pure functions of a shared, immutable Covenant.

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "policy/covenant.h"

namespace vh::policy {

struct ExplainQuestion {
  std::string overlegvorm, field, from, to;
  bool ad_hoc = false;           // the recipient takes part ad hoc
  bool client_present = false;   // the client is at the table
  bool supplier_ad_hoc = false;  // the supplier takes part ad hoc
  // Whether the subject lives in the recipient's municipality; nullopt:
  // unknown (nobody's resident), and a note says so where it matters.
  std::optional<bool> resident;
};

Result<std::string> Explain(const Covenant& covenant, const ExplainQuestion& question);

// A rule's party list as the covenant writes it: "[politie, @members]".
std::string PartyList(const std::vector<Party>& parties);

}  // namespace vh::policy
