#pragma once
// The audit log's keys in keys_dir, by the names of the
// keyring (crypto/keyring.h), hex text, files 0600 in a 0700 directory
// (crypto/key_file.h): the audit store key (audit-store.key, or
// audit-store.kdf with Argon2id parameters when the key is derived from a
// passphrase file named by the environment variable VH_AUDIT_PASSPHRASE_FILE,
// e.g. a systemd credential, or by config `audit.store_passphrase_file`), the
// checkpoint signing pair (audit-sign.key, audit-sign.pub) and the
// pseudonymisation key (pseudonym.key). `keys init` also creates the case
// store's key (case-store.key).
//
// InitKeys creates what is missing and never overwrites. LoadAuditKeys
// refuses (Unavailable, reason "key_file", naming the file, never its
// content) a missing, malformed or group/other-accessible key file; every
// secret file is read with crypto::ReadSecretFile.
// Keys live in SecretBytes and are wiped when dropped.
// Thread-safety: free functions; InitKeys must not race another InitKeys on
// the same directory.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "crypto/secret_bytes.h"

namespace vh::audit {

struct AuditKeys {
  crypto::SecretBytes store_key;      // 32 bytes
  crypto::SecretBytes sign_secret;    // crypto::kSignSecretBytes
  std::vector<uint8_t> sign_public;   // crypto::kSignPublicBytes
  crypto::SecretBytes pseudonym_key;  // 32 bytes

  // Fresh random keys (tests, benchmarks).
  static AuditKeys Random();
  AuditKeys Clone() const;
};

// The passphrase file named by $VH_AUDIT_PASSPHRASE_FILE, else by config
// `audit.store_passphrase_file` (relative to the config file), or "".
std::string PassphraseFilePath(const Config& config);

// Creates in config.keys_dir what is missing; writes one line per file
// created or kept to `out` (names only).
Status InitKeys(const Config& config, std::ostream& out);
Result<AuditKeys> LoadAuditKeys(const Config& config);
// Only the store key (raw or passphrase-derived): enough, with the public
// key, to verify.
Result<crypto::SecretBytes> LoadStoreKey(const Config& config);
// Only the public key (for verification by someone without the secret keys
// besides the store key). The store key is still needed to read audit.db.
Result<std::vector<uint8_t>> LoadSignPublicKey(const std::string& keys_dir);

// Argon2id (libsodium crypto_pwhash, ALG_ARGON2ID13) of a passphrase file's
// content (trailing newline stripped; at most 4096 bytes, at least 12) into
// a 32-byte key.
struct KdfParams {
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
  std::vector<uint8_t> salt;  // crypto_pwhash_SALTBYTES
};
Result<crypto::SecretBytes> DeriveKeyFromPassphraseFile(const std::string& passphrase_file,
                                                        const KdfParams& params);

}  // namespace vh::audit
