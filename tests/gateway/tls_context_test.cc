#include "gateway/tls_context.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <cctype>
#include <cstdio>
#include <tuple>

#include "core/limits.h"
#include "tests/support/gateway_harness.h"

namespace vh::gw {
namespace {

using vh::testing::GatewayHarness;
using vh::testing::RunCommand;

TlsConfig ExampleTls() {
  const std::string dir = GatewayHarness::CertsDir();
  return TlsConfig{dir + "/server.crt", dir + "/server.key", dir + "/ca.crt", dir + "/crl.pem"};
}

std::optional<std::string> NoOin(const std::string&) { return std::nullopt; }

TEST(TlsContextTest, BuildsFromTheExamplePki) {
  auto ctx = ServerTlsContext::Create(ExampleTls(), NoOin);
  ASSERT_TRUE(ctx.ok()) << ctx.status().message();
  SSL_CTX* c = (*ctx)->native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(c), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(c), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  EXPECT_EQ(SSL_CTX_get_session_cache_mode(c), SSL_SESS_CACHE_OFF);
  EXPECT_NE(SSL_CTX_get_options(c) & SSL_OP_NO_RENEGOTIATION, 0u);
  // The chain it sends is built: the intermediate, not the root.
  STACK_OF(X509)* chain = nullptr;
  ASSERT_EQ(SSL_CTX_get0_chain_certs(c, &chain), 1);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(sk_X509_num(chain), 1);
}

TEST(TlsContextTest, TheOinLookupIsTheOneGiven) {
  auto ctx = ServerTlsContext::Create(ExampleTls(), [](const std::string& partner) {
    return partner == "politie" ? std::optional<std::string>("1") : std::nullopt;
  });
  ASSERT_TRUE(ctx.ok());
  EXPECT_EQ((*ctx)->ExpectedOin("politie"), "1");
  EXPECT_EQ((*ctx)->ExpectedOin("om"), std::nullopt);
}

TEST(TlsContextTest, EachBadFileStopsItNamingTheKeyAndFile) {
  struct Case {
    std::string TlsConfig::*field;
    std::string value;
    std::string expect;
  };
  const std::string certs = GatewayHarness::CertsDir();
  for (const Case& c : std::vector<Case>{
           {&TlsConfig::cert, "/nonexistent/server.crt", "tls.cert /nonexistent/server.crt"},
           {&TlsConfig::key, "/nonexistent/server.key", "tls.key /nonexistent/server.key"},
           // A key of another pair: said so, in the words docs/operations.md uses.
           {&TlsConfig::key, certs + "/politie.participant.key",
            "tls.key " + certs + "/politie.participant.key does not match tls.cert"},
           {&TlsConfig::client_ca, "/nonexistent/ca.crt", "tls.client_ca /nonexistent/ca.crt"},
           {&TlsConfig::crl, "/nonexistent/crl.pem", "tls.crl /nonexistent/crl.pem"},
           {&TlsConfig::crl, certs + "/ca.crt", "no CRL in file"},
       }) {
    TlsConfig tls = ExampleTls();
    tls.*c.field = c.value;
    auto ctx = ServerTlsContext::Create(tls, NoOin);
    ASSERT_FALSE(ctx.ok()) << c.value;
    EXPECT_EQ(ctx.status().reason(), "tls_config");
    EXPECT_NE(ctx.status().message().find(c.expect), std::string::npos) << ctx.status().message();
  }
}

// The example server certificate, valid from now + `from` to now + `to`
// (seconds), signed again by the example intermediate; its path.
std::string ServerCertValid(const std::string& dir, long from, long to) {
  const std::string certs = GatewayHarness::CertsDir();
  auto read = [](const std::string& path, auto reader) {
    FILE* f = std::fopen(path.c_str(), "r");
    auto* x = f ? reader(f, nullptr, nullptr, nullptr) : nullptr;
    if (f) std::fclose(f);
    return x;
  };
  X509* cert = read(certs + "/server.crt", PEM_read_X509);
  EVP_PKEY* ca_key = read(certs + "/intermediate.key", PEM_read_PrivateKey);
  if (!cert || !ca_key) return "";
  X509_gmtime_adj(X509_getm_notBefore(cert), from);
  X509_gmtime_adj(X509_getm_notAfter(cert), to);
  X509_sign(cert, ca_key, EVP_sha256());
  const std::string path = dir + "/server-" + std::to_string(from) + ".crt";
  FILE* out = std::fopen(path.c_str(), "w");
  if (out) {
    PEM_write_X509(out, cert);
    std::fclose(out);
  }
  X509_free(cert);
  EVP_PKEY_free(ca_key);
  return path;
}

TEST(TlsContextTest, AServerCertificateOutsideItsValidityStopsIt) {
  const std::string dir = ::testing::TempDir();
  for (const auto& [from, to, expect] : std::vector<std::tuple<long, long, std::string>>{
           {-7200, -3600, " expired at "}, {3600, 7200, " is not valid before "}}) {
    TlsConfig tls = ExampleTls();
    tls.cert = ServerCertValid(dir, from, to);
    ASSERT_FALSE(tls.cert.empty());
    auto ctx = ServerTlsContext::Create(tls, NoOin);
    ASSERT_FALSE(ctx.ok()) << expect;
    EXPECT_EQ(ctx.status().reason(), "tls_config");
    EXPECT_NE(ctx.status().message().find("tls.cert " + tls.cert + expect), std::string::npos)
        << ctx.status().message();
  }
  // The same certificate within its validity serves.
  TlsConfig tls = ExampleTls();
  tls.cert = ServerCertValid(dir, -60, 3600);
  EXPECT_TRUE(ServerTlsContext::Create(tls, NoOin).ok());
}

// A remembered chain holds only inside its certificates' validity, before
// the CRLs' nextUpdate and for limits::kTlsChainMemory; a failure is never
// remembered (the callback does not call Remember for it).
TEST(TlsContextTest, AVerifiedChainHoldsWithinItsWindowOnly) {
  const int64_t now = 1'800'000'000, memory = limits::kTlsChainMemory.count();
  VerifiedChains chains(now + 3600);
  EXPECT_FALSE(chains.Holds("a", now));
  chains.Remember("a", now, now + 60);
  EXPECT_TRUE(chains.Holds("a", now));
  EXPECT_TRUE(chains.Holds("a", now + 59));
  EXPECT_FALSE(chains.Holds("a", now + 60)) << "past the notAfter";
  EXPECT_FALSE(chains.Holds("a", now - 1)) << "before it verified (a clock set back)";
  EXPECT_FALSE(chains.Holds("b", now));

  chains.Remember("long", now, now + 10 * memory);
  EXPECT_TRUE(chains.Holds("long", now + std::min<int64_t>(memory, 3600) - 1));
  EXPECT_FALSE(chains.Holds("long", now + 3600)) << "past the CRLs' nextUpdate";
  VerifiedChains no_crl_date(0);
  no_crl_date.Remember("long", now, now + 10 * memory);
  EXPECT_TRUE(no_crl_date.Holds("long", now + memory - 1));
  EXPECT_FALSE(no_crl_date.Holds("long", now + memory)) << "remembered for a while only";

  chains.Remember("expired", now, now);
  EXPECT_FALSE(chains.Holds("expired", now));

  // Full: it starts over rather than grow.
  for (std::size_t i = 0; i < limits::kTlsChainsRemembered + 1; ++i) {
    chains.Remember("k" + std::to_string(i), now, now + 60);
  }
  EXPECT_LE(chains.size(), limits::kTlsChainsRemembered);
  EXPECT_TRUE(chains.Holds("k" + std::to_string(limits::kTlsChainsRemembered), now));
}

TEST(TlsContextTest, VerifyErrorsAreClassified) {
  EXPECT_STREQ(ClassifyVerifyError(X509_V_ERR_CERT_HAS_EXPIRED), "expired");
  EXPECT_STREQ(ClassifyVerifyError(X509_V_ERR_CERT_NOT_YET_VALID), "not_yet_valid");
  EXPECT_STREQ(ClassifyVerifyError(X509_V_ERR_CERT_REVOKED), "revoked");
  EXPECT_STREQ(ClassifyVerifyError(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY), "unknown_ca");
  EXPECT_STREQ(ClassifyVerifyError(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT), "unknown_ca");
  EXPECT_STREQ(ClassifyVerifyError(X509_V_ERR_UNABLE_TO_GET_CRL), "crl_unavailable");
  EXPECT_STREQ(ClassifyVerifyError(X509_V_ERR_CRL_HAS_EXPIRED), "crl_unavailable");
  EXPECT_STREQ(ClassifyVerifyError(X509_V_ERR_INVALID_PURPOSE), "invalid_certificate");
}

TEST(TlsContextTest, HandshakeErrorsAreClassified) {
  HandshakeCheck none;
  HandshakeCheck revoked{"revoked"};
  const auto ssl_error = [](int reason) {
    return boost::system::error_code(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)),
                                     boost::asio::error::get_ssl_category());
  };
  EXPECT_STREQ(ClassifyHandshakeError(ssl_error(SSL_R_NO_SHARED_CIPHER), revoked), "revoked");
  EXPECT_STREQ(ClassifyHandshakeError(boost::beast::error::timeout, none), "timeout");
  EXPECT_STREQ(ClassifyHandshakeError(ssl_error(SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE), none),
               "no_certificate");
  EXPECT_STREQ(ClassifyHandshakeError(ssl_error(SSL_R_UNSUPPORTED_PROTOCOL), none),
               "protocol_version");
  EXPECT_STREQ(ClassifyHandshakeError(ssl_error(SSL_R_NO_SHARED_CIPHER), none), "no_shared_cipher");
  EXPECT_STREQ(ClassifyHandshakeError(ssl_error(SSL_R_HTTP_REQUEST), none), "plain_http");
  EXPECT_STREQ(ClassifyHandshakeError(boost::asio::ssl::error::stream_truncated, none), "other");
}

TEST(TlsContextTest, IdentityFromTheCertificate) {
  const std::string file = GatewayHarness::CertsDir() + "/politie.participant.crt";
  FILE* f = std::fopen(file.c_str(), "r");
  ASSERT_NE(f, nullptr) << file;
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  ASSERT_NE(cert, nullptr);
  Identity id = CertificateIdentity(cert);
  X509_free(cert);
  EXPECT_EQ(id.partner, "politie");
  EXPECT_EQ(id.role, "participant");
  EXPECT_EQ(id.cn, "J.de-Vries");
  EXPECT_EQ(id.oin, "00000001003214345000");
  EXPECT_EQ(id.remote, "");
  // The SHA-256 of the DER certificate, as openssl prints it (without colons, lower case).
  std::string out, err;
  ASSERT_EQ(
      RunCommand({"openssl", "x509", "-in", file, "-noout", "-fingerprint", "-sha256"}, &out, &err),
      0)
      << err;
  std::string expected;
  for (char ch : out.substr(out.find('=') + 1)) {
    if (std::isxdigit(static_cast<unsigned char>(ch))) {
      expected.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
  }
  EXPECT_EQ(id.fingerprint, expected);
}

}  // namespace
}  // namespace vh::gw
