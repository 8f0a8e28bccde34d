#pragma once
// GatewayHarness: starts the real `vhgate serve` process for end-to-end tests.
//
// It writes a configuration into a fresh temporary directory (listen and
// metrics on 127.0.0.1:0, data_dir and keys_dir inside it, the example PKI of
// build/certs, the covenant examples/convenant.json unless told otherwise),
// runs `vhgate keys init` when the binary has it, starts `vhgate serve` with
// stderr to <dir>/gateway.log and waits for its "listening" line to learn the
// ports. Calls go through the curl CLI with the example client certificate
// of an identity "<partner>.<role>" (e.g. "politie.supplier"); every JSON
// response is checked against docs/openapi.json, and one that does not match
// fails the calling test (tests/support/openapi_check.h).
//
// Environment (set by tests/CMakeLists.txt): VH_BUILD_DIR (the vhgate
// binary), VH_SOURCE_DIR, VH_CERTS_DIR.
// Not thread-safe; one harness per test. The destructor kills the process
// (SIGKILL) if still running and removes the directory unless VH_KEEP_TMP=1.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/json.h"
#include "tests/support/synthetic_bsn.h"

namespace vh::testing {

struct HttpResult {
  int status = 0;  // 0: no HTTP response (connection refused, TLS failure)
  std::string body;
  std::string headers;  // raw response headers
  int curl_exit = 0;
  Json json() const;  // parsed body; null when not JSON
};

struct HarnessOptions {
  std::string covenant;                // path; default examples/convenant.json
  Json config_patch = Json::object();  // merged (RFC 7386) into the generated config
  bool init_keys = true;
  bool start = true;
  // Run build/vhgate-test (tests/support/test_clock_main.cc) instead of
  // vhgate, for the server and RunCli: a clock AdvanceClock moves forward.
  bool test_clock = false;
};

class GatewayHarness {
 public:
  explicit GatewayHarness(HarnessOptions options = {});
  ~GatewayHarness();
  GatewayHarness(const GatewayHarness&) = delete;
  GatewayHarness& operator=(const GatewayHarness&) = delete;

  // Starts the server; false (with the log in `error`) when it does not come up.
  bool Start(std::string* error = nullptr);
  // Sends `sig`, waits up to `timeout` and returns the exit status (-1: still
  // running, then killed; 128+n: killed by signal n).
  int Stop(int sig = 15, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void Kill();  // SIGKILL, no wait for drain
  bool Running();
  // Sends `sig` (e.g. SIGHUP) to the running gateway without waiting;
  // false when it is not running.
  bool Signal(int sig);

  // curl with identity "<partner>.<role>" ("" = no client certificate).
  HttpResult Call(const std::string& identity, const std::string& method, const std::string& path,
                  const std::string& body = "",
                  const std::vector<std::string>& extra_curl_args = {});
  HttpResult Get(const std::string& identity, const std::string& path) {
    return Call(identity, "GET", path);
  }
  HttpResult Post(const std::string& identity, const std::string& path, const Json& body) {
    return Call(identity, "POST", path, DumpJson(body));
  }
  HttpResult Put(const std::string& identity, const std::string& path, const Json& body) {
    return Call(identity, "PUT", path, DumpJson(body));
  }
  std::string Metrics();  // GET /metrics on the metrics listener

  // Runs `vhgate <args...>` with the harness config appended as `--config F`
  // when `with_config`; returns the exit code, stdout in *out, stderr in *err.
  int RunCli(const std::vector<std::string>& args, std::string* out, std::string* err,
             bool with_config = true);

  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  const std::string& dir() const { return dir_; }
  std::string config_path() const { return dir_ + "/gateway.json"; }
  std::string log_path() const { return dir_ + "/gateway.log"; }
  std::string Log() const;
  std::string certs_dir() const { return certs_; }
  std::string binary() const { return binary_; }
  const Json& config() const { return config_; }
  // Rewrites the config file (e.g. after changing a patch) for a restart.
  void WriteConfig(const Json& patch);
  // REQUIRES: HarnessOptions::test_clock. Moves the clock of the gateway and
  // of RunCli forward by `d` (in total, from the real time), within 100 ms.
  void AdvanceClock(std::chrono::seconds d);

  static std::string SourceDir();
  static std::string BuildDir();
  static std::string CertsDir();

 private:
  HarnessOptions options_;
  std::string dir_, certs_, binary_;
  Json config_;
  pid_t pid_ = -1;
  int port_ = 0;
  int metrics_port_ = 0;
  std::chrono::seconds clock_offset_{0};
};

// Runs a command (argv[0] looked up in PATH); returns its exit status and
// its stdout/stderr. `input` is written to its stdin.
int RunCommand(const std::vector<std::string>& argv, std::string* out, std::string* err,
               const std::string& input = "");

// The value of one series (name and labels as written) in a /metrics text;
// 0 when it is not there.
int64_t MetricValue(const std::string& metrics, const std::string& series);

}  // namespace vh::testing
