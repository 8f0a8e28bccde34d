#pragma once
// Helpers for the adapter tests: temp dirs, synthetic BSNs, the example
// partner process (build/vhgate-partner) on port 0 with real TLS.

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/synthetic_bsn.h"

namespace vh::adapters::testing {

std::string CertsDir();
std::string BuildDir();
std::string SourceDir();

// A fresh directory under $TMPDIR, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A made-up BSN passing the 11-proef, distinct per seed.
inline std::string TestBsn(int seed) { return vh::testing::SyntheticBsn(seed); }

void WriteFile(const std::string& path, const std::string& content);
std::string ReadAll(const std::string& path);
std::vector<std::string> ListDir(const std::string& dir);  // names, sorted; no dirs

// The example partner service as a child process.
class PartnerProcess {
 public:
  // Starts build/vhgate-partner with `args` plus --listen 127.0.0.1:0 and a
  // port file; waits until it listens. port() is 0 when it did not start.
  explicit PartnerProcess(const std::vector<std::string>& args);
  ~PartnerProcess();
  int port() const { return port_; }
  std::string url() const;
  // What the partner wrote on stderr (one line per request it handled).
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  TempDir dir_;
};

// A port that nothing listens on: bound, never listening, for the rest of
// the test process (another process cannot take it meanwhile).
int UnusedPort();

// The SHA-256 fingerprint of a PEM certificate as `openssl x509
// -fingerprint -sha256` prints it ("AB:CD:..."); "" when openssl fails.
std::string CertFingerprint(const std::string& pem_file);

}  // namespace vh::adapters::testing
