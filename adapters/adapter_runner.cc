#include "adapters/adapter_runner.h"

#include "adapters/adapter_config.h"
#include "adapters/file_drop_adapter.h"
#include "adapters/https_client.h"
#include "adapters/https_pull_adapter.h"
#include "core/log.h"
#include "core/thread_name.h"
#include "core/trace_context.h"

namespace vh::adapters {

Result<std::unique_ptr<AdapterRunner>> AdapterRunner::Create(const Json& adapters,
                                                             const std::string& config_file,
                                                             const std::string& base_dir,
                                                             const std::string& state_dir,
                                                             AnswerSink& sink) {
  auto configs = ParseAdapterConfigs(adapters, config_file, base_dir);
  if (!configs.ok()) return configs.status();
  InitCurlOnce();
  std::unique_ptr<AdapterRunner> runner(new AdapterRunner());
  // What only the covenant can tell: a partner or field name with a typo
  // would otherwise send every answer to "withheld".
  for (const AdapterConfig& c : *configs) {
    auto bad = [&](const std::string& ptr, const std::string& why) {
      return Status::InvalidArgument("bad_config",
                                     config_file + ": " + c.pointer + ptr + ": " + why);
    };
    if (!sink.KnowsPartner(c.partner)) {
      return bad("/partner", "'" + c.partner + "' is not a partner in the covenant");
    }
    for (const auto& [name, target] : c.mapping.entries()) {
      if (IsSpecialTarget(target)) continue;
      std::string field = target.substr(0, target.find('/'));
      std::optional<policy::FieldType> type = sink.FieldTypeOf(field);
      if (!type) return bad("/mapping/" + name, "'" + field + "' is not a covenant field");
      if (field != target && *type != policy::FieldType::kAddress) {
        return bad("/mapping/" + name, "'" + field + "' is not an address field");
      }
    }
    if (c.kind == AdapterKind::kFileDrop && !sink.FieldTypeOf(c.drop.match)) {
      return bad("/match", "'" + c.drop.match + "' is not a covenant field");
    }
  }
  for (const AdapterConfig& c : *configs) {
    if (c.kind == AdapterKind::kHttpsPull) {
      auto a = HttpsPullAdapter::Create(c, sink, *runner->metrics_);
      if (!a.ok()) {
        return Status::InvalidArgument("bad_config", config_file + ": " + a.status().message());
      }
      runner->adapters_.push_back(std::move(*a));
    } else {
      auto a = FileDropAdapter::Create(c, state_dir, sink, *runner->metrics_);
      if (!a.ok()) {
        return Status::InvalidArgument("bad_config", config_file + ": " + a.status().message());
      }
      runner->adapters_.push_back(std::move(*a));
    }
  }
  return runner;
}

AdapterRunner::~AdapterRunner() { Stop(); }

void AdapterRunner::Start() {
  if (!threads_.empty()) return;
  stop_.Reset();
  for (auto& a : adapters_) {
    Adapter* adapter = a.get();
    threads_.emplace_back([this, adapter] {
      NameThisThread("vh-adapter");
      LogInfo("adapter_started", {{"partner", adapter->partner()}, {"kind", adapter->kind()}});
      while (!stop_.stopped()) {
        {
          // A trace per round (an https-pull starts one per request within it).
          ScopedTrace round(TraceContext::Start(SystemClock().Now()));
          adapter->RunOnce(stop_);
        }
        if (stop_.WaitFor(adapter->interval())) break;
      }
      LogInfo("adapter_stopped", {{"partner", adapter->partner()}, {"kind", adapter->kind()}});
    });
  }
}

void AdapterRunner::Stop() {
  stop_.Stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void AdapterRunner::RunOnce() {
  StopSignal never;
  for (auto& a : adapters_) a->RunOnce(never);
}

}  // namespace vh::adapters
