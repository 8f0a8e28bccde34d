#pragma once
// AdapterRunner: owns the configured partner adapters and their threads.
//
// Create parses the "adapters" array of gateway.json (see adapter_config.h
// and adapters/README.md) and builds every adapter; a bad entry fails the
// whole start with InvalidArgument naming the configuration file, the JSON
// path and the problem. Start gives each adapter its own thread, so a partner
// that hangs only delays itself; Stop sets the stop signal (pending waits and
// transfers end within ~100 ms) and joins the threads. Stop is idempotent and
// also run by the destructor.
//
// `sink` is borrowed and must outlive the runner; the runner owns metrics().
// Thread-safety: Start/Stop from one thread (the gateway's main); metrics()
// from any thread.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/adapter_metrics.h"
#include "adapters/answer_sink.h"
#include "core/json.h"
#include "core/status.h"

namespace vh::adapters {

class AdapterRunner {
 public:
  // `adapters`: the raw "adapters" array (Config::adapters); `config_file`
  // for messages; `base_dir` resolves relative paths (Config::dir);
  // `state_dir` holds the file-drop ledgers (e.g. <data_dir>/adapters).
  static Result<std::unique_ptr<AdapterRunner>> Create(const Json& adapters,
                                                       const std::string& config_file,
                                                       const std::string& base_dir,
                                                       const std::string& state_dir,
                                                       AnswerSink& sink);
  ~AdapterRunner();
  AdapterRunner(const AdapterRunner&) = delete;
  AdapterRunner& operator=(const AdapterRunner&) = delete;

  void Start();
  void Stop();

  // One round of every adapter on the calling thread (tests, `make demo`).
  // REQUIRES: not started.
  void RunOnce();

  std::size_t size() const { return adapters_.size(); }
  AdapterMetrics& metrics() { return *metrics_; }
  // Prometheus text of metrics(), for the gateway's metrics endpoint.
  std::string RenderMetrics() const { return metrics_->RenderPrometheus(); }

 private:
  AdapterRunner() = default;
  std::unique_ptr<AdapterMetrics> metrics_ = std::make_unique<AdapterMetrics>();
  std::vector<std::unique_ptr<Adapter>> adapters_;
  std::vector<std::thread> threads_;
  StopSignal stop_;
};

}  // namespace vh::adapters
