#pragma once
// The fault suite's tools (tests/faults, `make test-faults`): a blocking
// mutual-TLS client that can leave Nagle on and pick its source address,
// latency percentiles, the one summary line per fault, the exchange set up
// through the real gateway, a flood of bare TCP connections, and a partner
// server that trickles its answer. Real processes and real TLS only.
// Not thread-safe unless said.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/json.h"
#include "tests/support/gateway_harness.h"
#include "tests/support/wait_for.h"

namespace vh::faults {

using testing::GatewayHarness;
using testing::WaitFor;

struct ClientOptions {
  std::string identity;   // "<partner>.<role>" of the example PKI
  std::string cert, key;  // instead of `identity`
  std::string source = "127.0.0.1";
  bool nodelay = true;  // false: Nagle on, as Beast/Asio clients leave it
  std::chrono::milliseconds timeout{10000};
};

struct Reply {
  int status = 0;  // 0: no response (refused, reset, timed out)
  std::string body;
  double ms = 0;  // from the connect (OneShot) or the first byte written (Send)
};

// One keep-alive connection. Thread-safe to use different ones from
// different threads.
class Conn {
 public:
  static std::unique_ptr<Conn> Open(int port, const ClientOptions& o, std::string* error = nullptr);
  ~Conn();
  Reply Send(const std::string& method, const std::string& path, const std::string& body = "",
             bool close = false);
  // The request's head and its body in two writes (two records, two
  // segments), as asio::ssl::stream sends a head and a body buffer.
  Reply SendSplit(const std::string& method, const std::string& path, const std::string& body);
  // `bytes` as they are, then one response.
  Reply SendRaw(const std::string& bytes);

 private:
  Conn() = default;
  int fd_ = -1;
  void* ssl_ = nullptr;  // SSL*
  std::string pending_;  // bytes read past the last response
};

// A request on a fresh connection (full handshake), latency from the connect.
Reply OneShot(int port, const ClientOptions& o, const std::string& method, const std::string& path,
              const std::string& body = "");

// Latencies in ms; percentiles of what was added. Thread-safe.
class Latencies {
 public:
  void Add(double ms);
  double Percentile(double p) const;
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> v_;
};

// The summary line of one fault, printed when the test ends and again, all
// together, at the end of the suite:
//   fault <name>: load held (<load>); faults survived: <survived>; lost: <lost>
// A test that failed prints "FAILED" as what was lost.
class FaultReport {
 public:
  explicit FaultReport(std::string name) : name_(std::move(name)) {}
  ~FaultReport();
  std::string load = "n/a", survived = "n/a", lost = "nothing";

 private:
  std::string name_;
};

// The example covenant without its OINs (some example certificates carry
// other OINs), written once to a temporary file; its path.
std::string CovenantWithoutOins();

// A briefing of `subjects` persons (residents of Leiden) with its information requests sent;
// `requests` are (supplier identity "<p>.supplier", request id), of the
// suppliers the example PKI has a certificate for.
struct Briefing {
  std::string id;
  std::vector<std::pair<std::string, std::string>> requests;
};
Briefing CreateBriefing(GatewayHarness& gw, int subjects, int seed);
// The answer body the load sends (a field every supplier is asked for).
std::string AnswerBody();
// Events of `type` about meeting `id`, through the privacy officer's API
// (every page); -1 when the query fails.
int CountEvents(GatewayHarness& gw, const std::string& meeting, const std::string& type);
// `vhgate audit verify`: true when intact (its output in *out).
bool AuditIntact(GatewayHarness& gw, std::string* out = nullptr);

// Bare TCP connections that never send a byte, kept at `count` (each one
// the server closes is opened again, at most `per_second` a second) from
// `source` until Stop.
class BareFlood {
 public:
  BareFlood(int port, int count, const std::string& source = "127.0.0.1", int per_second = 2000);
  ~BareFlood();
  void Stop();
  int64_t opened() const { return opened_; }
  int64_t closed_by_server() const { return closed_; }

 private:
  void Run(int port, int count, std::string source, int per_second);
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> opened_{0}, closed_{0};
  std::thread thread_;
};

// A partner system over mutual TLS with the server certificate `cert`/`key`
// that reads a request and then answers one known field
// (`casus.bekend_bij_partner`) one byte every `gap`, or never (`hang`).
class SlowPartner {
 public:
  SlowPartner(std::string cert, std::string key, std::chrono::milliseconds gap, bool hang);
  ~SlowPartner();
  int port() const { return port_; }
  int64_t requests() const { return requests_; }

 private:
  void Serve();
  int listen_fd_ = -1, port_ = 0;
  std::string cert_, key_;
  std::chrono::milliseconds gap_;
  bool hang_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> requests_{0};
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::thread thread_;
};

std::string Fixed(double v, int digits = 1);

}  // namespace vh::faults
