#include "crypto/primitives.h"

#include <mutex>

namespace vh::crypto {

Status InitCrypto() {
  static int rc = sodium_init();
  if (rc < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

Hash ContentHash(std::string_view data) {
  Hash h;
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                     nullptr, 0);
  return h;
}

Hash ContentHash2(std::string_view a, std::string_view b) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, kHashBytes);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(a.data()), a.size());
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(b.data()), b.size());
  Hash h;
  crypto_generichash_final(&st, h.data(), h.size());
  return h;
}

std::string Sha256Hex(std::string_view data) {
  uint8_t out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex);
}

Hash KeyedDigest(const SecretBytes& key, std::string_view domain, std::string_view data) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.data(), key.size(), kHashBytes);
  // Length-prefix the domain so ("ab","c") and ("a","bc") differ.
  uint8_t len = static_cast<uint8_t>(domain.size() > 255 ? 255 : domain.size());
  crypto_generichash_update(&st, &len, 1);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(domain.data()), len);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  Hash h;
  crypto_generichash_final(&st, h.data(), h.size());
  sodium_memzero(&st, sizeof st);
  return h;
}

std::string Seal(const SecretBytes& key, std::string_view plaintext, std::string_view aad) {
  std::string out(kSealNonceBytes + plaintext.size() + kSealTagBytes, '\0');
  auto* o = reinterpret_cast<uint8_t*>(out.data());
  randombytes_buf(o, kSealNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      o + kSealNonceBytes, &clen, reinterpret_cast<const uint8_t*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const uint8_t*>(aad.data()), aad.size(), nullptr, o,
      key.data());
  out.resize(kSealNonceBytes + clen);
  return out;
}

static bool OpenInto(const SecretBytes& key, std::string_view box, std::string_view aad,
                     uint8_t* out, unsigned long long* mlen) {
  if (box.size() < kSealNonceBytes + kSealTagBytes || key.size() != kKeyBytes) return false;
  const auto* b = reinterpret_cast<const uint8_t*>(box.data());
  return crypto_aead_xchacha20poly1305_ietf_decrypt(
             out, mlen, nullptr, b + kSealNonceBytes, box.size() - kSealNonceBytes,
             reinterpret_cast<const uint8_t*>(aad.data()), aad.size(), b, key.data()) == 0;
}

std::optional<std::string> Open(const SecretBytes& key, std::string_view box,
                                std::string_view aad) {
  if (box.size() < kSealNonceBytes + kSealTagBytes) return std::nullopt;
  std::string out(box.size() - kSealNonceBytes - kSealTagBytes, '\0');
  unsigned long long mlen = 0;
  if (!OpenInto(key, box, aad, reinterpret_cast<uint8_t*>(out.data()), &mlen)) {
    return std::nullopt;
  }
  out.resize(mlen);
  return out;
}

std::optional<SecretBytes> OpenKey(const SecretBytes& key, std::string_view box,
                                   std::string_view aad) {
  if (box.size() < kSealNonceBytes + kSealTagBytes) return std::nullopt;
  SecretBytes out(box.size() - kSealNonceBytes - kSealTagBytes);
  unsigned long long mlen = 0;
  if (!OpenInto(key, box, aad, out.data(), &mlen) || mlen != out.size()) return std::nullopt;
  return out;
}

SigningKeyPair NewSigningKeyPair() {
  SigningKeyPair kp;
  kp.public_key.resize(kSignPublicBytes);
  kp.secret_key = SecretBytes(kSignSecretBytes);
  crypto_sign_keypair(kp.public_key.data(), kp.secret_key.data());
  return kp;
}

std::vector<uint8_t> Sign(const SecretBytes& secret_key, std::string_view message) {
  std::vector<uint8_t> sig(kSignatureBytes);
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), secret_key.data());
  return sig;
}

bool Verify(const std::vector<uint8_t>& public_key, std::string_view message,
            const std::vector<uint8_t>& signature) {
  if (public_key.size() != kSignPublicBytes || signature.size() != kSignatureBytes) return false;
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

bool ConstantTimeEqual(const uint8_t* a, const uint8_t* b, std::size_t n) {
  return sodium_memcmp(a, b, n) == 0;
}

}  // namespace vh::crypto
