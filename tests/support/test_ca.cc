#include "tests/support/test_ca.h"

#include <filesystem>

#include "tests/support/gateway_harness.h"

namespace vh::testing {
namespace fs = std::filesystem;

TestCa::TestCa(const std::string& dir) : dir_(dir) {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  fs::create_directories(fs::path(dir_).parent_path(), ec);
  fs::copy(GatewayHarness::CertsDir(), dir_, fs::copy_options::recursive, ec);
}

bool TestCa::Run(const std::string& script, std::string* output) {
  std::string out, err;
  int rc = RunCommand({"sh", "-c", "set -e; cd '" + dir_ + "'; " + script}, &out, &err);
  if (output) *output = out + err;
  return rc == 0;
}

bool TestCa::Sign(const std::string& name, const std::string& subject, const std::string& ext,
                  const std::string& ca_args) {
  return Run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out '" + name +
             ".key' 2>/dev/null; openssl req -new -utf8 -key '" + name + ".key' -subj '" + subject +
             "' -out 'work/" + name +
             ".csr'; openssl ca -batch -utf8 -config work/ca.cnf -extensions " + ext +
             " -preserveDN -notext " + ca_args + " -in 'work/" + name + ".csr' -out '" + name +
             ".crt'");
}

bool TestCa::Revoke(const std::string& name) {
  return Run("openssl ca -batch -config work/ca.cnf -revoke '" + name +
             ".crt' -crl_reason keyCompromise");
}

bool TestCa::WriteCrl(const std::string& path, const std::string& ca_args) {
  return Run(
      "openssl ca -batch -config work/ca.cnf -gencrl " + ca_args +
      " -out work/intermediate.crl.pem; cat work/intermediate.crl.pem work/root.crl.pem > '" +
      path + ".new'; mv '" + path + ".new' '" + path + "'");
}

}  // namespace vh::testing
