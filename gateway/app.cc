#include "gateway/app.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <set>

#include "adapters/adapter_runner.h"
#include "audit/audit_log.h"
#include "core/log.h"
#include "core/role.h"
#include "exchange/events.h"
#include "exchange/exchange_service.h"
#include "gateway/api_actor.h"
#include "gateway/audit_routes.h"
#include "gateway/browser_guard.h"
#include "gateway/case_metrics.h"
#include "gateway/case_routes.h"
#include "gateway/console_routes.h"
#include "gateway/covenant_routes.h"
#include "gateway/exchange_routes.h"
#include "gateway/ops_metrics.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"

namespace vh::gw {
namespace {

Json CovenantSummary(const policy::Covenant& c) {
  return {{"id", c.id()}, {"version", c.version()}, {"sha256", c.sha256()}};
}

// Routes that move personal data: refused while the covenant is not in force.
// Those that end or reduce processing (close, phase, retention, decline) and
// the declaration text stay open, as do health, audit and admin.
bool NeedsCovenantInForce(const std::string& method, const std::string& route) {
  bool exchange = route.rfind("/v1/meetings", 0) == 0 || route.rfind("/v1/requests", 0) == 0 ||
                  route.rfind("/v1/notifications", 0) == 0 || route.rfind("/v1/cases", 0) == 0 ||
                  route == "/v1/check";
  if (!exchange) return false;
  static const std::set<std::string> kStillOpen = {
      "POST /v1/meetings/{id}/close",      "PUT /v1/meetings/{id}/phase",
      "POST /v1/meetings/{id}/retention",  "POST /v1/requests/{id}/decline",
      "GET /v1/meetings/{id}/declaration", "POST /v1/cases/{id}/close",
      "POST /v1/cases/{id}/follow-up"};
  return kStillOpen.count(method + " " + route) == 0;
}

// The console's files: a configured console_dir must load; without one, a
// console found in the default places is served, and none leaves `/` at 404.
Result<std::unique_ptr<ConsoleAssets>> LoadConsole(const Config& config) {
  const std::string dir = ConsoleAssets::Locate(config);
  if (dir.empty()) {
    LogWarn("console_not_found", {{"hint", "set console_dir in the configuration"}});
    return ConsoleAssets::None();
  }
  auto assets = ConsoleAssets::Load(dir);
  if (!assets.ok()) {
    return Status::Make(assets.status().code(), "bad_config",
                        config.file + ": /console_dir: " + assets.status().message());
  }
  LogInfo("console_loaded", {{"dir", dir}, {"files", (*assets)->size()}});
  return assets;
}

}  // namespace

App::App(const Config& config, const Clock& clock, std::unique_ptr<Modules> modules)
    : config_(config),
      clock_(clock),
      modules_(std::move(modules)),
      services_{config_,
                clock_,
                metrics_,
                modules_->covenant(),
                modules_->audit(),
                modules_->cases(),
                modules_->exchange()} {}

App::~App() { StopBackground(); }

Result<std::unique_ptr<App>> App::Create(const Config& config, const Clock& clock) {
  auto modules = Modules::Open(config, clock);
  if (!modules.ok()) return modules.status();
  std::unique_ptr<App> app(new App(config, clock, std::move(*modules)));
  auto console = LoadConsole(config);
  if (!console.ok()) return console.status();
  app->console_ = std::move(*console);
  app->AddSampledMetrics();
  app->AddRoutes();
  return app;
}

void App::AddSampledMetrics() {
  const audit::AuditLog* audit_log = &services_.audit;
  metrics_.AddSampled("vhgate_audit_events_total", "counter", "Audit events committed since start.",
                      [audit_log] { return audit_log->stats().events; });
  metrics_.AddSampled("vhgate_audit_commits_total", "counter",
                      "Audit transactions committed since start.",
                      [audit_log] { return audit_log->stats().commits; });
  metrics_.AddSampled("vhgate_audit_failures_total", "counter",
                      "Audit transactions refused (their events and requests refused).",
                      [audit_log] { return audit_log->stats().failures; });
  metrics_.AddSampled("vhgate_audit_writable", "gauge",
                      "0 once the audit WAL could not be synced: every disclosure is "
                      "refused until a restart.",
                      [audit_log] { return audit_log->stats().writable ? 1 : 0; });
  AddOperationsMetrics(metrics_, audit::AuditLogOptionsFor(config_).checkpoint_path,
                       modules_->cases(), clock_);
  AddCaseMetrics(metrics_, modules_->cases());
  Metrics* metrics = &metrics_;
  modules_->adapters().metrics().SetMirror(
      [metrics](const std::string& name, const std::string& labels, int64_t delta) {
        metrics->Add(name, labels, delta);
      });
}

void App::AddRoutes() {
  RegisterAuditRoutes(router_, services_);
  RegisterExchangeRoutes(router_, services_);
  RegisterCaseRoutes(router_, services_);
  RegisterConsoleRoutes(router_, services_);
  RegisterCovenantRoutes(router_, services_);
  RegisterConsoleAssetRoutes(router_, *console_);
  router_.Add(
      "GET", "/v1/health", kAnyRole,
      [this](const ApiRequest&) {
        Json convenant = CovenantSummary(*services_.covenant.Get());
        // An audit log that failed for good refuses every disclosure: the
        // gateway is not healthy, and a monitor must see it.
        if (!services_.audit.stats().writable) {
          return ApiResponse::FromJson(503,
                                       {{"status", "audit_unavailable"}, {"convenant", convenant}});
        }
        return ApiResponse::FromJson(200, {{"status", "ok"}, {"convenant", convenant}});
      },
      Dispatch::kInline);
  router_.Add("POST", "/v1/admin/policy/reload", {Role::kAdmin}, [this](const ApiRequest& req) {
    // Administration is the house's: an admin certificate of a partner is
    // refused (and the refusal audited).
    if (!services_.covenant.Get()->IsHouse(req.identity.partner)) {
      Status refused = Status::Make(Code::kPermissionDenied, "admin_not_house",
                                    "only the house's admin certificates may reload the covenant");
      RecordRefusal(req, refused);
      return ApiResponse::FromStatus(refused);
    }
    Status s = ReloadPolicy(ActorOf(req));
    if (!s.ok()) return ApiResponse::FromStatus(s);
    Json body = {{"reloaded", true}, {"convenant", CovenantSummary(*services_.covenant.Get())}};
    return ApiResponse::FromJson(200, body);
  });
}

Status App::ReloadPolicy(const std::string& by) {
  auto c = services_.covenant.Get();
  return ReloadPolicy(
      audit::Actor{c->house(), std::string(RoleName(Role::kSystem)), by, "", "local"});
}

Status App::ReloadPolicy(const audit::Actor& by) {
  policy::CovenantHolder& holder = services_.covenant;
  const auto old = holder.Get();
  const std::string& actor = by.cn;
  // One policy_loaded audit event per reload attempt, naming the covenant in
  // force after it and who asked: the admin certificate (partner, CN,
  // fingerprint, remote), or the gateway itself (role system, e.g. SIGHUP).
  auto audit_event = [&](const policy::Covenant& c, const char* outcome, Json detail) {
    audit::Event e;
    e.type = audit::kPolicyLoaded;
    e.actor = by;
    e.covenant = exchange::CovenantRefOf(c);
    e.outcome = outcome;
    e.detail = std::move(detail);
    return services_.audit.Append(std::move(e)).status();
  };
  auto reloaded = holder.Reload();
  if (!reloaded.ok()) {
    const auto problems = holder.last_problems();
    LogError("policy_reload_failed", {{"actor", actor},
                                      {"file", holder.path()},
                                      {"in_force", old->sha256()},
                                      {"problems", problems}});
    Status st =
        audit_event(*old, "refused",
                    {{"file", holder.path()}, {"at", "reload"}, {"problems", problems.size()}});
    if (!st.ok()) LogError("policy_reload_audit_failed", {{"reason", st.reason()}});
    return reloaded.status();
  }
  LogInfo("policy_reloaded", {{"actor", actor},
                              {"file", holder.path()},
                              {"convenant", (*reloaded)->id()},
                              {"version", (*reloaded)->version()},
                              {"previous_sha256", old->sha256()},
                              {"sha256", (*reloaded)->sha256()}});
  Status st =
      audit_event(**reloaded, "ok",
                  {{"file", holder.path()}, {"at", "reload"}, {"previous_sha256", old->sha256()}});
  if (!st.ok()) {
    return Status::Make(st.code(), st.reason(),
                        "covenant reloaded, but its audit event was not written: " + st.message());
  }
  return Status::Ok();
}

std::optional<std::string> App::ExpectedOin(const std::string& partner) const {
  auto c = services_.covenant.Get();
  const policy::Partner* p = c->FindPartner(partner);
  if (p != nullptr && !p->oin.empty()) return p->oin;
  return std::nullopt;
}

void App::RecordRefusal(const ApiRequest& req, const Status& status) {
  LogWarn("access_refused", {{"route", req.route.empty() ? "unmatched" : req.route},
                             {"partner", req.identity.partner},
                             {"role", req.identity.role},
                             {"reason", status.reason()}});
  audit::Event e;
  e.type = audit::kAccessRefused;
  const Identity& id = req.identity;
  e.actor = audit::Actor{id.partner, id.role, id.cn, id.fingerprint, id.remote};
  auto c = services_.covenant.Get();
  e.covenant = exchange::CovenantRefOf(*c);
  e.outcome = "refused " + std::to_string(HttpStatusFor(status.code()));
  e.detail = {{"method", req.method},
              {"route", req.route.empty() ? "unmatched" : req.route},
              {"reason", status.reason()}};
  Status st = services_.audit.Append(std::move(e)).status();
  if (!st.ok()) LogError("audit_refusal_not_recorded", {{"reason", st.reason()}});
}

Status App::CovenantInForce() const {
  auto c = services_.covenant.Get();
  std::string today = FormatDate(DateOf(clock_.Now()));
  if (c->InForceOn(today)) return Status::Ok();
  return Status::Unavailable("covenant_not_in_force",
                             "covenant " + c->id() + " version " + c->version() +
                                 " is valid from " + c->valid_from() +
                                 (c->valid_until().empty() ? "" : " until " + c->valid_until()) +
                                 ", not on " + today + ": no information is exchanged under it");
}

bool App::KnownPartner(const std::string& partner) const {
  auto c = services_.covenant.Get();
  return c->IsHouse(partner) || c->FindPartner(partner) != nullptr;
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
      } else if (Status same_origin = CheckSameOrigin(req); !same_origin.ok()) {
        RecordRefusal(req, same_origin);
        resp = ApiResponse::FromStatus(same_origin);
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
      AddBrowserHeaders(r);
      outer->Complete(std::move(r));
    });
    resp.deferred = std::move(outer);
    return resp;
  }
  metrics_.CountRequest(route, resp.status, std::chrono::steady_clock::now() - start);
  AddBrowserHeaders(resp);
  return resp;
}

void App::StartBackground() {
  if (!retention_thread_.joinable()) {
    retention_stop_ = false;
    retention_thread_ = std::thread([this] {
      const auto period = std::chrono::seconds(std::max(1, config_.retention_sweep_seconds));
      std::unique_lock<std::mutex> lock(retention_mu_);
      while (!retention_stop_) {
        lock.unlock();
        audit::Actor system{services_.covenant.Get()->house(), std::string(RoleName(Role::kSystem)),
                            "retention-sweep", "", "gateway"};
        auto r = services_.exchange.RunRetention(system);
        if (!r.ok()) LogError("retention_sweep_failed", {{"reason", r.status().reason()}});
        lock.lock();
        retention_cv_.wait_for(lock, period, [this] { return retention_stop_; });
      }
    });
  }
  modules_->adapters().Start();
}

void App::StopBackground() {
  modules_->adapters().Stop();
  if (retention_thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(retention_mu_);
      retention_stop_ = true;
    }
    retention_cv_.notify_all();
    retention_thread_.join();
  }
}

}  // namespace vh::gw
