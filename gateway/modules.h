#pragma once
// Modules: the gateway's modules opened from one Config, the one
// composition root of `vhgate serve` (App) and of the commands that work on
// the same data (`vhgate retention run`).
//
// Open builds, in this order, and stops at the first failure:
//   1. the covenant (policy::CovenantHolder): a missing or invalid file fails
//      with one `FILE: /json/pointer: reason` line per problem;
//   2. the audit log (keys, store): "audit log: " + what failed;
//      with ModuleOptions::record_start, the covenant is logged
//      (policy_loaded, and covenant_not_in_force when today lies outside its
//      validity) and a policy_loaded "start" audit event is written;
//   3. the case store (its key, data_dir);
//   4. the exchange service over the three;
//   5. the adapter runner over the exchange (adapters::ExchangeSink): from
//      Config::adapters with ModuleOptions::adapters (a bad entry fails,
//      naming /adapters/<i>/<key>), else one that holds no adapter.
// Failures are the modules' own Status values; nothing is half open.
//
// Ownership: Modules owns every object; the references it hands out are
// valid for its lifetime. They are destroyed in the reverse order (adapters
// first, covenant last); stop the adapter runner before (its destructor does).
// Threads: Open on one thread; the accessors from any. Each module's own
// contract says what may be called concurrently (all of them are
// thread-safe; AdapterRunner Start/Stop from one thread).

#include <memory>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"

namespace vh {
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
class ExchangeSink;
}  // namespace adapters
}  // namespace vh

namespace vh::gw {

struct ModuleOptions {
  // Build the adapters of Config::adapters (serve). A command leaves them
  // out: its runner holds none, and the section is not read.
  bool adapters = true;
  // Log the covenant loaded and write the policy_loaded start event (serve).
  bool record_start = true;
};

class Modules {
 public:
  // `clock` is borrowed and must outlive the Modules; `config` is read only
  // during Open.
  static Result<std::unique_ptr<Modules>> Open(const Config& config, const Clock& clock,
                                               ModuleOptions options = {});
  ~Modules();
  Modules(const Modules&) = delete;
  Modules& operator=(const Modules&) = delete;

  policy::CovenantHolder& covenant() { return *covenant_; }
  audit::AuditLog& audit() { return *audit_; }
  store::CaseStore& cases() { return *cases_; }
  exchange::ExchangeService& exchange() { return *exchange_; }
  adapters::AdapterRunner& adapters() { return *adapters_; }

 private:
  Modules() = default;
  // Declaration order is construction order; destruction runs backwards.
  std::unique_ptr<policy::CovenantHolder> covenant_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<store::CaseStore> cases_;
  std::unique_ptr<exchange::ExchangeService> exchange_;
  std::unique_ptr<adapters::ExchangeSink> adapter_sink_;  // the adapters' door
  std::unique_ptr<adapters::AdapterRunner> adapters_;
};

}  // namespace vh::gw
