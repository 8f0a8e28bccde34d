#include "gateway/app.h"

#include <chrono>
#include <exception>

#include "core/log.h"

// Module headers. Each module engineer adds its include in its section.
// [policy] includes
// [audit] includes
// [exchange] includes
// [adapters] includes

namespace vh::gw {

// The modules' objects, owned by the App. Each module adds its members in its section.
struct App::Owned {
  // [policy] members
  // [audit] members
  // [exchange] members
  // [adapters] members
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

  // [audit] create: open the audit log (keys, store), set services_.audit, register routes.

  // [exchange] create: open the case store and exchange service, register routes.

  // [adapters] create: build the adapter runner from config.adapters.

  a.router_.Add("GET", "/v1/health", {"*"}, [&a](const ApiRequest&) {
    Json convenant = {{"id", nullptr}, {"version", nullptr}, {"sha256", nullptr},
                      {"status", "none loaded"}};
    // [policy] health: fill convenant from the covenant in force.
    return ApiResponse::FromJson(200, {{"status", "ok"}, {"convenant", convenant}});
  });
  a.router_.Add("POST", "/v1/admin/policy/reload", {kRoleAdmin}, [&a](const ApiRequest& req) {
    Status s = a.ReloadPolicy(req.identity.cn);
    if (!s.ok()) return ApiResponse::FromStatus(s);
    Json body = {{"reloaded", true}};
    // [policy] reload response: add the covenant now in force.
    return ApiResponse::FromJson(200, body);
  });
  return app;
}

Status App::ReloadPolicy(const std::string& actor) {
  (void)actor;
  // [policy] reload: load the file again; on failure keep the old covenant,
  // log the validation lines and return them (Unprocessable).
  return Status::Unavailable("no_policy", "no covenant engine configured");
}

std::optional<std::string> App::ExpectedOin(const std::string& partner) const {
  (void)partner;
  // [policy] oin: the covenant's oin for this partner, when it gives one.
  return std::nullopt;
}

void App::RecordRefusal(const ApiRequest& req, const Status& status) {
  LogWarn("access_refused", {{"route", req.route.empty() ? "unmatched" : req.route},
                             {"partner", req.identity.partner},
                             {"role", req.identity.role},
                             {"reason", status.reason()}});
  // [audit] refusal: append an access_refused event.
}

ApiResponse App::Handle(ApiRequest req) {
  auto start = std::chrono::steady_clock::now();
  ApiResponse resp;
  std::string route = "unmatched";
  if (!IsKnownRole(req.identity.role)) {
    Status s = Status::PermissionDenied("certificate role is not one of the covenant roles");
    RecordRefusal(req, s);
    resp = ApiResponse::FromStatus(s);
  } else {
    bool known_partner = true;
    // [policy] partner: known_partner = the covenant knows req.identity.partner (or it is the house).
    if (!known_partner) {
      Status s = Status::Unauthenticated("partner is not known to the covenant in force");
      RecordRefusal(req, s);
      resp = ApiResponse::FromStatus(s);
    } else {
      Router::Match m = router_.Find(req.method, req.path, req.identity.role);
      if (!m.route.empty()) route = m.route;
      req.route = m.route;
      if (!m.status.ok()) {
        if (m.status.code() == Code::kPermissionDenied) RecordRefusal(req, m.status);
        resp = ApiResponse::FromStatus(m.status);
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
  metrics_.CountRequest(route, resp.status, std::chrono::steady_clock::now() - start);
  return resp;
}

void App::StartBackground() {
  // [audit] background: periodic checkpoints.
  // [exchange] background: retention sweeps.
  // [adapters] background: start the adapters.
}

void App::StopBackground() {
  // [adapters] stop
  // [exchange] stop
  // [audit] stop
}

}  // namespace vh::gw
