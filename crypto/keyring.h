#pragma once
// The keyring: the name of every key file in keys_dir, in one place
// (docs/operations.md "Keys"; audit/README.md "Keys"). Files hold
// their key as hex text, mode 0600, in a directory of mode 0700
// (crypto/key_file.h); `vhgate keys init` creates what is missing
// (audit/audit_keys.h InitKeys).
//
//   audit-store.key   SQLCipher raw key of the audit store (audit/), or instead
//   audit-store.kdf   the Argon2id parameters of a passphrase-derived one
//   audit-sign.key    Ed25519 secret key that signs audit checkpoints
//   audit-sign.pub    its public key (0644; all `audit verify` needs besides
//                     the store key)
//   pseudonym.key     subject pseudonyms and value MACs (audit/pseudonymizer.h)
//   case-store.key    SQLCipher raw key of the case store (store/)
//
// Thread-safety: constants and pure functions.

#include <array>
#include <string>
#include <string_view>

namespace vh {
struct Config;
}

namespace vh::crypto {

inline constexpr const char* kAuditStoreKeyFile = "audit-store.key";
inline constexpr const char* kAuditStoreKdfFile = "audit-store.kdf";
inline constexpr const char* kAuditSignKeyFile = "audit-sign.key";
inline constexpr const char* kAuditSignPubFile = "audit-sign.pub";
inline constexpr const char* kPseudonymKeyFile = "pseudonym.key";
inline constexpr const char* kCaseStoreKeyFile = "case-store.key";

// Every file name above.
inline constexpr std::array<const char*, 6> kKeyFiles = {kAuditStoreKeyFile, kAuditStoreKdfFile,
                                                         kAuditSignKeyFile,  kAuditSignPubFile,
                                                         kPseudonymKeyFile,  kCaseStoreKeyFile};

// keys_dir/file.
std::string KeyFilePath(const std::string& keys_dir, std::string_view file);
// config.keys_dir/case-store.key.
std::string CaseStoreKeyPath(const Config& config);

}  // namespace vh::crypto
