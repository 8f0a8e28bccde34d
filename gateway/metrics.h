#pragma once
// Metrics: Prometheus text exposition for the plain-HTTP loopback listener.
//
// Labels are route templates ("/v1/meetings/{id}"), status codes, handshake
// failure reasons and adapter partner ids: never ids of meetings or persons,
// never values. Thread-safe: counters are atomics or mutex-guarded maps;
// Render() may run concurrently with updates, and calls the modules' readers
// without holding the lock the counters take.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace vh::gw {

class Metrics {
 public:
  void CountRequest(const std::string& route, int status, std::chrono::nanoseconds latency);
  void CountHandshakeFailure(const std::string& reason);
  void ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void CountConnectionRejected() { rejected_connections_.fetch_add(1, std::memory_order_relaxed); }
  void CountTimeout() { timeouts_.fetch_add(1, std::memory_order_relaxed); }
  void CountWriteTimeout() { write_timeouts_.fetch_add(1, std::memory_order_relaxed); }
  // For modules that count their own events (adapters, audit): name must be a
  // valid Prometheus metric name; labels are "k=\"v\"" text without personal data.
  void Add(const std::string& name, const std::string& labels, int64_t delta = 1);
  // A value a module keeps itself, read at every scrape (`type` "counter" or
  // "gauge"); registered at start, before the listener serves.
  void AddSampled(const std::string& name, const std::string& type, const std::string& help,
                  std::function<int64_t()> read);
  // A family of series a module samples at every scrape: one Sample per
  // series (its "k=\"v\"" label text, "" for none); none leaves the family
  // without samples. Registered at start, like AddSampled.
  struct Sample {
    std::string labels;
    double value = 0;
  };
  void AddSampledFamily(const std::string& name, const std::string& type, const std::string& help,
                        std::function<std::vector<Sample>()> read);
  // The HELP text of a counter that modules Add() (every family rendered has
  // HELP and TYPE lines: `promtool check metrics`).
  void Describe(const std::string& name, const std::string& help);

  int64_t open_connections() const { return open_connections_.load(); }
  int64_t HandshakeFailures(const std::string& reason) const;
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  // The counters under mu_ (held); the sampled readers are called after.
  void RenderCountersLocked(std::ostringstream& o) const;
  mutable std::mutex mu_;
  std::map<std::string, int64_t> handshake_failures_;
  std::map<std::pair<std::string, std::string>, int64_t> custom_;
  struct Sampled {
    std::string name, type, help;
    std::function<int64_t()> read;
  };
  std::vector<Sampled> sampled_;
  struct SampledFamily {
    std::string name, type, help;
    std::function<std::vector<Sample>()> read;
  };
  std::vector<SampledFamily> families_;
  std::map<std::string, std::string> help_;  // of custom_ counters
  // The requests' counts and latencies, in shards: each thread counts in its
  // own (the I/O threads do not take turns at one lock); Render adds them up.
  struct alignas(64) RequestShard {
    std::mutex mu;
    std::map<std::pair<std::string, int>, int64_t> requests;
    std::array<int64_t, kBuckets.size()> latency_buckets{};
    int64_t latency_count = 0;
    double latency_sum = 0;
  };
  static constexpr std::size_t kShards = 8;
  mutable std::array<RequestShard, kShards> shards_;
  std::atomic<int64_t> open_connections_{0};
  std::atomic<int64_t> rejected_connections_{0};
  std::atomic<int64_t> timeouts_{0};
  std::atomic<int64_t> write_timeouts_{0};
};

}  // namespace vh::gw
