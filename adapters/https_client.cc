#include "adapters/https_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <mutex>

#include "core/trace_context.h"
#include "crypto/hex.h"

namespace vh::adapters {
namespace {

struct WriteState {
  std::string* body;
  std::size_t max;
  bool too_large = false;
};

size_t OnWrite(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<WriteState*>(user);
  size_t bytes = size * n;
  if (st->body->size() + bytes > st->max) {
    st->too_large = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  st->body->append(data, bytes);
  return bytes;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return (cancel != nullptr && cancel->load()) ? 1 : 0;
}

Status CheckCredentials(const HttpsClientOptions& o) {
  auto bad = [](const std::string& file, const std::string& why) {
    return Status::InvalidArgument("bad_config", file + ": " + why);
  };
  FILE* f = std::fopen(o.ca.c_str(), "r");
  if (f == nullptr) return bad(o.ca, "cannot open");
  X509* ca = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (ca == nullptr) return bad(o.ca, "no PEM certificate");
  X509_free(ca);

  f = std::fopen(o.cert.c_str(), "r");
  if (f == nullptr) return bad(o.cert, "cannot open");
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) return bad(o.cert, "no PEM certificate");

  f = std::fopen(o.key.c_str(), "r");
  if (f == nullptr) {
    X509_free(cert);
    return bad(o.key, "cannot open");
  }
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (key == nullptr) {
    X509_free(cert);
    return bad(o.key, "no PEM private key (or it is encrypted)");
  }
  int fits = X509_check_private_key(cert, key);
  EVP_PKEY_free(key);
  X509_free(cert);
  if (fits != 1) return bad(o.key, "does not fit certificate " + o.cert);
  return Status::Ok();
}

// The server certificate of the connection this transfer runs on, as
// fingerprint and subject. Read from the live SSL object while the transfer
// is in progress (the first response header line), so that a reused
// keep-alive connection, which has no handshake and therefore no
// CURLINFO_CERTINFO, still names its peer.
void PeerIdentity(CURL* curl, HttpsResponse* out) {
  curl_tlssessioninfo* info = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || info == nullptr ||
      info->backend != CURLSSLBACKEND_OPENSSL || info->internals == nullptr) {
    return;
  }
  X509* x = SSL_get1_peer_certificate(static_cast<SSL*>(info->internals));
  if (x == nullptr) return;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(x, EVP_sha256(), md, &len) == 1) out->peer_fingerprint = crypto::ToHex(md, len);
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      if (n > 0) out->peer_subject.assign(data, static_cast<std::size_t>(n));
    }
    BIO_free(bio);
  }
  X509_free(x);
}

// The client whose transfer an SSL_CTX serves (curl makes one per
// connection), for the verify callback.
int PinIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// curl's own checks (chain, then host name after the handshake) plus the
// partner's identity on the leaf, before anything is sent.
int VerifyPinned(int preverify_ok, X509_STORE_CTX* store) {
  if (!preverify_ok || X509_STORE_CTX_get_error_depth(store) != 0) return preverify_ok;
  SSL* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* pin = ssl ? static_cast<HttpsClient::ServerPin*>(
                        SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), PinIndex()))
                  : nullptr;
  X509* leaf = X509_STORE_CTX_get_current_cert(store);
  if (pin == nullptr || leaf == nullptr) return 0;  // fail closed
  const HttpsClientOptions& o = *pin->options;
  if (!o.server_fingerprint.empty()) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    X509_digest(leaf, EVP_sha256(), md, &len);
    if (crypto::ToHex(md, len) == o.server_fingerprint) return 1;
    pin->failure = "the partner's server certificate is not the one configured (fingerprint)";
  } else if (!o.server_organization.empty()) {
    X509_NAME* name = X509_get_subject_name(leaf);
    const int i = X509_NAME_get_index_by_NID(name, NID_organizationName, -1);
    std::string org;
    if (i >= 0) {
      unsigned char* utf8 = nullptr;
      int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
      if (n >= 0) org.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
      OPENSSL_free(utf8);
    }
    const bool one = i >= 0 && X509_NAME_get_index_by_NID(name, NID_organizationName, i) < 0;
    if (one && org == o.server_organization) return 1;
    pin->failure = "the partner's server certificate is not " + o.server_organization +
                   "'s (its subject O differs)";
  } else {
    return 1;
  }
  X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

CURLcode OnSslContext(CURL*, void* ssl_ctx, void* user) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (SSL_CTX_set_ex_data(ctx, PinIndex(), user) != 1) return CURLE_SSL_CONNECT_ERROR;
  SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), VerifyPinned);
  return CURLE_OK;
}

struct HeaderState {
  CURL* curl;
  HttpsResponse* out;
  bool seen = false;
};

size_t OnHeader(char*, size_t size, size_t n, void* user) {
  auto* st = static_cast<HeaderState*>(user);
  if (!st->seen) {
    st->seen = true;
    PeerIdentity(st->curl, st->out);
  }
  return size * n;
}

std::string_view ReasonFor(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      return "unreachable";
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
      return "tls";
    case CURLE_ABORTED_BY_CALLBACK:
      return "cancelled";
    default:
      return "transport";
  }
}

}  // namespace

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpsClient::HttpsClient(const HttpsClientOptions& options) : options_(options) {}

HttpsClient::~HttpsClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<std::unique_ptr<HttpsClient>> HttpsClient::Create(const HttpsClientOptions& options) {
  VH_RETURN_IF_ERROR(CheckCredentials(options));
  InitCurlOnce();
  std::unique_ptr<HttpsClient> c(new HttpsClient(options));
  c->curl_ = curl_easy_init();
  if (c->curl_ == nullptr) return Status::Internal("curl_easy_init failed");
  return c;
}

Result<HttpsResponse> HttpsClient::PostJson(const std::string& url, const std::string& json_body,
                                            const std::atomic<bool>* cancel) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  HttpsResponse resp;
  WriteState ws{&resp.body, options_.max_response_bytes};
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Expect:");
  // The operation this call belongs to, for the partner's own log (W3C
  // Trace Context; core/trace_context.h).
  if (const auto& trace = CurrentTrace()) {
    headers = curl_slist_append(headers, ("traceparent: " + trace->ToTraceparent()).c_str());
  }

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca.c_str());
  curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
  curl_easy_setopt(curl, CURLOPT_SSLCERT, options_.cert.c_str());
  curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
  curl_easy_setopt(curl, CURLOPT_SSLKEY, options_.key.c_str());
  curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
  // The partner's identity, in the handshake (VerifyPinned).
  pin_.failure.clear();
  curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, &OnSslContext);
  curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, &pin_);
  HeaderState hs{curl, &resp};
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &hs);
  // No TLS session resumption: partner servers that verify client
  // certificates without a session id context refuse resumed sessions, and
  // a pull every few seconds gains nothing from it.
  curl_easy_setopt(curl, CURLOPT_SSL_SESSIONID_CACHE, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnWrite);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ws);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancel));

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    if (ws.too_large) {
      return Status::Unavailable(
          "too_large",
          "partner response larger than " + std::to_string(options_.max_response_bytes) + " bytes");
    }
    if (!pin_.failure.empty()) return Status::Unavailable("tls", pin_.failure);
    std::string_view reason = ReasonFor(rc);
    if (reason == "timeout") return Status::Timeout("partner did not answer in time");
    return Status::Unavailable(std::string(reason), curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

}  // namespace vh::adapters
