#pragma once
// Internal to store/: what the CaseStore's files share.

#include <string>
#include <string_view>

#include "db/database.h"

namespace vh::store::internal {

// A text column, "" for NULL.
inline std::string Col(const db::Statement& s, int c) { return s.IsNull(c) ? "" : s.Text(c); }

// Adds column `column` (`decl`: its type and default) to `table` unless it
// has one by that name (a store made by an earlier version).
inline Status AddColumnIfMissing(db::Database& db, std::string_view table, std::string_view column,
                                 std::string_view decl) {
  auto cols = db.Prepare("PRAGMA table_info(" + std::string(table) + ");");
  if (!cols.ok()) return cols.status();
  for (;;) {
    auto row = cols->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (Col(*cols, 1) == column) return Status::Ok();
  }
  return db.Exec("ALTER TABLE " + std::string(table) + " ADD COLUMN " + std::string(column) + " " +
                 std::string(decl) + ";");
}

}  // namespace vh::store::internal
