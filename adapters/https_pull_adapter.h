#pragma once
// HttpsPullAdapter: asks a partner's own HTTPS endpoint for each open request.
//
// Each round: the open requests addressed to the partner (AnswerSink::
// OpenRequests), then for each request that is due, one POST to the
// configured URL over mutual TLS (see HttpsClient) with
//   {"request": id, "meeting": ..., "overlegvorm": ..., "subject": ...,
//    "deadline": ..., "identity": {their name: value},
//    "fields": [their names of the fields asked]}
// The partner answers 200 with {"fields": {their name: value}} or
// {"decline": "reason"}. Names go through the adapter's FieldMapping; the
// mapped answer goes to AnswerSink::Answer (the exchange's intake filter
// withholds and audits what the partner may not supply).
//
// Failures: transport errors, timeouts, 429 and 5xx are tried again up to
// `retries` times with doubling pauses from `backoff_ms`; 4xx other than 429,
// a body that is not JSON or not of the shape above are not. A request whose
// round failed is recorded (AnswerSink::RecordFailure with a reason code,
// metrics, a log line without personal data) and is not asked again before a
// pause that doubles per failed round (interval_seconds up to
// max_backoff_seconds). At most max_requests_per_round requests per round.
// When the partner itself is unreachable, times out or fails TLS, the rest of
// the round is not sent over the network: the remaining due requests are
// recorded with the same reason at once, so one round of a dead partner costs
// one request's timeouts, not one per request.
//
// Thread-safety: RunOnce runs on one thread at a time (the runner's); the
// sink and metrics are shared and thread-safe.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "adapters/adapter.h"
#include "adapters/adapter_config.h"
#include "adapters/adapter_metrics.h"
#include "adapters/answer_sink.h"
#include "adapters/https_client.h"

namespace vh::adapters {

class HttpsPullAdapter final : public Adapter {
 public:
  // Fails (InvalidArgument naming the config path and file) when the
  // certificate, key or CA cannot be loaded. `sink` and `metrics` are
  // borrowed and must outlive the adapter.
  static Result<std::unique_ptr<HttpsPullAdapter>> Create(const AdapterConfig& config,
                                                          AnswerSink& sink,
                                                          AdapterMetrics& metrics);

  const std::string& partner() const override { return config_.partner; }
  std::string_view kind() const override { return "https-pull"; }
  std::chrono::milliseconds interval() const override;
  void RunOnce(const StopSignal& stop) override;

  // The JSON sent to the partner for `request` (exposed for tests).
  Json RequestBody(const OpenRequest& request) const;

 private:
  HttpsPullAdapter(const AdapterConfig& config, AnswerSink& sink, AdapterMetrics& metrics,
                   std::unique_ptr<HttpsClient> client);
  enum class Outcome { kDone, kStopped, kPartnerDown };
  // Pulls one request. kPartnerDown sets *down_reason (transport failures).
  Outcome PullOne(const OpenRequest& request, const StopSignal& stop, std::string* down_reason);
  void Fail(const OpenRequest& request, const std::string& reason);

  struct Backoff {
    int failures = 0;
    std::chrono::steady_clock::time_point next_try{};
  };

  AdapterConfig config_;
  AnswerSink& sink_;
  AdapterMetrics& metrics_;
  std::unique_ptr<HttpsClient> client_;
  std::map<std::string, Backoff> backoff_;  // by request id
};

}  // namespace vh::adapters
