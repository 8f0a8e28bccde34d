#include "gateway/tls_context.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>

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

int VerifyClientCertificate(int preverify_ok, X509_STORE_CTX* store) {
  SSL* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* check = ssl ? static_cast<HandshakeCheck*>(SSL_get_ex_data(ssl, CheckIndex())) : nullptr;
  if (!preverify_ok) {
    if (check && !check->reason) {
      check->reason = ClassifyVerifyError(X509_STORE_CTX_get_error(store));
    }
    return 0;
  }
  const auto* tls = ssl ? static_cast<const ServerTlsContext*>(
                              SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ContextIndex()))
                        : nullptr;
  if (X509_STORE_CTX_get_error_depth(store) == 0 && tls) {
    X509* cert = X509_STORE_CTX_get_current_cert(store);
    auto expected = tls->ExpectedOin(SubjectField(cert, NID_organizationName));
    if (expected && SubjectField(cert, NID_serialNumber) != *expected) {
      if (check) check->reason = "oin_mismatch";
      X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
  }
  return 1;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

Status Configure(SSL_CTX* c, const TlsConfig& tls) {
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
  // reconnecting makes a full handshake with its certificate checked again.
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(c, 0);
  static const unsigned char kSid[] = "vhgate";
  SSL_CTX_set_session_id_context(c, kSid, sizeof kSid - 1);

  if (SSL_CTX_use_certificate_chain_file(c, tls.cert.c_str()) != 1) {
    return fail("tls.cert " + tls.cert);
  }
  if (SSL_CTX_use_PrivateKey_file(c, tls.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail("tls.key " + tls.key);
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return fail("tls.key " + tls.key + " does not match tls.cert");
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

  BIO* bio = BIO_new_file(tls.crl.c_str(), "r");
  if (!bio) return fail("tls.crl " + tls.crl);
  X509_STORE* store = SSL_CTX_get_cert_store(c);
  int crls = 0;
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_crl(store, crl);
    X509_CRL_free(crl);
    ++crls;
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on "no start line"
  if (crls == 0) {
    return Status::Unavailable("tls_config", "tls.crl " + tls.crl + ": no CRL in file");
  }
  // Every certificate of the chain is checked against its issuer's CRL.
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, VerifyClientCertificate);
  SSL_CTX_set_verify_depth(c, 4);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ServerTlsContext>> ServerTlsContext::Create(const TlsConfig& tls,
                                                                   OinLookup expected_oin) {
  ERR_clear_error();
  SSL_CTX* c = SSL_CTX_new(TLS_server_method());
  if (!c) return Status::Unavailable("tls_config", "TLS context: " + OpenSslError());
  std::unique_ptr<ServerTlsContext> ctx(new ServerTlsContext(c, std::move(expected_oin)));
  VH_RETURN_IF_ERROR(Configure(c, tls));
  if (SSL_CTX_set_ex_data(c, ContextIndex(), ctx.get()) != 1) {
    return Status::Unavailable("tls_config", "TLS context: " + OpenSslError());
  }
  return ctx;
}

ServerTlsContext::ServerTlsContext(SSL_CTX* ctx, OinLookup expected_oin)
    : ctx_(ctx), expected_oin_(std::move(expected_oin)) {}

ServerTlsContext::~ServerTlsContext() { SSL_CTX_free(ctx_); }

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

Identity CertificateIdentity(X509* cert) {
  Identity id;
  id.partner = SubjectField(cert, NID_organizationName);
  id.role = SubjectField(cert, NID_organizationalUnitName);
  id.cn = SubjectField(cert, NID_commonName);
  id.oin = SubjectField(cert, NID_serialNumber);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, EVP_sha256(), md, &n);
  id.fingerprint = crypto::ToHex(md, n);
  return id;
}

}  // namespace vh::gw
