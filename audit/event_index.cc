#include "audit/event_index.h"

#include <algorithm>
#include <set>
#include <utility>

#include "audit/event.h"
#include "crypto/hex.h"

namespace vh::audit {

namespace {

bool IsView(std::string_view type) { return type == kDossierDisclosed; }

// Calls f(word) for each word of a space-separated column (the subjects of a
// view in the earlier form, the suppliers of a view).
template <typename F>
void ForEachWord(std::string_view subjects, F&& f) {
  while (!subjects.empty()) {
    std::size_t sp = subjects.find(' ');
    f(subjects.substr(0, sp));
    subjects = sp == std::string_view::npos ? std::string_view() : subjects.substr(sp + 1);
  }
}

Result<bool> HasTable(db::Database& db, const char* name) {
  auto st = db.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, std::string_view(name));
  auto r = st->Step();
  if (!r.ok()) return r.status();
  return st->Int(0) > 0;
}

// The index's layout: 2 files dossier views under their meeting only
// (view_subjects, view_partners). Table event_keys_layout records it with
// the `upto` this layout's writer reached: an index another version built
// on (an earlier layout, or an earlier binary run against the store after
// this one, which moves event_keys_state.upto alone) is built again.
constexpr int64_t kIndexLayout = 2;

Status EnsureIndexTables(db::Database& db) {
  auto had_keys = HasTable(db, "event_keys");
  if (!had_keys.ok()) return had_keys.status();
  VH_RETURN_IF_ERROR(
      db.Exec("DROP INDEX IF EXISTS events_subject;"
              "DROP INDEX IF EXISTS events_meeting;"
              "DROP INDEX IF EXISTS events_supplier;"
              "DROP INDEX IF EXISTS events_recipient;"
              "CREATE TABLE IF NOT EXISTS event_keys("
              " k TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(k, seq)) WITHOUT ROWID;"
              "CREATE TABLE IF NOT EXISTS event_keys_state("
              " id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL);"
              "INSERT OR IGNORE INTO event_keys_state(id, upto) VALUES (1, 0);"
              "CREATE TABLE IF NOT EXISTS view_subjects("
              " subject TEXT NOT NULL, meeting TEXT NOT NULL, PRIMARY KEY(subject, meeting))"
              " WITHOUT ROWID;"
              "CREATE TABLE IF NOT EXISTS view_partners("
              " partner TEXT NOT NULL, meeting TEXT NOT NULL, PRIMARY KEY(partner, meeting))"
              " WITHOUT ROWID;"
              "CREATE TABLE IF NOT EXISTS event_keys_layout("
              " id INTEGER PRIMARY KEY CHECK (id = 1), layout INTEGER NOT NULL,"
              " upto INTEGER NOT NULL);"));
  auto upto = IndexedUpto(db);
  if (!upto.ok()) return upto.status();
  bool ours = !*had_keys;  // a new store: nothing built yet
  {
    auto st = db.Prepare("SELECT layout, upto FROM event_keys_layout WHERE id = 1;");
    if (!st.ok()) return st.status();
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (*row) ours = st->Int(0) == kIndexLayout && st->Int(1) == *upto;
  }
  if (!ours) {
    VH_RETURN_IF_ERROR(
        db.Exec("DELETE FROM event_keys; DELETE FROM view_subjects; DELETE FROM view_partners;"
                "UPDATE event_keys_state SET upto = 0;"));
    upto = int64_t{0};
  }
  auto set =
      db.Prepare("INSERT OR REPLACE INTO event_keys_layout(id, layout, upto) VALUES (1, ?1, ?2);");
  if (!set.ok()) return set.status();
  set->Bind(1, kIndexLayout).Bind(2, *upto);
  return set->Run();
}

}  // namespace

Status EnsureEventIndexSchema(db::Database& db) {
  // One transaction: a crash or a busy store midway leaves the earlier index
  // as it was, to be seen and built again at the next open.
  VH_RETURN_IF_ERROR(db.Begin());
  Status s = EnsureIndexTables(db);
  if (s.ok()) s = db.Commit();
  if (!s.ok()) db.Rollback();
  return s;
}

Result<std::optional<std::vector<SubjectPart>>> ReadPartList(db::Database& db, std::string_view hex,
                                                             std::optional<db::Statement>* get) {
  auto digest = crypto::FromHex(hex);
  if (!digest || digest->size() != crypto::kHashBytes) {
    return std::optional<std::vector<SubjectPart>>();
  }
  if (!*get) {
    auto st = db.Prepare("SELECT body FROM part_lists WHERE digest = ?1;");
    if (!st.ok()) return st.status();
    get->emplace(std::move(*st));
  }
  db::Statement& st = **get;
  st.Reset();
  st.BindBlob(1, std::string_view(reinterpret_cast<const char*>(digest->data()), digest->size()));
  auto row = st.Step();
  if (!row.ok()) return row.status();
  std::vector<SubjectPart> parts;
  if (!*row || !ParsePartList(st.Text(0), &parts).ok()) {
    return std::optional<std::vector<SubjectPart>>();
  }
  return std::optional<std::vector<SubjectPart>>(std::move(parts));
}

Result<std::vector<std::string>> ViewSubjectReader::Subjects(std::string_view type,
                                                             std::string_view column) {
  std::vector<std::string> out;
  if (!IsView(type)) return out;
  auto it = lists_.find(std::string(column));
  if (it != lists_.end()) return it->second;
  // A part list's name is 64 hex digits; a list of pseudonyms has spaces.
  bool named_list = false;
  if (column.size() == 2 * crypto::kHashBytes) {
    auto parts = ReadPartList(db_, column, &get_);
    if (!parts.ok()) return parts.status();
    if (*parts) {
      named_list = true;
      for (auto& p : **parts) out.push_back(std::move(p.subject));
    }
  }
  if (!named_list) ForEachWord(column, [&](std::string_view s) { out.emplace_back(s); });
  if (lists_.size() >= 4096) lists_.clear();
  lists_.emplace(std::string(column), out);
  return out;
}

std::vector<std::string> EventIndexKeys(std::string_view type, std::string_view actor_partner,
                                        std::string_view meeting, std::string_view subject,
                                        std::string_view supplier, std::string_view recipient) {
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
  add('m', meeting);
  // A dossier view is found through its meeting only (view_subjects,
  // view_partners).
  if (IsView(type)) return keys;
  add('s', subject);
  add('p', actor_partner);
  add('p', supplier);
  add('p', recipient);
  return keys;
}

std::vector<std::string> ViewPartners(std::string_view type, std::string_view actor_partner,
                                      std::string_view supplier, std::string_view recipient) {
  std::vector<std::string> out;
  if (!IsView(type)) return out;
  auto add = [&](std::string_view p) {
    if (!p.empty() && std::find(out.begin(), out.end(), p) == out.end()) out.emplace_back(p);
  };
  add(actor_partner);
  // A view's column lists every supplier whose values it showed.
  ForEachWord(supplier, add);
  add(recipient);
  return out;
}

Result<int64_t> IndexedUpto(db::Database& db) {
  auto q = db.PrepareCached("SELECT upto FROM event_keys_state WHERE id = 1;");
  if (!q.ok()) return q.status();
  auto row = (*q)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Unavailable("audit_corrupt", db.path() + ": query index state missing");
  return (*q)->Int(0);
}

Result<int64_t> IndexEvents(db::Database& db, int64_t upto, int64_t max_events) {
  // Cached: the writer indexes after each commit.
  auto found = db.PrepareCached(
      "SELECT seq, type, actor_partner, meeting, subject, supplier, recipient FROM events "
      "WHERE seq > ?1 ORDER BY seq LIMIT ?2;");
  if (!found.ok()) return found.status();
  db::Statement& sel = **found;
  sel.Bind(1, upto).Bind(2, max_events);
  std::vector<std::pair<std::string, int64_t>> entries;
  std::set<std::pair<std::string, std::string>> views, partners;
  ViewSubjectReader subjects_of(db);
  std::string prev_meeting, prev_subject;
  int64_t last = upto;
  for (;;) {
    auto row = sel.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    last = sel.Int(0);
    const std::string type = sel.Text(1);
    const std::string meeting = sel.Text(3);
    const std::string subject = sel.Text(4);
    const std::string actor = sel.Text(2), supplier = sel.Text(5), recipient = sel.Text(6);
    for (auto& k : EventIndexKeys(type, actor, meeting, subject, supplier, recipient)) {
      entries.emplace_back(std::move(k), last);
    }
    for (auto& p : ViewPartners(type, actor, supplier, recipient)) {
      partners.emplace(std::move(p), meeting);
    }
    // Views of one meeting repeat its subjects: each run of them is read once.
    if (type == kDossierDisclosed && (meeting != prev_meeting || subject != prev_subject)) {
      auto subjects = subjects_of.Subjects(type, subject);
      if (!subjects.ok()) return subjects.status();
      for (auto& s : *subjects) views.emplace(std::move(s), meeting);
      prev_meeting = meeting;
      prev_subject = subject;
    }
  }
  if (last == upto) return upto;
  // A pair already there is a read, not a write: repeated views add nothing.
  auto add_pairs = [&](const char* sql,
                       const std::set<std::pair<std::string, std::string>>& pairs) {
    auto pair = db.PrepareCached(sql);
    if (!pair.ok()) return pair.status();
    for (const auto& [a, m] : pairs) {
      (*pair)->Bind(1, a).Bind(2, m);
      VH_RETURN_IF_ERROR((*pair)->Run());
    }
    return Status::Ok();
  };
  VH_RETURN_IF_ERROR(
      add_pairs("INSERT OR IGNORE INTO view_subjects(subject, meeting) VALUES (?1, ?2);", views));
  VH_RETURN_IF_ERROR(add_pairs(
      "INSERT OR IGNORE INTO view_partners(partner, meeting) VALUES (?1, ?2);", partners));
  // In key order, so that the entries of one key fill its leaf page together.
  std::sort(entries.begin(), entries.end());
  auto ins = db.PrepareCached("INSERT INTO event_keys(k, seq) VALUES (?1, ?2);");
  if (!ins.ok()) return ins.status();
  for (const auto& [k, seq] : entries) {
    (*ins)->Bind(1, k).Bind(2, seq);
    VH_RETURN_IF_ERROR((*ins)->Run());
  }
  for (const char* sql : {"UPDATE event_keys_state SET upto = ?1 WHERE id = 1;",
                          "UPDATE event_keys_layout SET upto = ?1 WHERE id = 1;"}) {
    auto upd = db.PrepareCached(sql);
    if (!upd.ok()) return upd.status();
    (*upd)->Bind(1, last);
    VH_RETURN_IF_ERROR((*upd)->Run());
  }
  return last;
}

}  // namespace vh::audit
