#include "adapters/https_pull_adapter.h"

#include <algorithm>
#include <set>

#include "core/log.h"
#include "core/trace_context.h"

namespace vh::adapters {
namespace {

constexpr std::size_t kMaxDeclineReason = 500;

// Answer() failures worth trying again later: the gateway side could not
// store or audit, not the partner's fault.
bool Transient(const Status& s) {
  return s.code() == Code::kUnavailable || s.code() == Code::kInternal ||
         s.code() == Code::kTimeout;
}

}  // namespace

Result<std::unique_ptr<HttpsPullAdapter>> HttpsPullAdapter::Create(const AdapterConfig& config,
                                                                   AnswerSink& sink,
                                                                   AdapterMetrics& metrics) {
  HttpsClientOptions o;
  o.ca = config.pull.ca;
  o.cert = config.pull.cert;
  o.key = config.pull.key;
  // The partner's own server, not any server of the covenant CA.
  o.server_fingerprint = config.pull.server_fingerprint;
  o.server_organization = config.partner;
  o.connect_timeout_ms = config.pull.connect_timeout_ms;
  o.timeout_ms = config.pull.timeout_ms;
  auto client = HttpsClient::Create(o);
  if (!client.ok()) {
    return Status::InvalidArgument("bad_config", config.pointer + ": " + client.status().message());
  }
  return std::unique_ptr<HttpsPullAdapter>(
      new HttpsPullAdapter(config, sink, metrics, std::move(*client)));
}

HttpsPullAdapter::HttpsPullAdapter(const AdapterConfig& config, AnswerSink& sink,
                                   AdapterMetrics& metrics, std::unique_ptr<HttpsClient> client)
    : config_(config), sink_(sink), metrics_(metrics), client_(std::move(client)) {}

std::chrono::milliseconds HttpsPullAdapter::interval() const {
  return std::chrono::seconds(config_.pull.interval_seconds);
}

Json HttpsPullAdapter::RequestBody(const OpenRequest& r) const {
  Json identity = Json::object();
  for (const auto& [field, value] : r.identity) identity[config_.mapping.ToPartner(field)] = value;
  Json fields = Json::array();
  for (const auto& f : r.fields) fields.push_back(config_.mapping.ToPartner(f));
  return Json{{"request", r.id},
              {"meeting", r.meeting},
              {"overlegvorm", r.overlegvorm},
              {"subject", r.subject},
              {"deadline", FormatUtc(r.deadline)},
              {"identity", identity},
              {"fields", fields}};
}

void HttpsPullAdapter::RunOnce(const StopSignal& stop) {
  auto open = sink_.OpenRequests(config_.partner);
  if (!open.ok()) {
    LogWarn("adapter_pull_list_failed",
            {{"partner", config_.partner}, {"reason", open.status().reason()}});
    return;
  }
  auto now = std::chrono::steady_clock::now();
  std::set<std::string> live;
  int done = 0;
  bool stopped = false;
  std::string down;  // set once the partner itself failed this round
  for (const OpenRequest& r : *open) {
    live.insert(r.id);
    if (stopped || stop.stopped() || done >= config_.pull.max_requests_per_round) continue;
    auto it = backoff_.find(r.id);
    if (it != backoff_.end() && it->second.next_try > now) continue;
    ++done;
    if (!down.empty()) {
      Fail(r, down);
      continue;
    }
    std::string reason;
    switch (PullOne(r, stop, &reason)) {
      case Outcome::kStopped:
        stopped = true;
        break;
      case Outcome::kPartnerDown:
        down = reason;
        LogWarn("adapter_partner_down", {{"partner", config_.partner}, {"reason", reason}});
        break;
      case Outcome::kDone:
        break;
    }
  }
  // Forget requests that are no longer open (answered, closed, shredded).
  for (auto it = backoff_.begin(); it != backoff_.end();) {
    it = live.count(it->first) ? std::next(it) : backoff_.erase(it);
  }
}

void HttpsPullAdapter::Fail(const OpenRequest& r, const std::string& reason) {
  metrics_.Add(kPullTotal, config_.partner, "failed");
  metrics_.Add(kPullFailures, config_.partner, reason);
  Status s = sink_.RecordFailure(config_.partner, r.id, reason);
  Backoff& b = backoff_[r.id];
  b.failures = std::min(b.failures + 1, 30);
  auto pause =
      std::chrono::seconds(config_.pull.interval_seconds) * (1LL << std::min(b.failures - 1, 20));
  pause =
      std::min<std::chrono::seconds>(pause, std::chrono::seconds(config_.pull.max_backoff_seconds));
  b.next_try = std::chrono::steady_clock::now() + pause;
  LogWarn("adapter_pull_failed", {{"partner", config_.partner},
                                  {"request", r.id},
                                  {"reason", reason},
                                  {"failures", b.failures},
                                  {"next_try_seconds", pause.count()},
                                  {"recorded", s.ok()}});
}

HttpsPullAdapter::Outcome HttpsPullAdapter::PullOne(const OpenRequest& r, const StopSignal& stop,
                                                    std::string* down_reason) {
  // One trace per pulled request: the call carries it to the partner
  // (traceparent), and the audit events of its answer carry it too.
  ScopedTrace trace(TraceContext::Start(SystemClock().Now()));
  const std::string body = DumpJson(RequestBody(r));
  const PullSettings& p = config_.pull;
  std::string reason;
  HttpsResponse resp;
  bool got = false;
  for (int attempt = 0; attempt <= p.retries; ++attempt) {
    if (attempt > 0) {
      long long pause = static_cast<long long>(p.backoff_ms) << std::min(attempt - 1, 10);
      if (stop.WaitFor(std::chrono::milliseconds(pause))) return Outcome::kStopped;
    }
    metrics_.Add(kPullAttempts, config_.partner, "");
    auto res = client_->PostJson(p.url, body, stop.flag());
    if (!res.ok()) {
      reason = res.status().reason();
      if (reason == "cancelled") return Outcome::kStopped;
      LogInfo("adapter_pull_attempt_failed", {{"partner", config_.partner},
                                              {"request", r.id},
                                              {"attempt", attempt + 1},
                                              {"reason", reason},
                                              {"detail", res.status().message()}});
      if (reason == "too_large") break;  // the same answer would come again
      continue;
    }
    if (res->status == 200) {
      resp = std::move(*res);
      got = true;
      break;
    }
    reason = "http_status";
    LogWarn("adapter_pull_http_status",
            {{"partner", config_.partner}, {"request", r.id}, {"status", res->status}});
    if (res->status != 429 && res->status < 500) break;
  }
  if (!got) {
    if (reason == "too_large") reason = "invalid_response";
    Fail(r, reason);
    if (reason == "unreachable" || reason == "timeout" || reason == "tls") {
      *down_reason = reason;
      return Outcome::kPartnerDown;
    }
    return Outcome::kDone;
  }

  auto parsed = ParseJson(resp.body);
  if (!parsed.ok() || !parsed->is_object()) {
    Fail(r, "invalid_response");
    return Outcome::kDone;
  }
  const Json& j = *parsed;
  AnswerSource source{"https-pull", p.url, resp.peer_subject, resp.peer_fingerprint};
  if (j.contains("decline")) {
    if (!j["decline"].is_string() || j.contains("fields")) {
      Fail(r, "invalid_response");
      return Outcome::kDone;
    }
    // The partner's reason text is its own; cap it rather than pass a novel on.
    std::string why = j["decline"].get<std::string>();
    if (why.size() > kMaxDeclineReason) {
      std::size_t cut = kMaxDeclineReason;
      while (cut > 0 && (static_cast<unsigned char>(why[cut]) & 0xC0) == 0x80) --cut;
      why.resize(cut);  // on a UTF-8 character boundary
    }
    Status s = sink_.Decline(config_.partner, r.id, why, source);
    if (!s.ok()) {
      LogWarn("adapter_decline_refused",
              {{"partner", config_.partner}, {"request", r.id}, {"reason", s.reason()}});
      if (Transient(s)) {
        backoff_[r.id].next_try = std::chrono::steady_clock::now() + interval();
      } else if (s.code() != Code::kConflict && s.code() != Code::kNotFound) {
        Fail(r, "answer_refused");
      }
      return Outcome::kDone;
    }
    metrics_.Add(kPullTotal, config_.partner, "declined");
    backoff_.erase(r.id);
    LogInfo("adapter_pull_declined", {{"partner", config_.partner}, {"request", r.id}});
    return Outcome::kDone;
  }
  if (!j.contains("fields") || !j["fields"].is_object()) {
    Fail(r, "invalid_response");
    return Outcome::kDone;
  }
  exchange::AnswerRequest answer;
  const Json fields = config_.mapping.ToCovenantFields(j["fields"]);
  for (auto it = fields.begin(); it != fields.end(); ++it) answer.fields.emplace(it.key(), *it);
  auto result = sink_.Answer(config_.partner, r.id, answer, source);
  if (!result.ok()) {
    const Status& s = result.status();
    LogWarn("adapter_answer_refused",
            {{"partner", config_.partner}, {"request", r.id}, {"reason", s.reason()}});
    if (Transient(s)) {
      backoff_[r.id].next_try = std::chrono::steady_clock::now() + interval();
    } else if (s.code() == Code::kConflict || s.code() == Code::kNotFound) {
      // Answered meanwhile (pushed, another round) or closed: nothing to do.
      metrics_.Add(kPullTotal, config_.partner, "rejected");
    } else {
      Fail(r, "answer_refused");
    }
    return Outcome::kDone;
  }
  const std::size_t accepted = result->accepted.size(), withheld = result->withheld.size();
  metrics_.Add(kPullTotal, config_.partner, "answered");
  metrics_.Add(kFieldsTotal, config_.partner, "accepted", accepted);
  metrics_.Add(kFieldsTotal, config_.partner, "withheld", withheld);
  backoff_.erase(r.id);
  LogInfo("adapter_pull_answered", {{"partner", config_.partner},
                                    {"request", r.id},
                                    {"accepted", accepted},
                                    {"withheld", withheld}});
  return Outcome::kDone;
}

}  // namespace vh::adapters
