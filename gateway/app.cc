#include "gateway/app.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <set>

#include "adapters/adapter_runner.h"
#include "audit/audit_log.h"
#include "core/log.h"
#include "core/role.h"
#include "core/thread_name.h"
#include "core/trace_context.h"
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
#include "gateway/openapi_route.h"
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

// The request's trace: the caller's traceparent continued (or a new trace),
// its X-Request-Id when sane (else one made here).
std::shared_ptr<TraceContext> TraceOfRequest(const ApiRequest& req, TimePoint now) {
  auto t = std::make_shared<TraceContext>(TraceContext::Continue(req.Header("traceparent"), now));
  const std::string_view given = req.Header("x-request-id");
  t->request_id = IsValidRequestId(given) ? std::string(given) : NewRequestId();
  if (!t->parent_span_id.empty()) t->caller = "urn:vhgate:partner:" + req.identity.partner;
  return t;
}

// A query parameter the route does not take is 400 `bad_query`, naming what
// the route takes and never what was sent (a name could be a number someone
// typed): a misspelt filter must not read as "everything" or "nothing".
Status CheckQuery(const ApiRequest& req, const Router::Match& m) {
  if (m.any_query || req.query.empty()) return Status::Ok();
  for (const auto& entry : req.query) {
    if (m.query && std::find(m.query->begin(), m.query->end(), entry.first) != m.query->end()) {
      // A blank filter is never read as "any".
      if (entry.second.empty()) {
        return Status::InvalidArgument("bad_query",
                                       entry.first + " is empty (leave it out to mean any)");
      }
      continue;
    }
    std::string takes;
    for (std::size_t i = 0; m.query && i < m.query->size(); ++i) {
      takes += (i > 0 ? ", " : "") + (*m.query)[i];
    }
    return Status::InvalidArgument(
        "bad_query", takes.empty() ? req.route + " takes no query parameters"
                                   : "unknown query parameter: " + req.route + " takes " + takes);
  }
  return Status::Ok();
}

// Adds the request id to an error body {"error": {code, message}} and
// returns its code; "" (the body left as it is) for any other body.
std::string AddRequestIdToError(ApiResponse& resp, const std::string& request_id) {
  if (resp.shared_body || resp.content_type != "application/json") return "";
  Json body = Json::parse(resp.body, nullptr, false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
  Json& error = body["error"];
  error["request_id"] = request_id;
  resp.body = DumpJson(body);
  auto code = error.find("code");
  return code != error.end() && code->is_string() ? code->get<std::string>() : "";
}

// Every response: X-Request-Id, traceparent (this request's span), the
// request id in an error body, and the request's log line (debug), or for
// an error, info (4xx) or warn (5xx) naming its code.
void FinishResponse(ApiResponse& resp, const TraceContext& trace, const std::string& method,
                    const std::string& route, std::chrono::steady_clock::duration took) {
  resp.headers.reserve(resp.headers.size() + 2);
  resp.headers.emplace_back("X-Request-Id", trace.request_id);
  resp.headers.emplace_back("traceparent", trace.ToTraceparent());
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  if (resp.status < 400) {
    if (LogEnabled(LogLevel::kDebug)) {
      Log(LogLevel::kDebug, "request",
          {{"method", method}, {"route", route}, {"status", resp.status}, {"ms", ms}});
    }
    return;
  }
  const std::string code = AddRequestIdToError(resp, trace.request_id);
  Log(resp.status >= 500 ? LogLevel::kWarn : LogLevel::kInfo, "request_error",
      {{"method", method}, {"route", route}, {"status", resp.status}, {"code", code}, {"ms", ms}});
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
                      "0 while the audit log cannot write (every disclosure is refused); "
                      "1 again by itself once it can.",
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
  RegisterOpenApiRoute(router_);
  router_.Add(
      "GET", "/v1/health", kAnyRole,
      [this](const ApiRequest&) {
        auto covenant = services_.covenant.Get();
        // An audit log that cannot write refuses every disclosure: the
        // gateway is not healthy, and a monitor must see it.
        if (!services_.audit.stats().writable) {
          return ApiResponse::FromJson(
              503, {{"status", "audit_unavailable"}, {"convenant", CovenantSummary(*covenant)}});
        }
        // The ok body changes only with the covenant: rendered once per
        // covenant and thread (health is what monitors and load balancers
        // ask most; no lock, no copy). The body is the covenant's alone, so
        // one cache serves every App of the process.
        struct Rendered {
          std::shared_ptr<const policy::Covenant> covenant;
          std::shared_ptr<const std::string> body;
        };
        thread_local Rendered ok;
        if (ok.covenant != covenant) {
          ok = {covenant, std::make_shared<const std::string>(DumpJson(
                              {{"status", "ok"}, {"convenant", CovenantSummary(*covenant)}}))};
        }
        return ApiResponse::FromSharedText(200, ok.body);
      },
      Dispatch::kInline);
  // Administration is the house's: a partner's admin certificate is refused
  // before this runs (Handle: house_only).
  router_.Add("POST", "/v1/admin/policy/reload", {Role::kAdmin}, [this](const ApiRequest& req) {
    Status s = ReloadPolicy(ActorOf(req));
    if (!s.ok()) return ApiResponse::FromStatus(s);
    Json body = {{"reloaded", true}, {"convenant", CovenantSummary(*services_.covenant.Get())}};
    return ApiResponse::FromJson(200, body);
  });
}

Status App::ReloadPolicy(const std::string& by) {
  ScopedTrace reload(TraceContext::Start(clock_.Now()));  // a signal: a trace of its own
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

Status App::CheckHouseOnly(const ApiRequest& req, Role role, const Router::Match& m) const {
  if (!m.house_only || services_.covenant.Get()->IsHouse(req.identity.partner)) {
    return Status::Ok();
  }
  // Refused before the handler reads the body: a partner's certificate learns
  // nothing from a house route, not even whether its body would do.
  if (role == Role::kAdmin) {
    return Status::Make(
        Code::kPermissionDenied, "admin_not_house",
        "only the house's admin certificates may call " + req.method + " " + req.route);
  }
  return Status::PermissionDenied("only coordinators of the house may call " + req.method + " " +
                                  req.route);
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

std::optional<ApiResponse> App::HandleInline(ApiRequest& req) {
  std::optional<Role> role = ParseCertificateRole(req.identity.role);
  if (!role || !KnownPartner(req.identity.partner)) return std::nullopt;
  Router::Match m = router_.Find(req.method, req.path, *role);
  if (!m.status.ok() || m.dispatch != Dispatch::kInline) return std::nullopt;
  return Respond(req, std::move(m));
}

ApiResponse App::Handle(ApiRequest req) { return Respond(req, std::nullopt); }

ApiResponse App::Respond(ApiRequest& req, std::optional<Router::Match> found) {
  static const std::string kUnmatched = "unmatched";
  auto start = std::chrono::steady_clock::now();
  // Every log line and audit event of this request carries its ids
  // (core/trace_context.h), also those written on the audit writer's thread.
  std::shared_ptr<TraceContext> trace = TraceOfRequest(req, clock_.Now());
  ScopedTrace scope(trace);
  req.request_id = trace->request_id;
  ApiResponse resp;
  std::optional<Role> role = ParseCertificateRole(req.identity.role);
  if (!role) {
    Status s = Status::PermissionDenied("certificate role is not one of the covenant roles");
    RecordRefusal(req, s);
    resp = ApiResponse::FromStatus(s);
  } else {
    if (!found && !KnownPartner(req.identity.partner)) {
      Status s = Status::Unauthenticated("partner is not known to the covenant in force");
      RecordRefusal(req, s);
      resp = ApiResponse::FromStatus(s);
    } else {
      Router::Match m = found ? std::move(*found) : router_.Find(req.method, req.path, *role);
      req.route = std::move(m.route);
      // Read by the refusals the handler records (nothing else reads the
      // context before the handler runs).
      trace->method = req.method;
      trace->route = req.route.empty() ? kUnmatched : req.route;
      if (!m.status.ok()) {
        if (m.status.code() == Code::kPermissionDenied) RecordRefusal(req, m.status);
        resp = ApiResponse::FromStatus(m.status);
        if (!m.allow.empty()) resp.headers.emplace_back("Allow", m.allow);
      } else if (Status house = CheckHouseOnly(req, *role, m); !house.ok()) {
        RecordRefusal(req, house);
        resp = ApiResponse::FromStatus(house);
      } else if (Status query = CheckQuery(req, m); !query.ok()) {
        resp = ApiResponse::FromStatus(query);
      } else if (Status same_origin = CheckSameOrigin(req); !same_origin.ok()) {
        RecordRefusal(req, same_origin);
        resp = ApiResponse::FromStatus(same_origin);
      } else if (Status in_force =
                     NeedsCovenantInForce(req.method, req.route) ? CovenantInForce() : Status::Ok();
                 !in_force.ok()) {
        RecordRefusal(req, in_force);
        resp = ApiResponse::FromStatus(in_force);
      } else {
        req.params = std::move(m.params);
        try {
          resp = (*m.handler)(req);
        } catch (const std::exception&) {
          // Handlers return Status; a throw is a bug. Never echo its text.
          LogError("handler_exception", {{"route", req.route}});
          resp = ApiResponse::FromStatus(Status::Internal("internal error"));
        }
      }
    }
  }
  const std::string& route = req.route.empty() ? kUnmatched : req.route;
  if (resp.deferred) {
    // Counted when it completes.
    auto outer = std::make_shared<DeferredResponse>();
    resp.deferred->OnComplete(
        [this, outer, route, method = req.method, start, trace](ApiResponse r) {
          ScopedTrace completing(trace);  // on the thread that completes it
          const auto took = std::chrono::steady_clock::now() - start;
          metrics_.CountRequest(route, r.status, took);
          FinishResponse(r, *trace, method, route, took);
          outer->Complete(std::move(r));
        });
    resp.deferred = std::move(outer);
    return resp;
  }
  const auto took = std::chrono::steady_clock::now() - start;
  metrics_.CountRequest(route, resp.status, took);
  FinishResponse(resp, *trace, req.method, route, took);
  return resp;
}

ApiResponse App::Unparsed(const Status& status) {
  TraceContext t = TraceContext::Start(clock_.Now());
  t.request_id = NewRequestId();
  ScopedTrace scope(std::move(t));
  ApiResponse resp = ApiResponse::FromStatus(status);
  metrics_.CountRequest("unparsed", resp.status, std::chrono::nanoseconds(0));
  FinishResponse(resp, *CurrentTrace(), "", "unparsed", std::chrono::steady_clock::duration(0));
  return resp;
}

void App::StartBackground() {
  if (!retention_thread_.joinable()) {
    retention_stop_ = false;
    retention_thread_ = std::thread([this] {
      NameThisThread("vh-retention");
      const auto period = std::chrono::seconds(std::max(1, config_.retention_sweep_seconds));
      std::unique_lock<std::mutex> lock(retention_mu_);
      while (!retention_stop_) {
        lock.unlock();
        ScopedTrace sweep(TraceContext::Start(clock_.Now()));  // a trace per sweep
        audit::Actor system{services_.covenant.Get()->house(), std::string(RoleName(Role::kSystem)),
                            "retention-sweep", "", "gateway"};
        auto r = services_.exchange.RunRetention(system);
        if (!r.ok()) {
          LogError("retention_sweep_failed", {{"reason", r.status().reason()}});
        } else {
          LogInfo("retention_swept", {{"closed", r->closed.size()},
                                      {"shredded", r->shredded.size()},
                                      {"cases", r->cases.size()},
                                      {"notifications", r->notifications.size()}});
        }
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
