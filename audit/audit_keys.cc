#include "audit/audit_keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/json.h"
#include "crypto/hex.h"
#include "crypto/key_file.h"
#include "crypto/keyring.h"
#include "crypto/primitives.h"

namespace vh::audit {
namespace fs = std::filesystem;

namespace {

std::string KeyPath(const Config& config, const char* name) {
  return crypto::KeyFilePath(config.keys_dir, name);
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

Status KeyError(const std::string& path, const std::string& why) {
  return Status::Unavailable("key_file", path + ": " + why);
}

constexpr std::size_t kMaxPassphraseBytes = 4096;

Result<KdfParams> LoadKdfParams(const std::string& path) {
  auto text = ReadFile(path, 4096);
  if (!text.ok()) return KeyError(path, "cannot read");
  auto j = ParseJson(*text);
  if (!j.ok() || !j->is_object()) return KeyError(path, "not a JSON object");
  auto kdf = j->find("kdf");
  auto ops = j->find("opslimit");
  auto mem = j->find("memlimit");
  auto salt = j->find("salt");
  if (kdf == j->end() || *kdf != "argon2id13") return KeyError(path, "kdf must be argon2id13");
  if (ops == j->end() || !ops->is_number_unsigned() || mem == j->end() ||
      !mem->is_number_unsigned() || salt == j->end() || !salt->is_string()) {
    return KeyError(path, "needs opslimit, memlimit and salt");
  }
  KdfParams p;
  p.opslimit = ops->get<uint64_t>();
  p.memlimit = mem->get<uint64_t>();
  auto s = crypto::FromHex(salt->get<std::string>());
  if (!s || s->size() != crypto_pwhash_SALTBYTES) return KeyError(path, "bad salt");
  if (p.opslimit < crypto_pwhash_OPSLIMIT_MIN || p.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
      p.memlimit > (std::size_t{1} << 32)) {
    return KeyError(path, "Argon2id parameters out of range");
  }
  p.salt = std::move(*s);
  return p;
}

Status WriteKdfParams(const std::string& path, const KdfParams& p) {
  Json j = {{"kdf", "argon2id13"},
            {"opslimit", p.opslimit},
            {"memlimit", p.memlimit},
            {"salt", crypto::ToHex(p.salt)}};
  std::string text = DumpJson(j, 2) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return KeyError(path, std::string("cannot create: ") + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : KeyError(path, "cannot write");
}

}  // namespace

AuditKeys AuditKeys::Random() {
  AuditKeys k;
  k.store_key = crypto::SecretBytes::Random(crypto::kKeyBytes);
  auto kp = crypto::NewSigningKeyPair();
  k.sign_public = kp.public_key;
  k.sign_secret = std::move(kp.secret_key);
  k.pseudonym_key = crypto::SecretBytes::Random(crypto::kKeyBytes);
  return k;
}

AuditKeys AuditKeys::Clone() const {
  AuditKeys k;
  k.store_key = store_key.Clone();
  k.sign_secret = sign_secret.Clone();
  k.sign_public = sign_public;
  k.pseudonym_key = pseudonym_key.Clone();
  return k;
}

std::string PassphraseFilePath(const Config& config) {
  if (const char* env = std::getenv("VH_AUDIT_PASSPHRASE_FILE"); env != nullptr && *env != '\0') {
    return env;
  }
  if (!config.raw.is_object()) return "";
  auto a = config.raw.find("audit");
  if (a == config.raw.end() || !a->is_object()) return "";
  auto p = a->find("store_passphrase_file");
  if (p == a->end() || !p->is_string()) return "";
  fs::path path(p->get<std::string>());
  if (path.is_relative()) path = fs::path(config.dir) / path;
  return path.lexically_normal().string();
}

Result<crypto::SecretBytes> DeriveKeyFromPassphraseFile(const std::string& passphrase_file,
                                                        const KdfParams& params) {
  auto text = crypto::ReadSecretFile(passphrase_file, kMaxPassphraseBytes);
  if (!text.ok()) return text.status();
  const crypto::SecretBytes& buf = *text;
  std::size_t len = buf.size();
  while (len > 0 && (buf.data()[len - 1] == '\n' || buf.data()[len - 1] == '\r')) --len;
  if (len < 12) return KeyError(passphrase_file, "passphrase shorter than 12 characters");
  crypto::SecretBytes key(crypto::kKeyBytes);
  if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(buf.data()), len,
                    params.salt.data(), params.opslimit, static_cast<std::size_t>(params.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return KeyError(passphrase_file, "Argon2id derivation failed (out of memory?)");
  }
  return key;
}

Status InitKeys(const Config& config, std::ostream& out) {
  VH_RETURN_IF_ERROR(crypto::InitCrypto());
  VH_RETURN_IF_ERROR(crypto::EnsurePrivateDir(config.keys_dir));
  auto report = [&](const std::string& path, bool created) {
    out << (created ? "created " : "kept    ") << path << "\n";
  };
  auto ensure_random = [&](const char* name) -> Status {
    std::string path = KeyPath(config, name);
    if (Exists(path)) {
      report(path, false);
      return Status::Ok();
    }
    VH_RETURN_IF_ERROR(crypto::WriteKeyFile(path, crypto::SecretBytes::Random(crypto::kKeyBytes)));
    report(path, true);
    return Status::Ok();
  };

  // Store key: random, or Argon2id parameters when a passphrase file is configured.
  std::string store_key = KeyPath(config, crypto::kAuditStoreKeyFile);
  std::string kdf = KeyPath(config, crypto::kAuditStoreKdfFile);
  std::string passphrase = PassphraseFilePath(config);
  if (Exists(store_key) || Exists(kdf)) {
    report(Exists(store_key) ? store_key : kdf, false);
  } else if (!passphrase.empty()) {
    KdfParams p;
    p.opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
    p.memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
    p.salt.resize(crypto_pwhash_SALTBYTES);
    randombytes_buf(p.salt.data(), p.salt.size());
    // Prove the passphrase file is usable before committing to it.
    auto key = DeriveKeyFromPassphraseFile(passphrase, p);
    if (!key.ok()) return key.status();
    VH_RETURN_IF_ERROR(WriteKdfParams(kdf, p));
    report(kdf, true);
  } else {
    VH_RETURN_IF_ERROR(ensure_random(crypto::kAuditStoreKeyFile));
  }

  std::string sign_key = KeyPath(config, crypto::kAuditSignKeyFile);
  std::string sign_pub = KeyPath(config, crypto::kAuditSignPubFile);
  if (Exists(sign_key) != Exists(sign_pub)) {
    return KeyError(Exists(sign_key) ? sign_pub : sign_key,
                    "missing while the other half of the signing key pair exists");
  }
  if (Exists(sign_key)) {
    report(sign_key, false);
    report(sign_pub, false);
  } else {
    auto kp = crypto::NewSigningKeyPair();
    VH_RETURN_IF_ERROR(crypto::WriteKeyFile(sign_key, kp.secret_key));
    VH_RETURN_IF_ERROR(
        crypto::WritePublicFile(sign_pub, kp.public_key.data(), kp.public_key.size()));
    report(sign_key, true);
    report(sign_pub, true);
  }
  VH_RETURN_IF_ERROR(ensure_random(crypto::kPseudonymKeyFile));
  VH_RETURN_IF_ERROR(ensure_random(crypto::kCaseStoreKeyFile));
  return Status::Ok();
}

Result<std::vector<uint8_t>> LoadSignPublicKey(const std::string& keys_dir) {
  std::string path = crypto::KeyFilePath(keys_dir, crypto::kAuditSignPubFile);
  auto text = ReadFile(path, 1024);
  if (!text.ok()) return KeyError(path, "cannot read");
  auto pub = crypto::FromHex(*text);
  if (!pub || pub->size() != crypto::kSignPublicBytes) return KeyError(path, "not a public key");
  return std::move(*pub);
}

Result<crypto::SecretBytes> LoadStoreKey(const Config& config) {
  VH_RETURN_IF_ERROR(crypto::InitCrypto());
  std::string store_key = KeyPath(config, crypto::kAuditStoreKeyFile);
  std::string kdf = KeyPath(config, crypto::kAuditStoreKdfFile);
  if (!Exists(store_key) && Exists(kdf)) {
    auto params = LoadKdfParams(kdf);
    if (!params.ok()) return params.status();
    std::string passphrase = PassphraseFilePath(config);
    if (passphrase.empty()) {
      return KeyError(kdf,
                      "store key is passphrase-derived but neither VH_AUDIT_PASSPHRASE_FILE nor "
                      "config audit.store_passphrase_file names the passphrase file");
    }
    return DeriveKeyFromPassphraseFile(passphrase, *params);
  }
  return crypto::LoadKeyFile(store_key, crypto::kKeyBytes);
}

Result<AuditKeys> LoadAuditKeys(const Config& config) {
  AuditKeys k;
  auto store = LoadStoreKey(config);
  if (!store.ok()) return store.status();
  k.store_key = std::move(*store);
  auto sign =
      crypto::LoadKeyFile(KeyPath(config, crypto::kAuditSignKeyFile), crypto::kSignSecretBytes);
  if (!sign.ok()) return sign.status();
  k.sign_secret = std::move(*sign);
  auto pub = LoadSignPublicKey(config.keys_dir);
  if (!pub.ok()) return pub.status();
  k.sign_public = std::move(*pub);
  // The public key must belong to the secret key (Ed25519 secret = seed ‖ public).
  if (!std::equal(k.sign_public.begin(), k.sign_public.end(),
                  k.sign_secret.data() + crypto::kSignSecretBytes - crypto::kSignPublicBytes)) {
    return KeyError(KeyPath(config, crypto::kAuditSignPubFile),
                    "does not match " + std::string(crypto::kAuditSignKeyFile));
  }
  auto pseudo = crypto::LoadKeyFile(KeyPath(config, crypto::kPseudonymKeyFile), crypto::kKeyBytes);
  if (!pseudo.ok()) return pseudo.status();
  k.pseudonym_key = std::move(*pseudo);
  return k;
}

}  // namespace vh::audit
