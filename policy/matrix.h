#pragma once
// The covenant as a readable table per overlegvorm (`vhgate policy matrix`),
// in Dutch, for privacy officers and the partners' own staff.
//
// Per overlegvorm: its name, purpose and facts (members, ad hoc, restricted,
// retention, residents_only and whom it makes residents-only, the circle,
// urgent, processing_activity), then a table of the fields it names (label,
// category) against the recipients (members, the house, ad hoc partners
// that see anything), each cell saying whose value shows and how ("full:
// om, politie; presence: ggz*", "*" = not while the client is present). A
// residents-only recipient's column shows what it sees of its residents.
// Markdown escapes '|'; HTML escapes everything (core/html.h) and is a whole
// page without scripts.
// Thread-safety: a pure function of a shared, immutable Covenant.

#include <string>
#include <string_view>
#include <vector>

#include "policy/covenant.h"

namespace vh::policy {

enum class MatrixFormat { kMarkdown, kHtml };

// The matrix as data (what RenderMatrix writes; the console's covenant
// screen): per overlegvorm its facts in Dutch, the recipient columns and, per
// field a rule names, one cell per column ("" = nothing).
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

std::string RenderMatrix(const Covenant& covenant, MatrixFormat format);

}  // namespace vh::policy
