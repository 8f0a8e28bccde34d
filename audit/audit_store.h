#pragma once
// Rows of the audit store (audit.db) that the writer (audit/audit_writer.h)
// and the reading side of AuditLog (audit/audit_log.cc) share: the chain's
// head, the last checkpoint, bodies stored once by digest (decision sets,
// part lists), the check of the tail at open, and the resolution of a
// dossier view's parts for queries. Internal to audit/; the schema is
// EnsureSchema's (audit/verifier.h).
//
// Errors: the store's Status (Unavailable when it cannot be read or
// written); "audit_corrupt" for rows that are not what they must be, with a
// message naming the file and the event, never a value.
// Thread-safety: free functions on a Database the caller uses alone.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "crypto/primitives.h"
#include "db/database.h"

namespace vh::audit {

// A hash as the blob bytes stored in the hash columns.
inline std::string_view HashBytes(const crypto::Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}
// The hash of a blob column; false (and `out` unchanged) when it is not one.
bool HashFromBlob(const std::string& blob, crypto::Hash* out);

struct ChainHead {
  int64_t seq = 0;  // 0: empty
  crypto::Hash hash{};
};
Result<ChainHead> ReadHead(db::Database& db);
// The seq of the last checkpoint in the store (0: none).
Result<int64_t> ReadLastCheckpointSeq(db::Database& db);

// INSERT OR IGNORE of a body stored once by its digest (`table`:
// decision_sets or part_lists).
Status StoreByDigest(db::Database& db, const char* table, const crypto::Hash& digest,
                     std::string_view body);

// At open, before anything is appended: the last checkpoint in the store has
// a valid signature, the checkpoint file (`checkpoint_path`) remembers no
// checkpoint beyond it (truncation, rollback), and the events after it chain
// onto it. Otherwise Unavailable "audit_corrupt" naming the store and the
// event (run `vhgate audit verify`): signing a new checkpoint would bless a
// tampered or rolled-back log.
Status CheckTail(db::Database& db, const std::vector<uint8_t>& sign_public,
                 const std::string& checkpoint_path);

// Fills the parts of dossier views in `events` from their part lists and
// decision sets; with `subject` narrows each such event to that subject's
// part (AuditLog::Query). With `scope` (a partner's privacy officer) each
// view shows only what that partner may read of it (ScopeView); a view left
// with nothing about `subject` is dropped. Unavailable "audit_corrupt"
// naming the event when a list or set is missing or unreadable.
Status ResolveParts(db::Database& db, const std::string& subject, const std::string& scope,
                    std::vector<StoredEvent>* events);

// What the privacy officer of partner `scope` reads of dossier view `e`
// (parts resolved): as its recipient every value shown, and the fields
// withheld from it without the partner that holds them (their `from` is
// ""); as a supplier only its own values, shown or withheld, and only the
// parts of subjects it supplied about (`supplier` and `suppliers` become
// `scope`).
void ScopeView(const std::string& scope, Event* e);

}  // namespace vh::audit
