#include "gateway/metrics.h"

#include <charconv>
#include <cmath>
#include <sstream>

namespace vh::gw {
namespace {

// The shortest text that reads back as `v` (1764696000.25, not 1.7647e+09).
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

void Metrics::CountRequest(const std::string& route, int status, std::chrono::nanoseconds latency) {
  static std::atomic<std::size_t> threads{0};
  thread_local const std::size_t mine = threads.fetch_add(1, std::memory_order_relaxed) % kShards;
  double secs = std::chrono::duration<double>(latency).count();
  RequestShard& shard = shards_[mine];
  std::lock_guard<std::mutex> lock(shard.mu);
  ++shard.requests[{route, status}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (secs <= kBuckets[i]) ++shard.latency_buckets[i];
  }
  ++shard.latency_count;
  shard.latency_sum += secs;
}

void Metrics::CountHandshakeFailure(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  ++handshake_failures_[reason];
}

void Metrics::Add(const std::string& name, const std::string& labels, int64_t delta) {
  std::lock_guard<std::mutex> lock(mu_);
  custom_[{name, labels}] += delta;
}

int64_t Metrics::HandshakeFailures(const std::string& reason) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = handshake_failures_.find(reason);
  return it == handshake_failures_.end() ? 0 : it->second;
}

std::string Metrics::Render() const {
  std::ostringstream o;
  // The module readers run without mu_: they take their modules' locks (the
  // case store's, while a handler holding it waits for an audit commit whose
  // completion counts a request here), so holding mu_ across them deadlocks.
  std::vector<Sampled> sampled;
  std::vector<SampledFamily> families;
  {
    std::lock_guard<std::mutex> lock(mu_);
    RenderCountersLocked(o);
    sampled = sampled_;
    families = families_;
  }
  for (const auto& m : sampled) {
    o << "# HELP " << m.name << " " << m.help << "\n"
      << "# TYPE " << m.name << " " << m.type << "\n"
      << m.name << " " << m.read() << "\n";
  }
  for (const auto& f : families) {
    o << "# HELP " << f.name << " " << f.help << "\n"
      << "# TYPE " << f.name << " " << f.type << "\n";
    for (const Sample& s : f.read()) {
      o << f.name;
      if (!s.labels.empty()) o << "{" << s.labels << "}";
      o << " " << FormatValue(s.value) << "\n";
    }
  }
  return o.str();
}

void Metrics::RenderCountersLocked(std::ostringstream& o) const {
  std::map<std::pair<std::string, int>, int64_t> requests;
  std::array<int64_t, kBuckets.size()> latency_buckets{};
  int64_t latency_count = 0;
  double latency_sum = 0;
  for (RequestShard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (const auto& [k, v] : shard.requests) requests[k] += v;
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      latency_buckets[i] += shard.latency_buckets[i];
    latency_count += shard.latency_count;
    latency_sum += shard.latency_sum;
  }
  o << "# HELP vhgate_requests_total HTTP requests by route template and status.\n"
    << "# TYPE vhgate_requests_total counter\n";
  for (const auto& [k, v] : requests) {
    o << "vhgate_requests_total{route=\"" << k.first << "\",status=\"" << k.second << "\"} " << v
      << "\n";
  }
  o << "# HELP vhgate_handshake_failures_total Refused TLS handshakes by reason.\n"
    << "# TYPE vhgate_handshake_failures_total counter\n";
  for (const auto& [k, v] : handshake_failures_) {
    o << "vhgate_handshake_failures_total{reason=\"" << k << "\"} " << v << "\n";
  }
  o << "# HELP vhgate_request_duration_seconds Request latency, handler included.\n"
    << "# TYPE vhgate_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    o << "vhgate_request_duration_seconds_bucket{le=\"" << kBuckets[i] << "\"} "
      << latency_buckets[i] << "\n";
  }
  o << "vhgate_request_duration_seconds_bucket{le=\"+Inf\"} " << latency_count << "\n"
    << "vhgate_request_duration_seconds_sum " << latency_sum << "\n"
    << "vhgate_request_duration_seconds_count " << latency_count << "\n";
  o << "# HELP vhgate_open_connections Open client connections.\n"
    << "# TYPE vhgate_open_connections gauge\n"
    << "vhgate_open_connections " << open_connections_.load() << "\n";
  o << "# HELP vhgate_rejected_connections_total Client connections refused at the connection "
       "limit.\n"
    << "# TYPE vhgate_rejected_connections_total counter\n"
    << "vhgate_rejected_connections_total " << rejected_connections_.load() << "\n";
  o << "# HELP vhgate_read_timeouts_total Connections dropped because the client did not send "
       "its request in time.\n"
    << "# TYPE vhgate_read_timeouts_total counter\n"
    << "vhgate_read_timeouts_total " << timeouts_.load() << "\n";
  o << "# HELP vhgate_write_timeouts_total Connections dropped because the client did not take "
       "its response in time.\n"
    << "# TYPE vhgate_write_timeouts_total counter\n"
    << "vhgate_write_timeouts_total " << write_timeouts_.load() << "\n";
  std::string last;
  for (const auto& [k, v] : custom_) {
    if (k.first != last) {
      auto help = help_.find(k.first);
      o << "# HELP " << k.first << " "
        << (help == help_.end() ? std::string("Counted by a gateway module.") : help->second)
        << "\n# TYPE " << k.first << " counter\n";
      last = k.first;
    }
    o << k.first;
    if (!k.second.empty()) o << "{" << k.second << "}";
    o << " " << v << "\n";
  }
}

void Metrics::AddSampledFamily(const std::string& name, const std::string& type,
                               const std::string& help, std::function<std::vector<Sample>()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  families_.push_back(SampledFamily{name, type, help, std::move(read)});
}

void Metrics::Describe(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  help_[name] = help;
}

void Metrics::AddSampled(const std::string& name, const std::string& type, const std::string& help,
                         std::function<int64_t()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  sampled_.push_back(Sampled{name, type, help, std::move(read)});
}

}  // namespace vh::gw
