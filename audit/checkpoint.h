#pragma once
// Checkpoints: a signed statement "event `seq` of this log has hash `hash`
// (written at `time`)". Stored in audit.db and appended, one JSON line each,
// to a plain checkpoint file outside it, so that a truncated or rolled-back
// database no longer reaches the checkpoints the file remembers.
//
// The signed message is SigningMessage(): a versioned text that binds the
// sequence number, the hash and the time. Signature: Ed25519 (crypto::Sign).
//
// CheckpointFile::Append writes one line with O_APPEND and fsyncs it;
// ReadAll parses every line, refusing (InvalidArgument naming the line
// number) a line that is not a checkpoint. A torn last line (a crash while
// appending) is reported, not silently skipped: see ReadResult.
// Thread-safety: free functions; Append is atomic per line (one write(2)).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/primitives.h"

namespace vh::audit {

struct Checkpoint {
  int64_t seq = 0;
  crypto::Hash hash{};
  std::string time;
  std::vector<uint8_t> signature;
};

std::string SigningMessage(int64_t seq, const crypto::Hash& hash, std::string_view time);
Checkpoint SignCheckpoint(const crypto::SecretBytes& sign_secret, int64_t seq,
                          const crypto::Hash& hash, std::string time);
[[nodiscard]] bool CheckpointSignatureValid(const std::vector<uint8_t>& sign_public,
                                            const Checkpoint& cp);

std::string CheckpointToLine(const Checkpoint& cp);  // JSON, no newline
Result<Checkpoint> CheckpointFromLine(std::string_view line);

struct CheckpointFileContents {
  std::vector<Checkpoint> checkpoints;  // in file order
  bool torn_tail = false;               // the last line was incomplete (crash while writing)
};

// Appends one line and fsyncs; Unavailable naming the file on failure.
Status AppendCheckpointFile(const std::string& path, const Checkpoint& cp,
                            int64_t* bytes_written = nullptr);
// A missing file reads as empty.
Result<CheckpointFileContents> ReadCheckpointFile(const std::string& path);

}  // namespace vh::audit
