#pragma once
// The audit store's query index: which events belong to a subject, a meeting
// or a partner (audit/README.md "Query index").
//
// Table event_keys(k, seq), WITHOUT ROWID, primary key (k, seq), with one
// row per key of an event: "s:<subject pseudonym>", "m:<meeting>" and
// "p:<partner>" for each distinct partner among actor, supplier (each of a
// dossier view's suppliers: its column lists them separated by spaces,
// audit/event.h SupplierColumn) and recipient. Table event_keys_state(id = 1, upto): every event
// with seq <= upto is in the index, none after it is.
//
// Dossier views are the exception: a view names every subject of its meeting
// (through its part list, audit/event.h PartList), and filing each view under
// each subject put twenty random keys per view into the index, whose bulk
// inserts then rewrote most of its pages. A dossier_disclosed event is filed
// under its meeting and partners only, and table view_subjects(subject,
// meeting) holds one row per subject and meeting that any view covered
// (written once, a repeated view changes nothing). A query by subject reads
// its s: entries plus the dossier views of its meetings (m: entries),
// filtered by the subject column (AuditLog::Query: through
// part_list_subjects).
//
// Why not plain SQLite indexes on the events table: their keys are spread
// (pseudonyms are random, many meetings run at once), so every event of a
// commit dirtied its own leaf page of each index, and the single writer spent
// most of its time encrypting and writing those pages (13 k events/s with
// four indexes, 23-26 k/s without). The writer now indexes the tail in bulk
// every `index_every` events, inside one of its ordinary transactions, so a
// leaf page takes many entries per write. Queries read the indexed part
// through event_keys and scan the short unindexed tail (AuditLog::Query).
//
// The index is derived data and not part of the chain; `audit verify` checks
// that it holds exactly the keys of the events up to `upto` (a privacy
// officer's query or a person's access report must not miss an event because
// someone deleted its index entry), and that view_subjects holds exactly
// the subject-meeting pairs of the dossier views up to `upto`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "db/database.h"

namespace vh::audit {

// The keys an event is found by (see above), in a fixed order, no
// duplicates; from its columns.
std::vector<std::string> EventIndexKeys(std::string_view type, std::string_view actor_partner,
                                        std::string_view meeting, std::string_view subject,
                                        std::string_view supplier, std::string_view recipient);
// The parts of part list `hex` (table part_lists); nullopt when the store has
// none by that digest or it does not parse. Its digest is not checked here
// (`audit verify` does). `get` keeps the prepared statement between calls.
Result<std::optional<std::vector<SubjectPart>>> ReadPartList(db::Database& db, std::string_view hex,
                                                             std::optional<db::Statement>* get);

// The subjects of dossier views, for view_subjects: those of the part list
// the subject column names, or (the earlier form) the column split at its
// spaces. Remembers the lists it has read.
class ViewSubjectReader {
 public:
  explicit ViewSubjectReader(db::Database& db) : db_(db) {}
  // Empty for events that are not dossier views.
  Result<std::vector<std::string>> Subjects(std::string_view type, std::string_view column);

 private:
  db::Database& db_;
  std::optional<db::Statement> get_;
  std::unordered_map<std::string, std::vector<std::string>> lists_;
};

// The highest seq the index covers (0: none). Error when the store has no
// index tables.
Result<int64_t> IndexedUpto(db::Database& db);

// Indexes the events after `upto`, at most `max_events` of them, and moves
// the state forward. REQUIRES: inside the caller's write transaction.
// Returns the new upto.
Result<int64_t> IndexEvents(db::Database& db, int64_t upto, int64_t max_events);

// Creates the index tables where missing (part of EnsureSchema). An index
// of an earlier version (views filed under each subject) is emptied, so that
// the writer builds it again from the events.
Status EnsureEventIndexSchema(db::Database& db);

}  // namespace vh::audit
