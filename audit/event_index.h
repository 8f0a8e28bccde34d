#pragma once
// The audit store's query index: which events belong to a subject, a meeting
// or a partner (audit/README.md "Query index").
//
// Table event_keys(k, seq), WITHOUT ROWID, primary key (k, seq), with one
// row per key of an event: "s:<subject pseudonym>", "m:<meeting>" and
// "p:<partner>" for each distinct partner among actor, supplier and
// recipient. Table event_keys_state(id = 1, upto): every event with
// seq <= upto is in the index, none after it is.
//
// Dossier views are the exception: a view names every subject on the agenda
// (through its part list, audit/event.h PartList) and every supplier whose
// values it showed (its supplier column lists them separated by spaces,
// audit/event.h SupplierColumn). Filing each view under each of them put
// twenty random subject keys and a dozen partner keys per view into the
// index, whose bulk inserts then took a third of the writer's time. A
// dossier_disclosed event is filed under its meeting only; table
// view_subjects(subject, meeting) holds one row per subject and meeting that
// any view covered, and view_partners(partner, meeting) one per partner
// (actor, recipient, each supplier) and meeting (written once: a repeated
// view changes nothing). A query by subject or partner reads its s: or p:
// entries plus the dossier views of its meetings (m: entries), and the
// columns decide (AuditLog::Query). A query by a supplier and one by the
// recipient take the same path.
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
// someone deleted its index entry), and that view_subjects and view_partners
// hold exactly the pairs of the dossier views up to `upto`.

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
// The partners a dossier view is filed under in view_partners: its actor's
// partner, each supplier its column names and its recipient, distinct; empty
// for other events.
std::vector<std::string> ViewPartners(std::string_view type, std::string_view actor_partner,
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

// Creates the index tables where missing (part of EnsureSchema), in one
// transaction. An index of another layout (views filed under each subject or
// each partner), or one an earlier binary moved on since (table
// event_keys_layout: the layout and the `upto` its writer reached), is
// emptied with view_subjects and view_partners, so that the writer builds it
// again from the events.
Status EnsureEventIndexSchema(db::Database& db);

}  // namespace vh::audit
