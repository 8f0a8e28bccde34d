#pragma once
// Verification of an audit store: the chain, the checkpoints in the store
// and the checkpoint file (issue 4 item 4). Used by AuditLog::Verify, by
// `vhgate audit verify` and by GET /v1/audit/verify.
//
// Detects, and names the first event that fails and why:
//   a changed event (its hash no longer matches its content),
//   a deleted event (a gap in the sequence, or a chain that skips one),
//   an inserted event (a previous hash that does not match),
//   reordered events (hashes bind the sequence number),
//   a truncated tail (a checkpoint, in the store or in the file, beyond the
//   last event), and a rollback to an earlier copy (the checkpoint file
//   remembers checkpoints the copy does not reach, or whose hash differs).
// A forged checkpoint fails its Ed25519 signature. The query index
// (audit/event_index.h) must hold exactly the keys of the events it covers:
// a deleted, moved or added entry names the event it concerns. Every decision
// set a dossier view names (audit/event.h SubjectPart) must be stored and
// hash to its digest: a deleted or changed set names the first event naming it.
//
// Reads one consistent snapshot (a read transaction). Errors: Unavailable
// when the store cannot be read; a store that reads but fails verification
// is an ok Result with intact = false.

#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "db/database.h"

namespace vh::audit {

Result<VerifyReport> VerifyStore(db::Database& db, const std::vector<uint8_t>& sign_public,
                                 const std::string& checkpoint_path);

// The schema of audit.db, created when missing.
Status EnsureSchema(db::Database& db);

}  // namespace vh::audit
