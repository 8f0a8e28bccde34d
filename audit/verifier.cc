#include "audit/verifier.h"

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "audit/audit_keys.h"
#include "audit/event_index.h"
#include "crypto/hex.h"

namespace vh::audit {
namespace {

std::string_view Col(sqlite3_stmt* st, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  int n = sqlite3_column_bytes(st, i);
  return p ? std::string_view(p, static_cast<std::size_t>(n)) : std::string_view();
}
bool ColHash(sqlite3_stmt* st, int i, crypto::Hash* out) {
  const void* p = sqlite3_column_blob(st, i);
  int n = sqlite3_column_bytes(st, i);
  if (!p || n != static_cast<int>(out->size())) return false;
  std::memcpy(out->data(), p, out->size());
  return true;
}

// Holds a read transaction open: one snapshot for the whole verification.
class ReadTxn {
 public:
  explicit ReadTxn(db::Database& db) : db_(db) { ok_ = db_.Exec("BEGIN;").ok(); }
  ~ReadTxn() {
    if (ok_) db_.Rollback();
  }
  bool ok() const { return ok_; }

 private:
  db::Database& db_;
  bool ok_ = false;
};

// The query index is compared with the events as a multiset: the sum, mod
// 2^64, of a SipHash of every (key, seq) entry, under a key drawn for this
// verification only (nobody can prepare entries that cancel out), plus the
// count. Only when the sums differ is the slower, naming pass run.
struct IndexSum {
  uint64_t sum = 0;
  int64_t count = 0;
  bool operator==(const IndexSum&) const = default;
};

class IndexHasher {
 public:
  IndexHasher() { crypto_shorthash_keygen(key_); }
  void Add(IndexSum* s, std::string_view k, int64_t seq) {
    buf_.assign(k);
    buf_.push_back('\0');
    for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<char>((seq >> (8 * i)) & 0xff));
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, reinterpret_cast<const unsigned char*>(buf_.data()), buf_.size(), key_);
    uint64_t v = 0;
    std::memcpy(&v, out, sizeof v);
    s->sum += v;
    ++s->count;
  }

 private:
  unsigned char key_[crypto_shorthash_KEYBYTES];
  std::string buf_;
};

// (subject or partner, meeting) pairs of the dossier views, each with the
// first view that has it.
using ViewPairs = std::map<std::pair<std::string, std::string>, int64_t>;

// Compares `table` (view_subjects or view_partners: two text columns, the
// second the meeting) with the pairs the views have. Returns the first view
// whose pair is missing (0: none) and whether the table holds a pair no view
// has.
Result<std::pair<int64_t, bool>> CheckViewPairs(db::Database& db, const std::string& table,
                                                const ViewPairs& want_pairs) {
  auto vs = db.Prepare("SELECT * FROM " + table + " ORDER BY 1, 2;");
  if (!vs.ok()) return vs.status();
  auto want = want_pairs.begin();
  int64_t first_bad = 0;
  bool added = false;
  auto missing = [&] {
    first_bad = first_bad == 0 ? want->second : std::min(first_bad, want->second);
    ++want;
  };
  for (;;) {
    auto r = vs->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    std::pair<std::string, std::string> have(vs->Text(0), vs->Text(1));
    while (want != want_pairs.end() && want->first < have) missing();
    if (want != want_pairs.end() && want->first == have) {
      ++want;
    } else {
      added = true;
    }
  }
  while (want != want_pairs.end()) missing();
  return std::pair<int64_t, bool>(first_bad, added);
}

// The slow pass: walks the events up to `upto` and the index entries, both
// by seq, and names the first event whose entries differ from its keys.
Result<std::pair<int64_t, std::string>> FirstIndexMismatch(db::Database& db, int64_t upto) {
  auto ev = db.Prepare(
      "SELECT seq, type, actor_partner, meeting, subject, supplier, recipient FROM events "
      "WHERE seq <= ?1 ORDER BY seq;");
  auto ix = db.Prepare("SELECT seq, k FROM event_keys ORDER BY seq, k;");
  if (!ev.ok()) return ev.status();
  if (!ix.ok()) return ix.status();
  ev->Bind(1, upto);
  auto ix_row = ix->Step();
  if (!ix_row.ok()) return ix_row.status();
  for (;;) {
    auto r = ev->Step();
    if (!r.ok()) return r.status();
    int64_t seq = *r ? ev->Int(0) : upto + 1;
    // Entries for a seq before this event: no event has them.
    if (*ix_row && ix->Int(0) < seq) {
      return std::pair<int64_t, std::string>(
          ix->Int(0), "the query index holds an entry for it that it does not have (added)");
    }
    if (!*r) break;
    std::vector<std::string> want = EventIndexKeys(ev->Text(1), ev->Text(2), ev->Text(3),
                                                   ev->Text(4), ev->Text(5), ev->Text(6));
    std::sort(want.begin(), want.end());
    std::vector<std::string> have;
    while (*ix_row && ix->Int(0) == seq) {
      have.push_back(ix->Text(1));
      ix_row = ix->Step();
      if (!ix_row.ok()) return ix_row.status();
    }
    if (have != want) {
      return std::pair<int64_t, std::string>(
          seq,
          "its entries in the query index are missing or altered (queries and access "
          "reports would not find it)");
    }
  }
  if (*ix_row) {
    return std::pair<int64_t, std::string>(
        ix->Int(0), "the query index holds an entry beyond the events it covers (added)");
  }
  return std::pair<int64_t, std::string>(0, "");
}

// What a dossier view's event names must be in the store and match its
// digest: its part list (audit/event.h PartList), which its subject column
// names too, and the decision set of each part (SubjectPart). Each list and
// set found sound is checked once. Check returns "" or why not.
class ViewChecker {
 public:
  explicit ViewChecker(db::Database& db) : db_(db) {}
  Result<std::string> Check(std::string_view body, std::string_view subject_column) {
    Event e;
    if (!ParseEventBody(body, &e).ok()) return std::string("its body is unreadable (changed)");
    if (!e.parts_list.empty()) {
      if (subject_column != e.parts_list) {
        return std::string("its subject column does not name its part list (changed)");
      }
      if (checked_.count(e.parts_list)) return std::string();
      auto stored = Stored(list_, "part_lists", e.parts_list, "its part list");
      if (!stored.ok() || !stored->first.empty()) {
        return stored.ok() ? stored->first : Result<std::string>(stored.status());
      }
      if (!ParsePartList(stored->second, &e.parts).ok()) {
        return std::string("its part list is unreadable (changed)");
      }
      checked_.insert(e.parts_list);
    }
    for (const SubjectPart& part : e.parts) {
      if (checked_.count(part.set)) continue;
      auto stored = Stored(set_, "decision_sets", part.set, "its decision set");
      if (!stored.ok() || !stored->first.empty()) {
        return stored.ok() ? stored->first : Result<std::string>(stored.status());
      }
      checked_.insert(part.set);
    }
    return std::string();
  }

 private:
  // The body stored in `table` under digest `hex`, or why it is not sound.
  Result<std::pair<std::string, std::string>> Stored(std::optional<db::Statement>& get,
                                                     const char* table, const std::string& hex,
                                                     const std::string& what) {
    using Found = std::pair<std::string, std::string>;
    auto digest = crypto::FromHex(hex);
    if (!digest || digest->size() != crypto::kHashBytes) {
      return Found(what + " has no valid digest (changed)", "");
    }
    if (!get) {
      auto st = db_.Prepare(std::string("SELECT body FROM ") + table + " WHERE digest = ?1;");
      if (!st.ok()) return st.status();
      get.emplace(std::move(*st));
    }
    get->Reset();
    get->BindBlob(1,
                  std::string_view(reinterpret_cast<const char*>(digest->data()), digest->size()));
    auto row = get->Step();
    if (!row.ok()) return row.status();
    const std::string name = what + " " + hex.substr(0, 16);
    if (!*row) return Found(name + " is missing (deleted)", "");
    std::string body = get->Text(0);
    crypto::Hash h = crypto::ContentHash(body);
    if (!std::equal(h.begin(), h.end(), digest->begin())) {
      return Found(name + " does not match its digest (changed)", "");
    }
    return Found("", std::move(body));
  }

  db::Database& db_;
  std::optional<db::Statement> set_, list_;
  std::unordered_set<std::string> checked_;  // hex digests of lists and sets found sound
};

// part_list_subjects must hold exactly the subjects of each stored part list:
// subject queries find the views through it. Returns "" or why not.
Result<std::string> CheckPartListSubjects(db::Database& db) {
  std::set<std::pair<std::string, std::string>> want, have;
  auto lists = db.Prepare("SELECT lower(hex(digest)), body FROM part_lists;");
  if (!lists.ok()) return lists.status();
  for (;;) {
    auto r = lists->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    const std::string hex = lists->Text(0);  // as the subject column names it
    std::vector<SubjectPart> parts;
    if (!ParsePartList(lists->Text(1), &parts).ok()) {
      return "part list " + hex.substr(0, 16) + " is unreadable (changed)";
    }
    for (auto& p : parts) want.emplace(std::move(p.subject), hex);
  }
  auto rows = db.Prepare("SELECT subject, list FROM part_list_subjects;");
  if (!rows.ok()) return rows.status();
  for (;;) {
    auto r = rows->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    have.emplace(rows->Text(0), rows->Text(1));
  }
  if (have == want) return std::string();
  return std::string(
      "the subjects of the dossier views' part lists in the query index do not match the lists "
      "(queries and access reports would miss or add views)");
}

}  // namespace

Status EnsureSchema(db::Database& db) {
  VH_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS events("
      " seq INTEGER PRIMARY KEY, time TEXT NOT NULL, type TEXT NOT NULL,"
      " actor_partner TEXT NOT NULL, meeting TEXT NOT NULL, subject TEXT NOT NULL,"
      " supplier TEXT NOT NULL, recipient TEXT NOT NULL, body TEXT NOT NULL,"
      " prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS checkpoints("
      " seq INTEGER PRIMARY KEY, hash BLOB NOT NULL, time TEXT NOT NULL, sig BLOB NOT NULL);"
      // Dossier views' decision sets (audit/event.h SubjectPart), by digest.
      "CREATE TABLE IF NOT EXISTS decision_sets("
      " digest BLOB PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;"
      // Their part lists (audit/event.h PartList), by digest, and the
      // subjects of each (list: its digest in hex, as the subject column).
      "CREATE TABLE IF NOT EXISTS part_lists("
      " digest BLOB PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS part_list_subjects("
      " subject TEXT NOT NULL, list TEXT NOT NULL, PRIMARY KEY(subject, list)) WITHOUT ROWID;"));
  return EnsureEventIndexSchema(db);
}

Result<VerifyReport> VerifyStore(db::Database& db, const std::vector<uint8_t>& sign_public,
                                 const std::string& checkpoint_path) {
  VerifyReport rep;
  auto fail = [&](int64_t seq, std::string why) -> Result<VerifyReport> {
    rep.intact = false;
    rep.first_bad_seq = seq;
    rep.problem = seq > 0 ? "event " + std::to_string(seq) + ": " + why : why;
    return rep;
  };

  auto file = ReadCheckpointFile(checkpoint_path);
  if (!file.ok()) {
    if (file.status().reason() == "bad_checkpoint") return fail(0, file.status().message());
    return file.status();
  }

  ReadTxn txn(db);
  if (!txn.ok()) return Status::Unavailable("audit_unavailable", db.path() + ": cannot read");

  // Every page of the store, not only those the checks below read (the
  // index, free pages): SQLCipher checks each page's HMAC as it reads it,
  // and SQLite the structure.
  {
    auto st = db.Prepare("PRAGMA quick_check;");
    if (!st.ok()) return st.status();
    auto row = st->Step();
    if (!row.ok()) return fail(0, "the store's pages do not check: " + row.status().message());
    if (*row && st->Text(0) != "ok")
      return fail(0, "the store's pages do not check: " + st->Text(0));
  }

  // Checkpoints in the store: signatures first (cheap, and a forged one
  // must not vouch for anything).
  std::map<int64_t, Checkpoint> db_cps;
  {
    auto st = db.Prepare("SELECT seq, hash, time, sig FROM checkpoints ORDER BY seq;");
    if (!st.ok()) return st.status();
    for (;;) {
      auto r = st->Step();
      if (!r.ok()) return r.status();
      if (!*r) break;
      Checkpoint cp;
      cp.seq = st->Int(0);
      std::string h = st->Blob(1);
      if (h.size() != cp.hash.size()) {
        return fail(cp.seq, "checkpoint in the store has a malformed hash");
      }
      std::memcpy(cp.hash.data(), h.data(), h.size());
      cp.time = st->Text(2);
      std::string sig = st->Blob(3);
      cp.signature.assign(sig.begin(), sig.end());
      if (!CheckpointSignatureValid(sign_public, cp)) {
        return fail(cp.seq, "checkpoint in the store has an invalid signature (forged or altered)");
      }
      ++rep.checkpoints;
      db_cps.emplace(cp.seq, std::move(cp));
    }
  }
  std::map<int64_t, crypto::Hash> file_cps;
  for (const auto& cp : file->checkpoints) {
    if (!CheckpointSignatureValid(sign_public, cp)) {
      return fail(cp.seq, "checkpoint in " + checkpoint_path +
                              " has an invalid signature (forged or altered)");
    }
    auto [it, inserted] = file_cps.emplace(cp.seq, cp.hash);
    if (!inserted && it->second != cp.hash) {
      return fail(cp.seq, checkpoint_path + " holds two different checkpoints for this event");
    }
    ++rep.checkpoints;
  }

  // The query index covers the events up to `upto`.
  {
    auto has = db.Prepare(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
        "name IN ('event_keys_state', 'view_subjects', 'view_partners');");
    if (!has.ok()) return has.status();
    auto r = has->Step();
    if (!r.ok()) return r.status();
    if (has->Int(0) < 3) {
      return fail(0, db.path() + " has no query index (open it once with this version of vhgate)");
    }
  }
  auto indexed = IndexedUpto(db);
  if (!indexed.ok()) return fail(0, indexed.status().message());
  const int64_t upto = *indexed;
  IndexHasher index_hasher;
  IndexSum index_want;
  // Each (subject, meeting) and (partner, meeting) pair of the dossier views
  // up to `upto`, with the first view that has it.
  ViewPairs view_subjects_want, view_partners_want;

  // The chain, in two stages. The calling thread scans the store (the
  // connection is not shared) and checks what needs only stored values:
  // sequence, links (prev_hash = the stored hash before it), checkpoints
  // against stored hashes. A second thread recomputes each stored hash from
  // the event's content and its stored prev_hash. Together these equal the
  // sequential check: every stored hash is the true hash of its content and
  // its predecessor. The first failure is the lowest seq either stage finds.
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT seq, time, type, actor_partner, meeting, subject, supplier, recipient, body, "
      "prev_hash, hash FROM events ORDER BY seq;";
  if (sqlite3_prepare_v2(db.handle(), sql, -1, &st, nullptr) != SQLITE_OK) {
    return Status::Unavailable("audit_unavailable", db.path() + ": cannot read events");
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);

  struct Item {
    int64_t seq;
    crypto::Hash prev, stored;
    std::string canon;
  };
  constexpr std::size_t kBatch = 512;
  constexpr std::size_t kMaxQueued = 8;
  std::mutex mu;
  std::condition_variable cv;
  // A batch is a vector of kBatch reusable items and the count in use, so
  // the canonical buffers are allocated once, not per event.
  using Batch = std::pair<std::vector<Item>, std::size_t>;
  std::deque<Batch> queue;            // guarded by mu
  std::vector<Batch> spare;           // guarded by mu: batches to reuse
  bool done = false;                  // guarded by mu
  std::atomic<int64_t> hash_fail{0};  // lowest seq whose hash is wrong, 0 = none
  std::thread hasher([&] {
    for (;;) {
      Batch batch;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || done; });
        if (queue.empty()) return;
        batch = std::move(queue.front());
        queue.pop_front();
      }
      cv.notify_all();
      if (hash_fail.load() == 0) {
        for (std::size_t k = 0; k < batch.second; ++k) {
          const Item& it = batch.first[k];
          if (ChainHash(it.prev, it.canon) != it.stored) {
            hash_fail = it.seq;
            break;
          }
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      spare.push_back(std::move(batch));
    }
  });
  Batch batch{std::vector<Item>(kBatch), 0};
  auto flush = [&] {
    Batch next{std::vector<Item>(), 0};
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return queue.size() < kMaxQueued; });
      queue.push_back(std::move(batch));
      if (!spare.empty()) {
        next = std::move(spare.back());
        spare.pop_back();
      }
    }
    cv.notify_all();
    if (next.first.empty()) next.first.resize(kBatch);
    next.second = 0;
    batch = std::move(next);
  };
  auto finish = [&] {
    if (batch.second > 0) flush();
    {
      std::lock_guard<std::mutex> lock(mu);
      done = true;
    }
    cv.notify_all();
    hasher.join();
  };

  ViewChecker views(db);
  ViewSubjectReader subjects_of(db);
  int64_t scan_fail = 0;
  std::string scan_why;
  Status read_error;
  crypto::Hash last_stored{};
  int64_t expect = 1;
  auto db_cp = db_cps.begin();
  auto file_cp = file_cps.begin();
  for (;;) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      read_error = Status::Unavailable(
          "audit_unavailable", db.path() + ": cannot read events: " + sqlite3_errmsg(db.handle()));
      break;
    }
    int64_t seq = sqlite3_column_int64(st, 0);
    auto stop = [&](int64_t at, std::string why) {
      scan_fail = at;
      scan_why = std::move(why);
    };
    if (hash_fail.load() != 0 && hash_fail.load() < seq) break;  // the answer is known
    if (seq < expect) {
      stop(seq, "sequence number out of order (inserted event)");
      break;
    }
    if (seq > expect) {
      stop(expect, "missing: the log jumps from event " + std::to_string(expect - 1) + " to " +
                       std::to_string(seq) + " (deleted event)");
      break;
    }
    Item& it = batch.first[batch.second];
    it.seq = seq;
    if (!ColHash(st, 9, &it.prev) || !ColHash(st, 10, &it.stored)) {
      stop(seq, "stored hash malformed (changed)");
      break;
    }
    if (it.prev != last_stored) {
      stop(seq, seq == 1 ? "the first event does not start the chain (inserted event)"
                         : "its previous hash is not the hash of event " + std::to_string(seq - 1) +
                               " (inserted, deleted or reordered event)");
      break;
    }
    it.canon = CanonicalEvent(seq, Col(st, 1), Col(st, 2), Col(st, 3), Col(st, 4), Col(st, 5),
                              Col(st, 6), Col(st, 7), Col(st, 8));
    while (db_cp != db_cps.end() && db_cp->first < seq) ++db_cp;
    if (db_cp != db_cps.end() && db_cp->first == seq && db_cp->second.hash != it.stored) {
      stop(seq, "does not match the signed checkpoint in the store (rewritten chain)");
      break;
    }
    while (file_cp != file_cps.end() && file_cp->first < seq) ++file_cp;
    if (file_cp != file_cps.end() && file_cp->first == seq && file_cp->second != it.stored) {
      stop(seq, "does not match the signed checkpoint in " + checkpoint_path +
                    " (rewritten chain or rolled back to another copy)");
      break;
    }
    if (Col(st, 2) == kDossierDisclosed) {
      auto why = views.Check(Col(st, 8), Col(st, 5));
      if (!why.ok()) {
        read_error = why.status();
        break;
      }
      if (!why->empty()) {
        stop(seq, std::move(*why));
        break;
      }
    }
    if (seq <= upto) {
      for (const auto& k :
           EventIndexKeys(Col(st, 2), Col(st, 3), Col(st, 4), Col(st, 5), Col(st, 6), Col(st, 7))) {
        index_hasher.Add(&index_want, k, seq);
      }
      auto subjects = subjects_of.Subjects(Col(st, 2), Col(st, 5));
      if (!subjects.ok()) {
        read_error = subjects.status();
        break;
      }
      for (auto& s : *subjects) {
        view_subjects_want.try_emplace({std::move(s), std::string(Col(st, 4))}, seq);
      }
      for (auto& p : ViewPartners(Col(st, 2), Col(st, 3), Col(st, 6), Col(st, 7))) {
        view_partners_want.try_emplace({std::move(p), std::string(Col(st, 4))}, seq);
      }
    }
    last_stored = it.stored;
    ++expect;
    if (++batch.second == kBatch) flush();
  }
  finish();
  int64_t hf = hash_fail.load();
  if (hf != 0 && (scan_fail == 0 || hf < scan_fail)) {
    rep.events = hf - 1;
    return fail(hf, "its hash does not match its content (changed or reordered event)");
  }
  if (scan_fail != 0) {
    rep.events = scan_fail - 1;
    return fail(scan_fail, scan_why);
  }
  if (!read_error.ok()) return read_error;
  rep.events = expect - 1;
  int64_t last = expect - 1;
  if (!db_cps.empty() && db_cps.rbegin()->first > last) {
    return fail(last + 1, "missing: a signed checkpoint in the store covers event " +
                              std::to_string(db_cps.rbegin()->first) + " but the log ends at " +
                              std::to_string(last) + " (truncated tail)");
  }
  if (!file_cps.empty() && file_cps.rbegin()->first > last) {
    return fail(last + 1, "missing: " + checkpoint_path + " remembers a checkpoint at event " +
                              std::to_string(file_cps.rbegin()->first) + " but the log ends at " +
                              std::to_string(last) + " (truncated or rolled back)");
  }
  // Every store checkpoint but the newest must be in the file (the newest may
  // be missing after a crash between commit and the file append).
  int64_t newest_db = db_cps.empty() ? 0 : db_cps.rbegin()->first;
  for (const auto& [seq, cp] : db_cps) {
    if (seq != newest_db && !file_cps.count(seq)) {
      return fail(seq, "its checkpoint is in the store but not in " + checkpoint_path +
                           " (checkpoint file replaced or truncated)");
    }
  }
  // The query index: exactly the keys of events 1..upto.
  if (upto > last) {
    return fail(last + 1, "the query index claims to cover events up to " + std::to_string(upto) +
                              " but the log ends at " + std::to_string(last));
  }
  {
    IndexSum have;
    auto ix = db.Prepare("SELECT k, seq FROM event_keys;");
    if (!ix.ok()) return ix.status();
    for (;;) {
      auto r = ix->Step();
      if (!r.ok()) return r.status();
      if (!*r) break;
      index_hasher.Add(&have, ix->Text(0), ix->Int(1));
    }
    if (!(have == index_want)) {
      auto bad = FirstIndexMismatch(db, upto);
      if (!bad.ok()) return bad.status();
      if (bad->first > 0) return fail(bad->first, bad->second);
      return fail(0, "the query index does not match the events");
    }
  }
  // view_subjects and view_partners: exactly the pairs of the views (a
  // missing pair hides the views of that meeting from the subject's or the
  // partner's queries and access report).
  for (const auto& [table, want, what] :
       {std::tuple("view_subjects", &view_subjects_want, "subject"),
        std::tuple("view_partners", &view_partners_want, "partner")}) {
    auto bad = CheckViewPairs(db, table, *want);
    if (!bad.ok()) return bad.status();
    if (bad->first != 0) {
      return fail(bad->first, std::string("a ") + what +
                                  " of this dossier view is missing from the query index "
                                  "(queries and access reports would not find the view)");
    }
    if (bad->second) {
      return fail(
          0, std::string("the query index lists a ") + what + " for a meeting that no view has");
    }
  }
  {
    auto why = CheckPartListSubjects(db);
    if (!why.ok()) return why.status();
    if (!why->empty()) return fail(0, *why);
  }
  if (!db_cps.empty()) rep.last_checkpoint = db_cps.rbegin()->second;
  rep.intact = true;
  return rep;
}

}  // namespace vh::audit

namespace vh::audit {

AuditVerifier::~AuditVerifier() = default;

Result<std::unique_ptr<AuditVerifier>> AuditVerifier::Open(const Config& config) {
  auto store_key = LoadStoreKey(config);
  if (!store_key.ok()) return store_key.status();
  auto pub = LoadSignPublicKey(config.keys_dir);
  if (!pub.ok()) return pub.status();
  AuditLogOptions o = AuditLogOptionsFor(config);
  if (!std::filesystem::exists(o.db_path)) {
    return Status::Unavailable("audit_unavailable", o.db_path + ": no audit store");
  }
  auto db = OpenAuditStore(o.db_path, *store_key);
  if (!db.ok()) return db.status();
  std::unique_ptr<AuditVerifier> v(new AuditVerifier());
  v->db_ = std::move(*db);
  v->sign_public_ = std::move(*pub);
  v->checkpoint_path_ = o.checkpoint_path;
  return v;
}

Result<VerifyReport> AuditVerifier::Verify() const {
  return VerifyStore(*db_, sign_public_, checkpoint_path_);
}

}  // namespace vh::audit
