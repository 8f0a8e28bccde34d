#include "gateway/case_metrics.h"

#include <memory>
#include <mutex>

#include "store/case_store.h"

namespace vh::gw {

void AddCaseMetrics(Metrics& metrics, store::CaseStore& cases) {
  // Counted at most every kUrgentCacheTtl, as vhgate_requests_open.
  struct Cache {
    std::mutex mu;
    std::chrono::steady_clock::time_point at{};
    bool valid = false;
    int64_t count = 0;
  };
  auto cache = std::make_shared<Cache>();
  store::CaseStore* store = &cases;
  metrics.AddSampledFamily(
      "vhgate_urgent_notifications_open", "gauge",
      "Urgent (code rood) notifications that are not closed.", [cache, store] {
        std::lock_guard<std::mutex> lock(cache->mu);
        auto now = std::chrono::steady_clock::now();
        if (!cache->valid || now - cache->at >= kUrgentCacheTtl) {
          auto counted = store->CountOpenUrgentNotifications();
          if (!counted.ok())
            return std::vector<Metrics::Sample>{};  // the store names its failure elsewhere
          cache->count = *counted;
          cache->at = now;
          cache->valid = true;
        }
        return std::vector<Metrics::Sample>{{"", static_cast<double>(cache->count)}};
      });
}

}  // namespace vh::gw
