#pragma once
// Internal to store/: what the CaseStore's files share.

#include <string>

#include "db/database.h"

namespace vh::store::internal {

// A text column, "" for NULL.
inline std::string Col(const db::Statement& s, int c) { return s.IsNull(c) ? "" : s.Text(c); }

}  // namespace vh::store::internal
