#include "gateway/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <ctime>

#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "crypto/hex.h"

namespace vh::gw {
namespace {

// Where a connection's HandshakeCheck hangs on its SSL, and the
// ServerTlsContext on its SSL_CTX.
int CheckIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}
int ContextIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}
// The VerifiedChains of an SSL_CTX, freed with it.
int ChainsIndex() {
  static const int index = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr, [](void*, void* chains, CRYPTO_EX_DATA*, int, long, void*) {
        delete static_cast<VerifiedChains*>(chains);
      });
  return index;
}

// SHA-256, fetched once (EVP_sha256() is looked up again at every use).
const EVP_MD* Sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

std::string SubjectField(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  std::string s(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return s;
}

std::string Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!Sha256() || X509_digest(cert, Sha256(), md, &n) != 1) return {};
  return crypto::ToHex(md, n);
}

// RFC 2253, UTF-8 as it is (the log escapes what a terminal would act on),
// controls escaped by OpenSSL; at most 512 bytes, cut on a character.
std::string SubjectText(X509* cert) {
  std::string out;
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return out;
  if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0,
                         XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, static_cast<std::size_t>(n));
  }
  BIO_free(bio);
  if (out.size() > 512) {
    std::size_t cut = 512;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

int64_t UnixSeconds(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

// Unix seconds as the log and the messages write times.
std::string UtcText(int64_t t) {
  return FormatUtc(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(t)));
}

int64_t TlsNowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Records why the handshake is refused, and the certificate for the log
// line (only then: an accepted handshake does not pay for it). Returns 0.
int Refuse(HandshakeCheck* check, const char* reason, X509* leaf) {
  if (!check) return 0;
  if (!check->reason) check->reason = reason;
  if (leaf && check->fingerprint.empty()) {
    check->fingerprint = Fingerprint(leaf);
    check->subject = SubjectText(leaf);
  }
  return 0;
}

HandshakeCheck* CheckOf(SSL* ssl) {
  return ssl ? static_cast<HandshakeCheck*>(SSL_get_ex_data(ssl, CheckIndex())) : nullptr;
}
ServerTlsContext* ContextOf(SSL* ssl) {
  return ssl ? static_cast<ServerTlsContext*>(
                   SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ContextIndex()))
             : nullptr;
}
SSL* SslOf(X509_STORE_CTX* store) {
  return static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
}

// The client certificate's own checks, on every handshake: its subject
// names one partner, role and person, and the OIN the covenant gives that
// partner. The reason it fails, or null.
const char* LeafRefusal(const ServerTlsContext& tls, X509* cert) {
  // Two O's (or OU's, CN's, serialNumbers): whichever one a reader takes,
  // another reader may take the other. Refused rather than guessed.
  if (AmbiguousSubject(cert)) return "ambiguous_subject";
  auto expected = tls.ExpectedOin(SubjectField(cert, NID_organizationName));
  if (expected && SubjectField(cert, NID_serialNumber) != *expected) return "oin_mismatch";
  return nullptr;
}

// Called by X509_verify_cert for each certificate of the chain.
int VerifyClientCertificate(int preverify_ok, X509_STORE_CTX* store) {
  SSL* ssl = SslOf(store);
  if (!preverify_ok) {
    return Refuse(CheckOf(ssl), ClassifyVerifyError(X509_STORE_CTX_get_error(store)),
                  X509_STORE_CTX_get0_cert(store));
  }
  const ServerTlsContext* tls = ContextOf(ssl);
  if (X509_STORE_CTX_get_error_depth(store) == 0 && tls) {
    if (const char* reason = LeafRefusal(*tls, X509_STORE_CTX_get_current_cert(store))) {
      X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
      return Refuse(CheckOf(ssl), reason, X509_STORE_CTX_get0_cert(store));
    }
  }
  return 1;
}

// The key of the certificates the client sent (the leaf first): their
// SHA-256 digests one after the other; empty when one cannot be taken.
std::string ChainKey(STACK_OF(X509) * sent) {
  std::string key;
  const int n = sent ? sk_X509_num(sent) : 0;
  if (n == 0 || n > limits::kClientChainDepth + 2 || !Sha256()) return {};  // leaf, CAs, root
  for (int i = 0; i < n; ++i) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(sk_X509_value(sent, i), Sha256(), md, &len) != 1) return {};
    key.append(reinterpret_cast<const char*>(md), len);
  }
  return key;
}

// The handshake's chain verification: the chain the client sent is
// verified (X509_verify_cert, which calls VerifyClientCertificate for each
// certificate) unless this SSL_CTX verified the same certificates before
// and that still holds; then only the leaf's own checks run.
int VerifyChain(X509_STORE_CTX* store, void* arg) {
  auto* chains = static_cast<VerifiedChains*>(arg);
  const int64_t now = TlsNowSeconds();
  const std::string key = ChainKey(X509_STORE_CTX_get0_untrusted(store));
  if (!key.empty() && chains->Holds(key, now)) {
    SSL* ssl = SslOf(store);
    ServerTlsContext* tls = ContextOf(ssl);
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    const char* reason = !tls || !leaf ? "invalid_certificate" : LeafRefusal(*tls, leaf);
    if (reason) {
      X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
      return Refuse(CheckOf(ssl), reason, leaf);
    }
    tls->CountRememberedChain();
    return 1;
  }
  const int ok = X509_verify_cert(store);
  if (ok != 1 || X509_STORE_CTX_get_error(store) != X509_V_OK || key.empty()) return ok;
  // Only a chain made of exactly what was sent: extra certificates the
  // verification passed over would let one certificate make endless keys.
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(store);
  STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store);
  for (int i = 0; i < sk_X509_num(sent); ++i) {
    bool used = false;
    for (int j = 0; chain && j < sk_X509_num(chain) && !used; ++j) {
      used = X509_cmp(sk_X509_value(sent, i), sk_X509_value(chain, j)) == 0;
    }
    if (!used) return ok;
  }
  int64_t not_after = 0;  // the chain's earliest
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    const int64_t until = UnixSeconds(X509_get0_notAfter(sk_X509_value(chain, i)));
    if (until <= 0) return ok;  // not remembered: a date it cannot read
    not_after = not_after == 0 ? until : std::min(not_after, until);
  }
  if (not_after > 0) chains->Remember(key, now, not_after);
  return ok;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

Status Configure(SSL_CTX* c, const TlsConfig& tls, bool at_start, int64_t* crl_next_update,
                 int64_t* cert_expiry) {
  auto fail = [](const std::string& what) {
    return Status::Unavailable("tls_config", what + ": " + OpenSslError());
  };
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  if (SSL_CTX_set_cipher_list(c,
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256") != 1 ||
      SSL_CTX_set_ciphersuites(
          c, "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256") != 1 ||
      SSL_CTX_set1_groups_list(c, "X25519:P-256:P-384") != 1) {
    return fail("TLS cipher configuration");
  }
  SSL_CTX_set_max_early_data(c, 0);
  // No resumption: no session cache and no TLS 1.3 tickets (with
  // SSL_OP_NO_TICKET alone, OpenSSL would issue stateful tickets and keep
  // every session in a cache it then sweeps under a lock). A partner
  // reconnecting makes a full handshake: its key and subject are checked
  // again, its chain may be remembered (VerifiedChains).
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(c, 0);
  static const unsigned char kSid[] = "vhgate";
  SSL_CTX_set_session_id_context(c, kSid, sizeof kSid - 1);

  if (SSL_CTX_use_certificate_chain_file(c, tls.cert.c_str()) != 1) {
    return fail("tls.cert " + tls.cert);
  }
  if (SSL_CTX_use_PrivateKey_file(c, tls.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL 3 compares the key with the certificate as it loads it.
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return Status::Unavailable("tls_config", "tls.key " + tls.key + " does not match tls.cert");
    }
    return fail("tls.key " + tls.key);
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return fail("tls.key " + tls.key + " does not match tls.cert");
  }
  // A server certificate outside its validity would have every client
  // refuse the handshake: refused here (a start stops, a reload keeps the
  // old one), naming the file and the date.
  {
    X509* cert = SSL_CTX_get0_certificate(c);
    const int64_t now = TlsNowSeconds();
    const int64_t not_before = UnixSeconds(X509_get0_notBefore(cert));
    const int64_t not_after = UnixSeconds(X509_get0_notAfter(cert));
    if (not_before > now) {
      return Status::Unavailable(
          "tls_config", "tls.cert " + tls.cert + " is not valid before " + UtcText(not_before));
    }
    if (not_after <= now) {
      return Status::Unavailable("tls_config",
                                 "tls.cert " + tls.cert + " expired at " + UtcText(not_after));
    }
  }
  // Server key strength: ECDSA P-256/P-384, or RSA >= 3072 bits.
  EVP_PKEY* pub = X509_get0_pubkey(SSL_CTX_get0_certificate(c));
  int bits = pub ? EVP_PKEY_get_bits(pub) : 0;
  bool ec = pub && EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC;
  bool rsa = pub && EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA;
  if (!((ec && bits >= 256) || (rsa && bits >= 3072))) {
    return Status::Unavailable("tls_config",
                               "tls.cert " + tls.cert + ": key must be ECDSA P-256 or RSA >= 3072");
  }
  if (SSL_CTX_load_verify_locations(c, tls.client_ca.c_str(), nullptr) != 1) {
    return fail("tls.client_ca " + tls.client_ca);
  }
  // The chain the server sends, built once here. Without it OpenSSL built
  // (and verified) the chain from the trust store on every handshake and sent
  // the root too: a third more CPU per handshake than nginx. A cert file that
  // carries its own chain keeps it; the root is never sent.
  STACK_OF(X509)* chain = nullptr;
  if (SSL_CTX_get0_chain_certs(c, &chain) == 1 && (!chain || sk_X509_num(chain) == 0)) {
    if (SSL_CTX_build_cert_chain(
            c, SSL_BUILD_CHAIN_FLAG_NO_ROOT | SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR) <= 0) {
      return fail("tls.cert " + tls.cert + ": cannot build its chain");
    }
  }
  ERR_clear_error();
  SSL_CTX_set_mode(c, SSL_MODE_NO_AUTO_CHAIN);
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca.c_str());
  if (!names) return fail("tls.client_ca " + tls.client_ca);
  SSL_CTX_set_client_CA_list(c, names);

  // The CRLs, each checked against its issuer among the trusted CAs: a CRL
  // nobody of tls.client_ca signed would make OpenSSL refuse every
  // certificate of that issuer (or, worse, be believed).
  BIO* bio = BIO_new_file(tls.crl.c_str(), "r");
  if (!bio) return fail("tls.crl " + tls.crl);
  X509_STORE* store = SSL_CTX_get_cert_store(c);
  STACK_OF(X509_OBJECT)* trusted = X509_STORE_get0_objects(store);
  int crls = 0;
  int64_t next_update = 0;
  Status crl_status = Status::Ok();
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
    bool signed_ok = false;
    for (int i = 0; i < sk_X509_OBJECT_num(trusted) && !signed_ok; ++i) {
      X509* ca = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(trusted, i));
      signed_ok = ca && X509_NAME_cmp(X509_get_subject_name(ca), X509_CRL_get_issuer(crl)) == 0 &&
                  X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1;
    }
    const int64_t next = UnixSeconds(X509_CRL_get0_nextUpdate(crl));
    if (!signed_ok && crl_status.ok()) {
      crl_status = Status::Unavailable(
          "tls_config", "tls.crl " + tls.crl + ": CRL " + std::to_string(crls + 1) +
                            " is not signed by a CA of tls.client_ca " + tls.client_ca);
    }
    if (next > 0 && (next_update == 0 || next < next_update)) next_update = next;
    X509_STORE_add_crl(store, crl);
    X509_CRL_free(crl);
    ++crls;
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on "no start line"
  if (crls == 0) {
    return Status::Unavailable("tls_config", "tls.crl " + tls.crl + ": no CRL in file");
  }
  VH_RETURN_IF_ERROR(crl_status);
  if (!at_start && next_update > 0 && next_update < TlsNowSeconds()) {
    return Status::Unavailable("tls_config", "tls.crl " + tls.crl + ": its nextUpdate " +
                                                 UtcText(next_update) + " has passed");
  }
  *crl_next_update = next_update;
  *cert_expiry = UnixSeconds(X509_get0_notAfter(SSL_CTX_get0_certificate(c)));
  // Every certificate of the chain is checked against its issuer's CRL.
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, VerifyClientCertificate);
  SSL_CTX_set_verify_depth(c, limits::kClientChainDepth);
  auto* chains = new VerifiedChains(next_update);
  if (SSL_CTX_set_ex_data(c, ChainsIndex(), chains) != 1) {
    delete chains;
    return fail("TLS context");
  }
  SSL_CTX_set_cert_verify_callback(c, VerifyChain, chains);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ServerTlsContext>> ServerTlsContext::Create(const TlsConfig& tls,
                                                                   OinLookup expected_oin) {
  std::unique_ptr<ServerTlsContext> ctx(new ServerTlsContext(tls, std::move(expected_oin)));
  ctx->tried_ = ctx->Stamps();
  VH_RETURN_IF_ERROR(ctx->Load(true));
  return ctx;
}

ServerTlsContext::ServerTlsContext(const TlsConfig& tls, OinLookup expected_oin)
    : tls_(tls), expected_oin_(std::move(expected_oin)) {}

ServerTlsContext::~ServerTlsContext() { SSL_CTX_free(ctx_); }

SSL_CTX* ServerTlsContext::Acquire() const {
  std::lock_guard<std::mutex> lock(mu_);
  SSL_CTX_up_ref(ctx_);
  return ctx_;
}

SSL_CTX* ServerTlsContext::native_handle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ctx_;
}

Status ServerTlsContext::Load(bool at_start) {
  ERR_clear_error();
  SSL_CTX* c = SSL_CTX_new(TLS_server_method());
  if (!c) return Status::Unavailable("tls_config", "TLS context: " + OpenSslError());
  int64_t next_update = 0, expiry = 0;
  Status s = Configure(c, tls_, at_start, &next_update, &expiry);
  if (s.ok() && SSL_CTX_set_ex_data(c, ContextIndex(), this) != 1) {
    s = Status::Unavailable("tls_config", "TLS context: " + OpenSslError());
  }
  if (!s.ok()) {
    SSL_CTX_free(c);
    return s;
  }
  SSL_CTX* old = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = ctx_;
    ctx_ = c;
  }
  SSL_CTX_free(old);  // connections made from it hold their own references
  crl_next_update_ = next_update;
  certificate_expiry_ = expiry;
  cert_warned_at_ = crl_warned_at_ = 0;
  return Status::Ok();
}

std::vector<ServerTlsContext::FileStamp> ServerTlsContext::Stamps() const {
  std::vector<FileStamp> out;
  for (const std::string* f : {&tls_.cert, &tls_.key, &tls_.client_ca, &tls_.crl}) {
    FileStamp st;
    struct stat sb {};
    if (::stat(f->c_str(), &sb) == 0) {
      st.ok = true;
      st.dev = sb.st_dev;
      st.ino = sb.st_ino;
      st.size = static_cast<uint64_t>(sb.st_size);
      st.mtime_ns = static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec;
    }
    out.push_back(st);
  }
  return out;
}

Result<bool> ServerTlsContext::Reload(bool force) {
  std::vector<FileStamp> now = Stamps();
  if (!force && now == tried_) return false;
  // A file written in place may still be half written: tried again once it
  // changes again (or at the next SIGHUP), not at every poll.
  tried_ = std::move(now);
  const char* trigger = force ? "SIGHUP" : "file_changed";
  Status s = Load(false);
  if (!s.ok()) {
    LogError("tls_reload_failed",
             {{"reason", s.message()}, {"trigger", trigger}, {"kept", "the files loaded before"}});
    return s;
  }
  auto when = [](int64_t t) { return t > 0 ? UtcText(t) : std::string("unknown"); };
  LogInfo("tls_reloaded", {{"trigger", trigger},
                           {"cert", tls_.cert},
                           {"crl", tls_.crl},
                           {"certificate_expiry", when(certificate_expiry())},
                           {"crl_next_update", when(crl_next_update())}});
  return true;
}

void ServerTlsContext::WarnOfExpiry(int64_t now) {
  const int64_t window = std::chrono::seconds(limits::kTlsExpiryWarning).count();
  constexpr int64_t kDay = 24 * 3600;
  auto check = [&](int64_t at, int64_t* warned, const char* soon, const char* passed,
                   const std::string& file) {
    if (at <= 0 || at - now > window || (*warned > 0 && now - *warned < kDay)) return;
    *warned = now;
    const std::string when = UtcText(at);
    if (at <= now) {
      LogError(passed, {{"file", file}, {"at", when}});
    } else {
      LogWarn(soon, {{"file", file}, {"at", when}, {"hours_left", (at - now) / 3600}});
    }
  };
  check(certificate_expiry(), &cert_warned_at_, "server_certificate_expiring",
        "server_certificate_expired", tls_.cert);
  check(crl_next_update(), &crl_warned_at_, "crl_next_update_soon", "crl_next_update_passed",
        tls_.crl);
}

bool VerifiedChains::Holds(const std::string& key, int64_t now) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = windows_.find(key);
  return it != windows_.end() && it->second.from <= now && now < it->second.until;
}

void VerifiedChains::Remember(const std::string& key, int64_t now, int64_t not_after) {
  Window w;
  // From when it verified: a clock set back (before a CRL's lastUpdate, say)
  // verifies again.
  w.from = now;
  w.until = std::min<int64_t>(not_after, now + limits::kTlsChainMemory.count());
  if (crl_next_update_ > 0) w.until = std::min(w.until, crl_next_update_);
  if (w.until <= now) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (windows_.size() >= limits::kTlsChainsRemembered) windows_.clear();
  windows_[key] = w;
}

std::size_t VerifiedChains::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return windows_.size();
}

void WatchHandshake(SSL* ssl, HandshakeCheck* check) { SSL_set_ex_data(ssl, CheckIndex(), check); }

const char* ClassifyVerifyError(int err) {
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "not_yet_valid";
    case X509_V_ERR_CERT_REVOKED:
      return "revoked";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "unknown_ca";
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
      return "crl_unavailable";
    default:
      return "invalid_certificate";
  }
}

const char* ClassifyHandshakeError(const boost::system::error_code& ec,
                                   const HandshakeCheck& check) {
  if (check.reason) return check.reason;
  if (ec == boost::beast::error::timeout) return "timeout";
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
      case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
        return "no_certificate";
      case SSL_R_UNSUPPORTED_PROTOCOL:
      case SSL_R_WRONG_VERSION_NUMBER:
      case SSL_R_UNKNOWN_PROTOCOL:
      case SSL_R_VERSION_TOO_LOW:
        return "protocol_version";
      case SSL_R_NO_SHARED_CIPHER:
        return "no_shared_cipher";
      case SSL_R_HTTP_REQUEST:
        return "plain_http";
      default:
        break;
    }
  }
  return "other";
}

bool AmbiguousSubject(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  for (int nid :
       {NID_organizationName, NID_organizationalUnitName, NID_commonName, NID_serialNumber}) {
    const int first = X509_NAME_get_index_by_NID(name, nid, -1);
    if (first >= 0 && X509_NAME_get_index_by_NID(name, nid, first) >= 0) return true;
  }
  return false;
}

Identity CertificateIdentity(X509* cert) {
  Identity id;
  id.partner = SubjectField(cert, NID_organizationName);
  id.role = SubjectField(cert, NID_organizationalUnitName);
  id.cn = SubjectField(cert, NID_commonName);
  id.oin = SubjectField(cert, NID_serialNumber);
  id.fingerprint = Fingerprint(cert);
  return id;
}

}  // namespace vh::gw
