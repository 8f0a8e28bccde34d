#pragma once
// The audit store's query index: which events belong to a subject, a meeting
// or a partner (audit/README.md "Query index").
//
// Table event_keys(k, seq), WITHOUT ROWID, primary key (k, seq), with one
// row per key of an event: "s:<subject pseudonym>" (one per subject of a
// dossier view, whose subject column lists them space-separated), "m:<meeting>" and
// "p:<partner>" for each distinct partner among actor, supplier and
// recipient. Table event_keys_state(id = 1, upto): every event with
// seq <= upto is in the index, none after it is.
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
// someone deleted its index entry).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "db/database.h"

namespace vh::audit {

// The keys an event is found by (see above), in a fixed order, no duplicates.
std::vector<std::string> EventIndexKeys(std::string_view actor_partner, std::string_view meeting,
                                        std::string_view subject, std::string_view supplier,
                                        std::string_view recipient);

// The highest seq the index covers (0: none). Error when the store has no
// index tables.
Result<int64_t> IndexedUpto(db::Database& db);

// Indexes the events after `upto`, at most `max_events` of them, and moves
// the state forward. REQUIRES: inside the caller's write transaction.
// Returns the new upto.
Result<int64_t> IndexEvents(db::Database& db, int64_t upto, int64_t max_events);

// The schema of the index (part of EnsureSchema).
extern const char* const kEventIndexSchema;

}  // namespace vh::audit
