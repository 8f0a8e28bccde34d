#include "gateway/app.h"

#include <chrono>
#include <exception>
#include <set>

#include "core/log.h"

// Module headers. Each module engineer adds its include in its section.
// [policy] includes
#include "policy/covenant.h"
#include "policy/covenant_holder.h"
// [policy] includes end
// [audit] includes
#include "audit/audit_log.h"
#include "gateway/audit_routes.h"
// [audit] includes end
// [exchange] includes
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "exchange/exchange_service.h"
#include "gateway/exchange_routes.h"
#include "policy/covenant_holder.h"
#include "store/case_store.h"
// [exchange] includes end
// [adapters] includes
#include "adapters/adapter_runner.h"
#include "adapters/exchange_sink.h"
// [adapters] includes end

namespace vh::gw {

// The modules' objects, owned by the App. Each module adds its members in its section.
struct App::Owned {
  // [policy] members
  std::unique_ptr<policy::CovenantHolder> covenant;
  // [policy] members end
  // [audit] members
  std::unique_ptr<audit::AuditLog> audit;  // destroyed after the exchange (declared before it)
  // [audit] members end
  // [exchange] members
  std::unique_ptr<store::CaseStore> cases;
  std::unique_ptr<exchange::ExchangeService> exchange;
  std::thread retention_thread;
  std::mutex retention_mu;
  std::condition_variable retention_cv;
  bool retention_stop = false;  // guarded by retention_mu
  // [exchange] members end
  // [adapters] members (declared after the exchange: destroyed before it)
  std::unique_ptr<adapters::ExchangeSink> adapter_sink;
  std::unique_ptr<adapters::AdapterRunner> adapters;
  // [adapters] members end
};

App::App(const Config& config, const Clock& clock)
    : config_(config), clock_(clock), owned_(std::make_unique<Owned>()) {
  services_.config = &config_;
  services_.clock = &clock_;
  services_.metrics = &metrics_;
}

App::~App() { StopBackground(); }

Result<std::unique_ptr<App>> App::Create(const Config& config, const Clock& clock) {
  std::unique_ptr<App> app(new App(config, clock));
  App& a = *app;
  (void)a;

  // [policy] create: open the covenant (a bad file stops the start), set services_.covenant.
  {
    if (a.config_.policy.empty()) {
      return Status::InvalidArgument("no_policy",
                                     a.config_.file + ": /policy: no covenant file configured");
    }
    // On failure the message holds one `FILE: /json/pointer: reason` line per problem.
    auto holder = policy::CovenantHolder::Open(a.config_.policy);
    if (!holder.ok()) return holder.status();
    a.owned_->covenant = std::move(*holder);
    a.services_.covenant = a.owned_->covenant.get();
    auto c = a.owned_->covenant->Get();
    LogInfo("policy_loaded", {{"file", a.config_.policy},
                              {"convenant", c->id()},
                              {"version", c->version()},
                              {"sha256", c->sha256()}});
    if (Status in_force = a.CovenantInForce(); !in_force.ok()) {
      LogWarn("covenant_not_in_force", {{"file", a.config_.policy},
                                        {"valid_from", c->valid_from()},
                                        {"valid_until", c->valid_until()}});
    }
  }
  // [policy] create end

  // [audit] create: open the audit log (keys, store), set services_.audit, register routes.
  {
    auto log = audit::AuditLog::Open(a.config_, a.clock_);
    if (!log.ok()) {
      // The status names the key file or the store and the problem.
      return Status::Make(log.status().code(), log.status().reason(),
                          "audit log: " + log.status().message());
    }
    a.owned_->audit = std::move(*log);
    a.services_.audit = a.owned_->audit.get();
    RegisterAuditRoutes(a.router_, a.services_);
    const audit::AuditLog* audit_log = a.services_.audit;
    a.metrics_.AddSampled("vhgate_audit_events_total", "counter",
                          "Audit events committed since start.",
                          [audit_log] { return audit_log->stats().events; });
    a.metrics_.AddSampled("vhgate_audit_commits_total", "counter",
                          "Audit transactions committed since start.",
                          [audit_log] { return audit_log->stats().commits; });
    a.metrics_.AddSampled("vhgate_audit_failures_total", "counter",
                          "Audit transactions refused (their events and requests refused).",
                          [audit_log] { return audit_log->stats().failures; });
    a.metrics_.AddSampled("vhgate_audit_writable", "gauge",
                          "0 once the audit WAL could not be synced: every disclosure is "
                          "refused until a restart.",
                          [audit_log] { return audit_log->stats().writable ? 1 : 0; });
    if (a.services_.covenant != nullptr) {
      auto c = a.services_.covenant->Get();
      audit::Event e;
      e.type = audit::kPolicyLoaded;
      e.actor = audit::Actor{c->house(), "system", "vhgate", "", "local"};
      e.covenant = CovenantRefOf(*c);
      e.outcome = "ok";
      e.detail = {{"file", c->source()}, {"at", "start"}};
      Status st = a.services_.audit->Append(std::move(e)).status();
      if (!st.ok()) return Status::Make(st.code(), st.reason(), "audit log: " + st.message());
    }
  }
  // [audit] create end

  // [exchange] create: open the case store and exchange service, register routes.
  {
    if (a.services_.covenant == nullptr || a.services_.audit == nullptr) {
      return Status::Unavailable("exchange_unavailable",
                                 "the exchange needs the covenant and the audit log");
    }
    auto cases = store::CaseStore::OpenFromConfig(a.config_);
    if (!cases.ok()) return cases.status();
    a.owned_->cases = std::move(*cases);
    policy::CovenantHolder* holder = a.services_.covenant;
    a.owned_->exchange = std::make_unique<exchange::ExchangeService>(
        [holder] { return holder->Get(); }, *a.services_.audit, *a.owned_->cases, a.clock_);
    a.services_.cases = a.owned_->cases.get();
    a.services_.exchange = a.owned_->exchange.get();
    RegisterExchangeRoutes(a.router_, a.services_);
  }
  // [exchange] create end

  // [adapters] create: build the adapter runner from config.adapters.
  if (a.config_.adapters.is_array() && !a.config_.adapters.empty()) {
    if (a.owned_->exchange == nullptr) {
      return Status::Unavailable("adapters_unavailable", "the adapters need the exchange");
    }
    policy::CovenantHolder* holder = a.services_.covenant;
    a.owned_->adapter_sink = std::make_unique<adapters::ExchangeSink>(
        *a.owned_->exchange, [holder] { return holder->Get(); });
    // A bad entry stops the start, naming the file and /adapters/<i>/<key>.
    auto runner =
        adapters::AdapterRunner::Create(a.config_.adapters, a.config_.file, a.config_.dir,
                                        a.config_.data_dir + "/adapters", *a.owned_->adapter_sink);
    if (!runner.ok()) return runner.status();
    Metrics* metrics = &a.metrics_;
    (*runner)->metrics().SetMirror([metrics](const std::string& name, const std::string& labels,
                                             int64_t delta) { metrics->Add(name, labels, delta); });
    a.owned_->adapters = std::move(*runner);
    a.services_.adapters = a.owned_->adapters.get();
  }
  // [adapters] create end

  a.router_.Add(
      "GET", "/v1/health", kAnyRole,
      [&a](const ApiRequest&) {
        Json convenant = {
            {"id", nullptr}, {"version", nullptr}, {"sha256", nullptr}, {"status", "none loaded"}};
        // [policy] health: fill convenant from the covenant in force.
        if (a.services_.covenant != nullptr) {
          auto c = a.services_.covenant->Get();
          convenant = {{"id", c->id()}, {"version", c->version()}, {"sha256", c->sha256()}};
        }
        // [policy] health end
        // An audit log that failed for good refuses every disclosure: the
        // gateway is not healthy, and a monitor must see it.
        if (a.services_.audit != nullptr && !a.services_.audit->stats().writable) {
          return ApiResponse::FromJson(503,
                                       {{"status", "audit_unavailable"}, {"convenant", convenant}});
        }
        return ApiResponse::FromJson(200, {{"status", "ok"}, {"convenant", convenant}});
      },
      Dispatch::kInline);
  a.router_.Add("POST", "/v1/admin/policy/reload", {Role::kAdmin}, [&a](const ApiRequest& req) {
    Status s = a.ReloadPolicy(req.identity.cn);
    if (!s.ok()) return ApiResponse::FromStatus(s);
    Json body = {{"reloaded", true}};
    // [policy] reload response: add the covenant now in force.
    if (a.services_.covenant != nullptr) {
      auto c = a.services_.covenant->Get();
      body["convenant"] = {{"id", c->id()}, {"version", c->version()}, {"sha256", c->sha256()}};
    }
    // [policy] reload response end
    return ApiResponse::FromJson(200, body);
  });
  return app;
}

Status App::ReloadPolicy(const std::string& actor) {
  (void)actor;
  // [policy] reload: load the file again; on failure keep the old covenant,
  // log the validation lines and return them (Unprocessable).
  if (services_.covenant != nullptr) {
    const auto old = services_.covenant->Get();
    // One policy_loaded audit event per reload attempt, naming the covenant in force after it.
    auto audit_event = [&](const policy::Covenant& c, const char* outcome, Json detail) {
      if (services_.audit == nullptr) return Status::Ok();
      audit::Event e;
      e.type = audit::kPolicyLoaded;
      e.actor = audit::Actor{c.house(), actor == "SIGHUP" ? "system" : "admin", actor, "", "local"};
      e.covenant = CovenantRefOf(c);
      e.outcome = outcome;
      e.detail = std::move(detail);
      return services_.audit->Append(std::move(e)).status();
    };
    auto reloaded = services_.covenant->Reload();
    if (!reloaded.ok()) {
      const auto problems = services_.covenant->last_problems();
      LogError("policy_reload_failed", {{"actor", actor},
                                        {"file", services_.covenant->path()},
                                        {"in_force", old->sha256()},
                                        {"problems", problems}});
      Status st = audit_event(
          *old, "refused",
          {{"file", services_.covenant->path()}, {"at", "reload"}, {"problems", problems.size()}});
      if (!st.ok()) LogError("policy_reload_audit_failed", {{"reason", st.reason()}});
      return reloaded.status();
    }
    LogInfo("policy_reloaded", {{"actor", actor},
                                {"file", services_.covenant->path()},
                                {"convenant", (*reloaded)->id()},
                                {"version", (*reloaded)->version()},
                                {"previous_sha256", old->sha256()},
                                {"sha256", (*reloaded)->sha256()}});
    Status st = audit_event(**reloaded, "ok",
                            {{"file", services_.covenant->path()},
                             {"at", "reload"},
                             {"previous_sha256", old->sha256()}});
    if (!st.ok()) {
      return Status::Make(
          st.code(), st.reason(),
          "covenant reloaded, but its audit event was not written: " + st.message());
    }
    return Status::Ok();
  }
  // [policy] reload end
  return Status::Unavailable("no_policy", "no covenant engine configured");
}

std::optional<std::string> App::ExpectedOin(const std::string& partner) const {
  (void)partner;
  // [policy] oin: the covenant's oin for this partner, when it gives one.
  if (services_.covenant != nullptr) {
    auto c = services_.covenant->Get();
    const policy::Partner* p = c->FindPartner(partner);
    if (p != nullptr && !p->oin.empty()) return p->oin;
  }
  // [policy] oin end
  return std::nullopt;
}

void App::RecordRefusal(const ApiRequest& req, const Status& status) {
  LogWarn("access_refused", {{"route", req.route.empty() ? "unmatched" : req.route},
                             {"partner", req.identity.partner},
                             {"role", req.identity.role},
                             {"reason", status.reason()}});
  // [audit] refusal: append an access_refused event.
  if (services_.audit != nullptr) {
    audit::Event e;
    e.type = audit::kAccessRefused;
    const Identity& id = req.identity;
    e.actor = audit::Actor{id.partner, id.role, id.cn, id.fingerprint, id.remote};
    if (services_.covenant != nullptr) {
      e.covenant = CovenantRefOf(*services_.covenant->Get());
    }
    e.outcome = "refused " + std::to_string(HttpStatusFor(status.code()));
    e.detail = {{"method", req.method},
                {"route", req.route.empty() ? "unmatched" : req.route},
                {"reason", status.reason()}};
    Status st = services_.audit->Append(std::move(e)).status();
    if (!st.ok()) LogError("audit_refusal_not_recorded", {{"reason", st.reason()}});
  }
  // [audit] refusal end
}

namespace {

// Routes that move personal data: refused while the covenant is not in force.
// Those that end or reduce processing (close, phase, retention, decline) and
// the declaration text stay open, as do health, audit and admin.
bool NeedsCovenantInForce(const std::string& method, const std::string& route) {
  bool exchange = route.rfind("/v1/meetings", 0) == 0 || route.rfind("/v1/requests", 0) == 0;
  if (!exchange) return false;
  static const std::set<std::string> kStillOpen = {
      "POST /v1/meetings/{id}/close", "PUT /v1/meetings/{id}/phase",
      "POST /v1/meetings/{id}/retention", "POST /v1/requests/{id}/decline",
      "GET /v1/meetings/{id}/declaration"};
  return kStillOpen.count(method + " " + route) == 0;
}

}  // namespace

Status App::CovenantInForce() const {
  if (services_.covenant == nullptr) return Status::Ok();
  auto c = services_.covenant->Get();
  std::string today = FormatDate(DateOf(clock_.Now()));
  if (c->InForceOn(today)) return Status::Ok();
  return Status::Unavailable("covenant_not_in_force",
                             "covenant " + c->id() + " version " + c->version() +
                                 " is valid from " + c->valid_from() +
                                 (c->valid_until().empty() ? "" : " until " + c->valid_until()) +
                                 ", not on " + today + ": no information is exchanged under it");
}

bool App::KnownPartner(const std::string& partner) const {
  bool known_partner = true;
  // [policy] partner: known_partner = the covenant knows the partner (or it is the house).
  if (services_.covenant != nullptr) {
    auto c = services_.covenant->Get();
    known_partner = c->IsHouse(partner) || c->FindPartner(partner) != nullptr;
  }
  // [policy] partner end
  return known_partner;
}

bool App::RunsInline(const ApiRequest& req) const {
  std::optional<Role> role = ParseCertificateRole(req.identity.role);
  if (!role || !KnownPartner(req.identity.partner)) return false;
  Router::Match m = router_.Find(req.method, req.path, *role);
  return m.status.ok() && m.dispatch == Dispatch::kInline;
}

ApiResponse App::Handle(ApiRequest req) {
  auto start = std::chrono::steady_clock::now();
  ApiResponse resp;
  std::string route = "unmatched";
  std::optional<Role> role = ParseCertificateRole(req.identity.role);
  if (!role) {
    Status s = Status::PermissionDenied("certificate role is not one of the covenant roles");
    RecordRefusal(req, s);
    resp = ApiResponse::FromStatus(s);
  } else {
    if (!KnownPartner(req.identity.partner)) {
      Status s = Status::Unauthenticated("partner is not known to the covenant in force");
      RecordRefusal(req, s);
      resp = ApiResponse::FromStatus(s);
    } else {
      Router::Match m = router_.Find(req.method, req.path, *role);
      if (!m.route.empty()) route = m.route;
      req.route = m.route;
      if (!m.status.ok()) {
        if (m.status.code() == Code::kPermissionDenied) RecordRefusal(req, m.status);
        resp = ApiResponse::FromStatus(m.status);
      } else if (Status in_force =
                     NeedsCovenantInForce(req.method, m.route) ? CovenantInForce() : Status::Ok();
                 !in_force.ok()) {
        RecordRefusal(req, in_force);
        resp = ApiResponse::FromStatus(in_force);
      } else {
        req.params = std::move(m.params);
        try {
          resp = (*m.handler)(req);
        } catch (const std::exception&) {
          // Handlers return Status; a throw is a bug. Never echo its text.
          LogError("handler_exception", {{"route", route}});
          resp = ApiResponse::FromStatus(Status::Internal("internal error"));
        }
      }
    }
  }
  if (resp.deferred) {
    // Counted when it completes.
    auto outer = std::make_shared<DeferredResponse>();
    resp.deferred->OnComplete([this, outer, route, start](ApiResponse r) {
      metrics_.CountRequest(route, r.status, std::chrono::steady_clock::now() - start);
      outer->Complete(std::move(r));
    });
    resp.deferred = std::move(outer);
    return resp;
  }
  metrics_.CountRequest(route, resp.status, std::chrono::steady_clock::now() - start);
  return resp;
}

void App::StartBackground() {
  // [audit] background: periodic checkpoints.
  // [exchange] background: retention sweeps.
  if (owned_->exchange && !owned_->retention_thread.joinable()) {
    owned_->retention_stop = false;
    owned_->retention_thread = std::thread([this] {
      const auto period = std::chrono::seconds(std::max(1, config_.retention_sweep_seconds));
      std::unique_lock<std::mutex> lock(owned_->retention_mu);
      while (!owned_->retention_stop) {
        lock.unlock();
        audit::Actor system{services_.covenant->Get()->house(), "system", "retention-sweep", "",
                            "gateway"};
        auto r = owned_->exchange->RunRetention(system);
        if (!r.ok()) LogError("retention_sweep_failed", {{"reason", r.status().reason()}});
        lock.lock();
        owned_->retention_cv.wait_for(lock, period, [this] { return owned_->retention_stop; });
      }
    });
  }
  // [exchange] background end
  // [adapters] background: start the adapters.
  if (owned_->adapters) owned_->adapters->Start();
  // [adapters] background end
}

void App::StopBackground() {
  // [adapters] stop
  if (owned_ && owned_->adapters) owned_->adapters->Stop();
  // [adapters] stop end
  // [exchange] stop
  if (owned_ && owned_->retention_thread.joinable()) {
    {
      std::lock_guard<std::mutex> lock(owned_->retention_mu);
      owned_->retention_stop = true;
    }
    owned_->retention_cv.notify_all();
    owned_->retention_thread.join();
  }
  // [exchange] stop end
  // [audit] stop
}

}  // namespace vh::gw
