#pragma once
// Services: borrowed pointers to the modules, handed to route handlers.
// App owns every object; pointers are valid for the App's lifetime. A module
// that is not configured leaves its pointer null.

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
namespace adapters {
class AdapterRunner;
}
}  // namespace vh

namespace vh::gw {
class Metrics;

struct Services {
  const Config* config = nullptr;
  const Clock* clock = nullptr;
  Metrics* metrics = nullptr;
  policy::CovenantHolder* covenant = nullptr;
  audit::AuditLog* audit = nullptr;
  store::CaseStore* cases = nullptr;
  exchange::ExchangeService* exchange = nullptr;
  adapters::AdapterRunner* adapters = nullptr;
};

}  // namespace vh::gw
