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
#include <string_view>
#include <vector>

namespace vh::policy {

class Covenant;

int RunPolicyCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The matrix as data (what `matrix` renders, for the console's covenant
// screen): per overlegvorm its facts in Dutch, the recipient columns and per
// field named by a rule one cell per column ("full: om, politie; presence:
// ggz", "*" = hidden while the client is present; "" = nothing).
struct MatrixTable {
  std::string id, name, purpose, facts;
  std::vector<std::string> columns;
  struct Row {
    std::string field, label, category;
    std::vector<std::string> cells;  // one per column
  };
  std::vector<Row> rows;
};
// `only`: just that overlegvorm's table (none when it is not in the covenant).
std::vector<MatrixTable> BuildMatrix(const Covenant& covenant, std::string_view only = "");

// What `diff` does with two loaded covenants: one line per change on `out`
// (as above); returns how many lines widen (`more`: new or more revealing)
// and how many narrow (`less`). Neither covenant is put in force.
struct DiffCounts {
  int more = 0;
  int less = 0;
};
DiffCounts DiffCovenants(const Covenant& old_covenant, const Covenant& new_covenant,
                         std::ostream& out);

}  // namespace vh::policy
