#pragma once
// The metrics of notifications and cases, registered on the
// gateway's Metrics at start (App), sampled at every scrape:
//   vhgate_urgent_notifications_open   gauge: urgent (code rood)
//       notifications not closed; the house's management alerts on it
//       (docs in exchange/README.md "Code rood"). Counted from the case store
//       (clear columns only), cached for kUrgentCacheTtl.
// No label carries an id or personal data.
//
// Thread-safety: the sampler runs on the metrics listener's thread; `cases`
// must outlive `metrics`' last Render.

#include <chrono>

#include "gateway/metrics.h"

namespace vh::store {
class CaseStore;
}

namespace vh::gw {

inline constexpr std::chrono::seconds kUrgentCacheTtl{5};

void AddCaseMetrics(Metrics& metrics, store::CaseStore& cases);

}  // namespace vh::gw
