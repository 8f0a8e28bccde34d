#pragma once
// The operator's metrics (docs/operations.md "Metrics"), registered on the
// gateway's Metrics at start (App), each sampled at every scrape:
//   vhgate_build_info{version,commit}            gauge, always 1
//   process_start_time_seconds                   gauge (Unix time)
//   process_cpu_seconds_total                    counter (user + system)
//   process_resident_memory_bytes                gauge
//   process_virtual_memory_bytes                 gauge
//   process_open_fds, process_max_fds            gauges
//   vhgate_audit_last_checkpoint_age_seconds     gauge: seconds since the
//       audit log last signed a checkpoint (the checkpoint file's last
//       change); absent before the first
//   vhgate_requests_open{status}                 gauge: information requests
//       of open meetings that await an answer, by status open | overdue |
//       failed; counts from the case store, cached for kOpenRequestsCacheTtl
// and the HELP text of the adapters' counters (adapters/adapter_metrics.h).
// The process metrics read /proc (Linux); a value that cannot be read is
// left out of that scrape. No label carries an id or personal data.
//
// Thread-safety: the samplers run on the metrics listener's thread while the
// gateway serves; `cases` and `clock` must outlive `metrics`' last Render.

#include <chrono>
#include <string>

#include "core/clock.h"
#include "gateway/metrics.h"

namespace vh::store {
class CaseStore;
}

namespace vh::gw {

inline constexpr std::chrono::seconds kOpenRequestsCacheTtl{5};

// `checkpoint_file`: the audit log's checkpoint file (audit/audit_log.h
// AuditLogOptionsFor(config).checkpoint_path).
void AddOperationsMetrics(Metrics& metrics, const std::string& checkpoint_file,
                          store::CaseStore& cases, const Clock& clock);

// The process metrics alone (tests).
void AddProcessMetrics(Metrics& metrics);

}  // namespace vh::gw
