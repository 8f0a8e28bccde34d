#include "audit/event_index.h"

#include <algorithm>
#include <utility>

namespace vh::audit {

const char* const kEventIndexSchema =
    "DROP INDEX IF EXISTS events_subject;"
    "DROP INDEX IF EXISTS events_meeting;"
    "DROP INDEX IF EXISTS events_supplier;"
    "DROP INDEX IF EXISTS events_recipient;"
    "CREATE TABLE IF NOT EXISTS event_keys("
    " k TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(k, seq)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS event_keys_state("
    " id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL);"
    "INSERT OR IGNORE INTO event_keys_state(id, upto) VALUES (1, 0);";

std::vector<std::string> EventIndexKeys(std::string_view actor_partner, std::string_view meeting,
                                        std::string_view subject, std::string_view supplier,
                                        std::string_view recipient) {
  std::vector<std::string> keys;
  auto add = [&](char kind, std::string_view v) {
    if (v.empty()) return;
    std::string k;
    k.reserve(v.size() + 2);
    k.push_back(kind);
    k.push_back(':');
    k.append(v);
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  };
  // A dossier view's event names all its subjects, separated by spaces.
  while (!subject.empty()) {
    std::size_t sp = subject.find(' ');
    add('s', subject.substr(0, sp));
    subject = sp == std::string_view::npos ? std::string_view() : subject.substr(sp + 1);
  }
  add('m', meeting);
  add('p', actor_partner);
  add('p', supplier);
  add('p', recipient);
  return keys;
}

Result<int64_t> IndexedUpto(db::Database& db) {
  auto st = db.Prepare("SELECT upto FROM event_keys_state WHERE id = 1;");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Unavailable("audit_corrupt", db.path() + ": query index state missing");
  return st->Int(0);
}

Result<int64_t> IndexEvents(db::Database& db, int64_t upto, int64_t max_events) {
  auto sel = db.Prepare(
      "SELECT seq, actor_partner, meeting, subject, supplier, recipient FROM events "
      "WHERE seq > ?1 ORDER BY seq LIMIT ?2;");
  if (!sel.ok()) return sel.status();
  sel->Bind(1, upto).Bind(2, max_events);
  std::vector<std::pair<std::string, int64_t>> entries;
  int64_t last = upto;
  for (;;) {
    auto row = sel->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    last = sel->Int(0);
    for (auto& k : EventIndexKeys(sel->Text(1), sel->Text(2), sel->Text(3), sel->Text(4),
                                  sel->Text(5))) {
      entries.emplace_back(std::move(k), last);
    }
  }
  if (last == upto) return upto;
  // In key order, so that the entries of one key fill its leaf page together.
  std::sort(entries.begin(), entries.end());
  auto ins = db.Prepare("INSERT INTO event_keys(k, seq) VALUES (?1, ?2);");
  if (!ins.ok()) return ins.status();
  for (const auto& [k, seq] : entries) {
    ins->Bind(1, k).Bind(2, seq);
    VH_RETURN_IF_ERROR(ins->Run());
  }
  auto upd = db.Prepare("UPDATE event_keys_state SET upto = ?1 WHERE id = 1;");
  if (!upd.ok()) return upd.status();
  upd->Bind(1, last);
  VH_RETURN_IF_ERROR(upd->Run());
  return last;
}

}  // namespace vh::audit
