#pragma once
// TestCa: a private copy of the example PKI (build/certs, with the covenant
// CA's key and openssl-ca database) in a directory of the test's, so that a
// test can sign certificates with any subject, revoke them and write CRLs
// without touching the shared one. Uses the openssl CLI.
// Not thread-safe; one per test.

#include <string>

namespace vh::testing {

class TestCa {
 public:
  // Copies GatewayHarness::CertsDir() to `dir` (created; replaced if there).
  explicit TestCa(const std::string& dir);

  // A fresh P-256 key and a certificate for `subject` ("/O=politie/OU=...")
  // signed by the covenant CA with extensions `ext` ("client" or "server"),
  // as <dir>/<name>.crt and .key; `ca_args` go to `openssl ca` (e.g.
  // "-enddate 20991231000000Z"). The subject may hold UTF-8. False when
  // openssl fails.
  bool Sign(const std::string& name, const std::string& subject, const std::string& ext = "client",
            const std::string& ca_args = "");
  // Marks <dir>/<name>.crt revoked in the CA's database.
  bool Revoke(const std::string& name);
  // A CRL bundle as crl.pem holds it (the covenant CA's CRL, fresh from its
  // database, and the root's) written to `path` by rename. `ca_args` go to
  // `openssl ca -gencrl` (e.g. "-crl_lastupdate ... -crl_nextupdate ...").
  bool WriteCrl(const std::string& path, const std::string& ca_args = "");

  std::string Cert(const std::string& name) const { return dir_ + "/" + name + ".crt"; }
  std::string Key(const std::string& name) const { return dir_ + "/" + name + ".key"; }
  const std::string& dir() const { return dir_; }

 private:
  bool Run(const std::string& script, std::string* output = nullptr);
  std::string dir_;
};

}  // namespace vh::testing
