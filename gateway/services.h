#pragma once
// Services: the modules as route handlers see them, references that are
// never null. App builds it once from its Modules (gateway/modules.h) and
// owns everything it refers to; the references are valid for the App's
// lifetime, so a handler may capture them.
// Thread-safety: that of each module (all are thread-safe).

namespace vh {
class Clock;
struct Config;
namespace policy {
class CovenantHolder;
}
namespace audit {
class AuditLog;
}
namespace store {
class CaseStore;
}
namespace exchange {
class ExchangeService;
}
}  // namespace vh

namespace vh::gw {
class Metrics;

struct Services {
  const Config& config;
  const Clock& clock;
  Metrics& metrics;
  policy::CovenantHolder& covenant;
  audit::AuditLog& audit;
  store::CaseStore& cases;
  exchange::ExchangeService& exchange;
};

}  // namespace vh::gw
