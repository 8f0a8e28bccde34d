#pragma once
// AdapterMetrics: counters per partner and outcome, for the gateway's
// metrics endpoint and for tests.
//
// Counter names (Prometheus text, label partner and outcome/reason):
//   vhgate_adapter_pull_total{partner,outcome}      outcome: answered, declined,
//       failed, rejected (answered meanwhile by another channel, or closed)
//   vhgate_adapter_pull_failures_total{partner,reason}  reason: unreachable,
//       timeout, tls, http_status, invalid_response, answer_refused
//   vhgate_adapter_pull_attempts_total{partner}
//   vhgate_adapter_files_total{partner,outcome}     outcome: imported,
//       rejected, duplicate
//   vhgate_adapter_fields_total{partner,outcome}    outcome: accepted, withheld
// Labels carry partner ids and fixed codes only, never personal data.
//
// Thread-safe: every method may be called from any thread.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "core/json.h"

namespace vh::adapters {

class AdapterMetrics {
 public:
  void Add(std::string_view counter, std::string_view partner, std::string_view label,
           uint64_t n = 1);
  // 0 when never incremented.
  uint64_t Get(std::string_view counter, std::string_view partner,
               std::string_view label = "") const;
  // Also passes every Add to `mirror` (e.g. the gateway's own Metrics::Add)
  // as (counter name, Prometheus label text, delta). Set before Start.
  using Mirror =
      std::function<void(const std::string& name, const std::string& labels, int64_t delta)>;
  void SetMirror(Mirror mirror);
  // Prometheus text exposition (with # TYPE lines), sorted.
  std::string RenderPrometheus() const;
  // {"<counter>": {"<partner>": {"<label>": n}}}
  Json ToJson() const;

 private:
  mutable std::mutex mu_;
  Mirror mirror_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> counters_;
};

// Counter names.
inline constexpr std::string_view kPullTotal = "vhgate_adapter_pull_total";
inline constexpr std::string_view kPullFailures = "vhgate_adapter_pull_failures_total";
inline constexpr std::string_view kPullAttempts = "vhgate_adapter_pull_attempts_total";
inline constexpr std::string_view kFilesTotal = "vhgate_adapter_files_total";
inline constexpr std::string_view kFieldsTotal = "vhgate_adapter_fields_total";

}  // namespace vh::adapters
