#pragma once
// Verification of an audit store: the chain, the checkpoints in the store
// and the checkpoint file. Used by AuditLog::Verify, by
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

#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/config.h"
#include "db/database.h"

namespace vh::audit {

Result<VerifyReport> VerifyStore(db::Database& db, const std::vector<uint8_t>& sign_public,
                                 const std::string& checkpoint_path);

// The audit store of a configuration opened with only what verifying needs:
// the store key (or the passphrase it is derived from) and audit-sign.pub.
// No signing or pseudonym key is read (separation of duties: an auditor who
// holds the store key verifies without being able to write or link).
// Ownership: owns its store connection. Thread-safety: Verify from one
// thread at a time.
class AuditVerifier {
 public:
  // Errors: the key file's (Unavailable "key_file", naming it), Unavailable
  // "audit_unavailable" "<db>: no audit store", or the store's.
  static Result<std::unique_ptr<AuditVerifier>> Open(const Config& config);
  ~AuditVerifier();
  AuditVerifier(const AuditVerifier&) = delete;
  AuditVerifier& operator=(const AuditVerifier&) = delete;

  // VerifyStore over the store and the checkpoint file of the configuration.
  Result<VerifyReport> Verify() const;

 private:
  AuditVerifier() = default;
  std::unique_ptr<db::Database> db_;
  std::vector<uint8_t> sign_public_;
  std::string checkpoint_path_;
};

// The schema of audit.db, created when missing.
Status EnsureSchema(db::Database& db);

}  // namespace vh::audit
