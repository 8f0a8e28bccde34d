#pragma once
// DecryptedDump: every cell of every table of an opened (decrypted) SQLite /
// SQLCipher database, as bytes, for tests that must show that a text is
// nowhere in a store (not just nowhere in its encrypted file). Text and
// blobs as stored, numbers as their text; cells separated by '\n', each table
// preceded by its name. Reads through SQL, so it sees the WAL's committed
// content too. Header only (it needs db/ alone).
// Thread-safety: as the database's connection.

#include <string>
#include <vector>

#include "core/status.h"
#include "db/database.h"

namespace vh::testing {

inline Result<std::string> DecryptedDump(db::Database& db) {
  std::vector<std::string> tables;
  {
    auto st = db.Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;");
    if (!st.ok()) return st.status();
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      tables.push_back(st->Text(0));
    }
  }
  std::string out;
  for (const std::string& table : tables) {
    std::vector<std::string> columns;
    auto info = db.Prepare("PRAGMA table_info(\"" + table + "\");");
    if (!info.ok()) return info.status();
    for (;;) {
      auto row = info->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      columns.push_back(info->Text(1));
    }
    if (columns.empty()) continue;
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? ", " : "") + std::string("CAST(\"") + columns[i] + "\" AS BLOB)";
    }
    sql += " FROM \"" + table + "\";";
    auto st = db.Prepare(sql);
    if (!st.ok()) return st.status();
    out += "== " + table + "\n";
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const int c = static_cast<int>(i);
        if (!st->IsNull(c)) out += st->Blob(c);
        out += '\n';
      }
    }
  }
  return out;
}

}  // namespace vh::testing
