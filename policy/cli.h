#pragma once
// `vhgate policy ...`: the covenant tools for privacy officers and operators.
//
//   check F
//       0 when F is a valid covenant (a one-line summary on `out`); 1 with one
//       `F: /json/pointer: reason` line per problem on `out`.
//   explain F --overlegvorm O --field X --from S --to P [--ad-hoc]
//           [--client-present] [--supplier-ad-hoc]
//       0; prints the decision, the winning rule and why (every rule of O
//       naming X, and whether it matched).
//   matrix F --format md|html
//       0; per overlegvorm a table of fields (label, category) against
//       recipients, each cell saying whose value shows and how.
//   diff OLD NEW
//       0 when NEW reveals nothing that OLD did not; 1 when some flow
//       (overlegvorm, field, supplier -> recipient) is new or more revealing.
//       Prints one line per changed flow: `new`, `more revealing`, `less
//       revealing`, `withdrawn`.
// Usage errors exit 2 (message on `err`); a covenant that does not load
// exits 1 with its problem lines on `out`.
// `args` are the words after `vhgate policy`. Never throws.

#include <ostream>
#include <string>
#include <vector>

namespace vh::policy {

int RunPolicyCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace vh::policy
