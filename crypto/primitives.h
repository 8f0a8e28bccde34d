#pragma once
// One fixed primitive per purpose, named after the purpose (libsodium).
//
//   ContentHash      BLAKE2b-256, unkeyed: audit chain, covenant identity
//   Sha256           SHA-256: covenant sha256 and declaration text hashes
//                    (what the contract shows to partners)
//   KeyedDigest      BLAKE2b-256 keyed with a 256-bit key: subject pseudonyms
//                    and value MACs (a privacy officer with the key can prove
//                    which value was disclosed)
//   Seal / Open      XChaCha20-Poly1305-IETF with a random 192-bit nonce:
//                    field values at rest, data-key wrapping
//   Sign / Verify    Ed25519: audit checkpoints
//
// Sizes are constants below. Every verify/open is [[nodiscard]].
// Call InitCrypto() once before anything else (idempotent, thread-safe).

#include <sodium.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/secret_bytes.h"

namespace vh::crypto {

inline constexpr std::size_t kHashBytes = 32;
inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kSealNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
inline constexpr std::size_t kSealTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
inline constexpr std::size_t kSignPublicBytes = crypto_sign_PUBLICKEYBYTES;
inline constexpr std::size_t kSignSecretBytes = crypto_sign_SECRETKEYBYTES;
inline constexpr std::size_t kSignatureBytes = crypto_sign_BYTES;

using Hash = std::array<uint8_t, kHashBytes>;

Status InitCrypto();

Hash ContentHash(std::string_view data);
// Incremental form: ContentHash(a ‖ b) == ContentHash2(a, b).
Hash ContentHash2(std::string_view a, std::string_view b);
std::string Sha256Hex(std::string_view data);
// REQUIRES: key.size() == kKeyBytes
Hash KeyedDigest(const SecretBytes& key, std::string_view domain, std::string_view data);

// Output: nonce ‖ ciphertext ‖ tag. `aad` is authenticated, not encrypted.
// REQUIRES: key.size() == kKeyBytes
std::string Seal(const SecretBytes& key, std::string_view plaintext, std::string_view aad);
// nullopt when the box was tampered with, is truncated, or the key/aad differ.
[[nodiscard]] std::optional<std::string> Open(const SecretBytes& key, std::string_view box,
                                              std::string_view aad);
// As Open, for a box that holds a key; the result wipes itself.
[[nodiscard]] std::optional<SecretBytes> OpenKey(const SecretBytes& key, std::string_view box,
                                                 std::string_view aad);

struct SigningKeyPair {
  std::vector<uint8_t> public_key;
  SecretBytes secret_key;
};
SigningKeyPair NewSigningKeyPair();
std::vector<uint8_t> Sign(const SecretBytes& secret_key, std::string_view message);
[[nodiscard]] bool Verify(const std::vector<uint8_t>& public_key, std::string_view message,
                          const std::vector<uint8_t>& signature);

// Constant-time equality for MACs and hashes.
[[nodiscard]] bool ConstantTimeEqual(const uint8_t* a, const uint8_t* b, std::size_t n);

}  // namespace vh::crypto
