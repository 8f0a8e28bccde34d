#include "gateway/modules.h"

#include <utility>

#include "adapters/adapter_runner.h"
#include "adapters/exchange_sink.h"
#include "audit/audit_log.h"
#include "audit/verifier.h"
#include "core/log.h"
#include "core/role.h"
#include "exchange/events.h"
#include "exchange/exchange_service.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"
#include "store/case_store.h"

namespace vh::gw {
namespace {

void LogCovenantLoaded(const policy::Covenant& c, const Config& config, const Clock& clock) {
  LogInfo("policy_loaded", {{"file", config.policy},
                            {"convenant", c.id()},
                            {"version", c.version()},
                            {"sha256", c.sha256()}});
  if (!c.InForceOn(FormatDate(DateOf(clock.Now())))) {
    LogWarn("covenant_not_in_force", {{"file", config.policy},
                                      {"valid_from", c.valid_from()},
                                      {"valid_until", c.valid_until()}});
  }
}

Status AppendStartEvent(audit::AuditLog& log, const policy::Covenant& c) {
  audit::Event e;
  e.type = audit::kPolicyLoaded;
  e.actor = audit::Actor{c.house(), std::string(RoleName(Role::kSystem)), "vhgate", "", "local"};
  e.covenant = exchange::CovenantRefOf(c);
  e.outcome = "ok";
  e.detail = {{"file", c.source()}, {"at", "start"}};
  return log.Append(std::move(e)).status();
}

}  // namespace

Modules::~Modules() = default;

Result<std::unique_ptr<Modules>> Modules::Open(const Config& config, const Clock& clock,
                                               ModuleOptions options) {
  std::unique_ptr<Modules> m(new Modules());
  if (options.exchange && (options.audit != AuditAccess::kLog || !options.covenant_required)) {
    return Status::InvalidArgument("module_options",
                                   "the exchange needs the audit log and a covenant");
  }

  Status covenant_status =
      config.policy.empty()
          ? Status::InvalidArgument("no_policy",
                                    config.file + ": /policy: no covenant file configured")
          : Status::Ok();
  if (covenant_status.ok()) {
    auto holder = policy::CovenantHolder::Open(config.policy);
    if (holder.ok()) {
      m->covenant_ = std::move(*holder);
    } else {
      covenant_status = holder.status();
    }
  }
  if (!covenant_status.ok()) {
    if (options.covenant_required) return covenant_status;
    m->covenant_problem_ = covenant_status.message();
  }
  if (options.record_start && m->covenant_) {
    LogCovenantLoaded(*m->covenant_->Get(), config, clock);
  }

  // The status names the key file or the store and the problem.
  auto audit_failed = [](const Status& s) {
    return Status::Make(s.code(), s.reason(), "audit log: " + s.message());
  };
  if (options.audit == AuditAccess::kVerify) {
    auto verifier = audit::AuditVerifier::Open(config);
    if (!verifier.ok()) return audit_failed(verifier.status());
    m->audit_verifier_ = std::move(*verifier);
  } else if (options.audit == AuditAccess::kLog) {
    auto log = audit::AuditLog::Open(config, clock);
    if (!log.ok()) return audit_failed(log.status());
    m->audit_ = std::move(*log);
    if (options.record_start && m->covenant_) {
      Status st = AppendStartEvent(*m->audit_, *m->covenant_->Get());
      if (!st.ok()) return audit_failed(st);
    }
  }
  if (!options.exchange) return m;

  auto cases = store::CaseStore::OpenFromConfig(config);
  if (!cases.ok()) return cases.status();
  m->cases_ = std::move(*cases);

  policy::CovenantHolder* covenant = m->covenant_.get();
  auto covenant_source = [covenant] { return covenant->Get(); };
  m->exchange_ =
      std::make_unique<exchange::ExchangeService>(covenant_source, *m->audit_, *m->cases_, clock);

  m->adapter_sink_ = std::make_unique<adapters::ExchangeSink>(*m->exchange_, covenant_source);
  // A bad entry stops the start, naming the file and /adapters/<i>/<key>.
  auto runner = adapters::AdapterRunner::Create(options.adapters ? config.adapters : Json::array(),
                                                config.file, config.dir,
                                                config.data_dir + "/adapters", *m->adapter_sink_);
  if (!runner.ok()) return runner.status();
  m->adapters_ = std::move(*runner);
  return m;
}

}  // namespace vh::gw
