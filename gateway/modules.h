#pragma once
// Modules: the gateway's modules opened from one Config, the one
// composition root of `vhgate serve` (App) and of the commands that work on
// the same data (`vhgate retention run`, `vhgate audit ...`). ModuleOptions
// says how much a caller needs; nothing more is opened and no key it does
// not need is read.
//
// Open builds, in this order, and stops at the first failure:
//   1. the covenant (policy::CovenantHolder): a missing or invalid file fails
//      with one `FILE: /json/pointer: reason` line per problem; with
//      covenant_required = false it does not fail: has_covenant() is false
//      and covenant_problem() holds that text;
//   2. the audit log by ModuleOptions::audit: kLog opens AuditLog (all four
//      audit keys and the store: "audit log: " + what failed; with
//      record_start, the covenant is logged (policy_loaded, and
//      covenant_not_in_force when today lies outside its validity) and a
//      policy_loaded "start" audit event is written); kVerify opens only an
//      audit::AuditVerifier (the store key and audit-sign.pub: "audit log: "
//      + what failed); kNone reads no audit key;
//   3. with `exchange`: the case store (its key, data_dir), the exchange
//      service over the three, and the adapter runner over the exchange
//      (adapters::ExchangeSink): from Config::adapters with `adapters` (a bad
//      entry fails, naming /adapters/<i>/<key>), else one that holds none.
//      `exchange` needs audit = kLog and a covenant (InvalidArgument
//      "module_options" otherwise).
// Failures are the modules' own Status values; nothing is half open.
//
// Ownership: Modules owns every object; the references it hands out are
// valid for its lifetime. They are destroyed in the reverse order (adapters
// first, covenant last); stop the adapter runner before (its destructor does).
// An accessor of a part that was not opened must not be called (REQUIRES).
// Threads: Open on one thread; the accessors from any. Each module's own
// contract says what may be called concurrently (all of them are
// thread-safe; AdapterRunner Start/Stop from one thread).

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"

namespace vh {
namespace policy {
class CovenantHolder;
}
namespace audit {
class AuditLog;
class AuditVerifier;
}  // namespace audit
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

// How much of the audit log a caller opens (step 2 above).
enum class AuditAccess {
  kNone,    // no audit key is read
  kVerify,  // the store key and audit-sign.pub only: audit_verifier()
  kLog,     // all four audit keys: audit() appends, queries, pseudonymises
};

struct ModuleOptions {
  // A covenant that does not load fails Open; with false, Open goes on
  // without one (the audit commands: a report then shows ids, not labels).
  bool covenant_required = true;
  AuditAccess audit = AuditAccess::kLog;
  // The case store, the exchange service and the adapter runner (serve, the
  // retention run).
  bool exchange = true;
  // Build the adapters of Config::adapters (serve). A command leaves them
  // out: its runner holds none, and the section is not read.
  bool adapters = true;
  // Log the covenant loaded and write the policy_loaded start event (serve).
  bool record_start = true;

  // `vhgate serve`: everything.
  static ModuleOptions ForServe() { return {}; }
  // `vhgate retention run`: the exchange without adapters or start event.
  static ModuleOptions ForExchange() { return {.adapters = false, .record_start = false}; }
  // `vhgate audit query|report`, and recording a verification: the covenant
  // if it loads, and the audit log; no case store.
  static ModuleOptions ForAuditLog() {
    return {
        .covenant_required = false, .exchange = false, .adapters = false, .record_start = false};
  }
  // `vhgate audit verify`: the covenant if it loads, and the verifier.
  static ModuleOptions ForAuditVerify() {
    return {.covenant_required = false,
            .audit = AuditAccess::kVerify,
            .exchange = false,
            .adapters = false,
            .record_start = false};
  }
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

  bool has_covenant() const { return covenant_ != nullptr; }
  // Why the covenant did not load ("" when it did).
  const std::string& covenant_problem() const { return covenant_problem_; }
  policy::CovenantHolder& covenant() { return *covenant_; }
  audit::AuditLog& audit() { return *audit_; }
  audit::AuditVerifier& audit_verifier() { return *audit_verifier_; }
  store::CaseStore& cases() { return *cases_; }
  exchange::ExchangeService& exchange() { return *exchange_; }
  adapters::AdapterRunner& adapters() { return *adapters_; }

 private:
  Modules() = default;
  // Declaration order is construction order; destruction runs backwards.
  std::unique_ptr<policy::CovenantHolder> covenant_;
  std::string covenant_problem_;
  std::unique_ptr<audit::AuditVerifier> audit_verifier_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<store::CaseStore> cases_;
  std::unique_ptr<exchange::ExchangeService> exchange_;
  std::unique_ptr<adapters::ExchangeSink> adapter_sink_;  // the adapters' door
  std::unique_ptr<adapters::AdapterRunner> adapters_;
};

}  // namespace vh::gw
