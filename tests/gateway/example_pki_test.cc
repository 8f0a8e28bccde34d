// The example PKI of `make certs` (certs-example/make-certs.sh) against the
// contract: the files its header lists exist, private keys are 0600, and
// every client certificate's serialNumber is the OIN the example covenant
// gives its partner (or the gateway refuses it at the handshake).

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "policy/loader.h"
#include "tests/support/gateway_harness.h"

namespace vh::testing {
namespace {

namespace fs = std::filesystem;

std::string Field(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  ASN1_STRING* d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(d)),
                     static_cast<std::size_t>(ASN1_STRING_length(d)));
}

TEST(ExamplePkiTest, HasTheContractFilesWithPrivateKeys0600) {
  std::string dir = GatewayHarness::CertsDir();
  for (const char* f :
       {"ca.crt", "intermediate.crt", "intermediate.key", "crl.pem", "server.crt", "server.key",
        "expired.crt", "expired.key", "revoked.crt", "revoked.key", "foreign.crt", "foreign.key"}) {
    EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".key") continue;
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << e.path();
  }
}

TEST(ExamplePkiTest, ClientCertificateOinsMatchTheCovenant) {
  std::vector<std::string> problems;
  auto covenant =
      policy::LoadCovenantFile(GatewayHarness::SourceDir() + "/examples/convenant.json", &problems);
  ASSERT_TRUE(covenant.ok()) << covenant.status().message();
  int checked = 0;
  for (const auto& e : fs::directory_iterator(GatewayHarness::CertsDir())) {
    std::string name = e.path().filename().string();
    // <partner>.<role>.crt: the per-identity certificates.
    if (e.path().extension() != ".crt" || std::count(name.begin(), name.end(), '.') != 2) continue;
    FILE* f = std::fopen(e.path().c_str(), "r");
    ASSERT_NE(f, nullptr);
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    ASSERT_NE(cert, nullptr) << name;
    std::string partner = Field(cert, NID_organizationName);
    std::string oin = Field(cert, NID_serialNumber);
    X509_free(cert);
    EXPECT_EQ(name.substr(0, name.find('.')), partner) << name;
    const policy::Partner* p = (*covenant)->FindPartner(partner);
    if (p != nullptr && !p->oin.empty()) {
      EXPECT_EQ(oin, p->oin) << name << ": serialNumber is not the covenant's OIN for " << partner;
      ++checked;
    }
  }
  EXPECT_GE(checked, 5);
}

}  // namespace
}  // namespace vh::testing
