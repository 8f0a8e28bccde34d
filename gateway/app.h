#pragma once
// App: the gateway's request handling without sockets (Beast's
// handle_request idea). It owns the modules (gateway/modules.h: covenant,
// audit log, case store, exchange, adapters), the Router and the Metrics,
// and turns one ApiRequest into one ApiResponse:
//   1. the caller's role must be one of the contract's roles and its partner
//      known to the covenant (or the house): else 401;
//   2. the Router finds the route: 404 / 405 / 403 (wrong role);
//   3. routes that move personal data are refused (503) while the covenant
//      is not in force;
//   4. the route's handler runs; it never throws (a throw becomes 500).
// Every request runs under a TraceContext (core/trace_context.h): the
// caller's traceparent continued or a new trace, its X-Request-Id when sane
// or one made here. Every response carries `X-Request-Id` and `traceparent`
// (the gateway's span); an error body carries the id as error.request_id;
// every log line and audit event of the request carries it (a deferred
// response's too); an error response is logged (request_error: info for
// 4xx, warn for 5xx), every other at debug (request).
// Refusals that concern data access are written to the audit log. Before
// routing, a state-changing request from another site is refused (403
// cross_site_request, audited); the session writes the browser headers of
// gateway/browser_guard.h into every response (the gateway also serves the
// web console).
//
// Thread-safety: Handle(), HandleInline() and ExpectedOin() are called
// concurrently from all I/O threads and the handler pool; ReloadPolicy()
// from any thread; StartBackground()/StopBackground() from one (main).

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "audit/event.h"
#include "core/clock.h"
#include "core/config.h"
#include "gateway/api.h"
#include "gateway/console_assets.h"
#include "gateway/metrics.h"
#include "gateway/modules.h"
#include "gateway/router.h"
#include "gateway/services.h"

namespace vh::policy {
class Covenant;
}

namespace vh::gw {

class App {
 public:
  // Opens every module (Modules::Open: the covenant, keys, stores and
  // adapters of `config`), reads the console's files (ConsoleAssets) and
  // registers the routes. Fails with the module's Status, naming the file,
  // key or problem (a configured console_dir that cannot be read too; a
  // console missing from the default places only leaves `/` at 404).
  // `clock` must outlive the App.
  static Result<std::unique_ptr<App>> Create(const Config& config, const Clock& clock);
  ~App();

  ApiResponse Handle(ApiRequest req);
  // The response to a request the server could not parse (too large,
  // malformed): `status`'s error body with a new request id, its headers,
  // its log line and its count (route "unparsed"), as Handle gives every
  // other response.
  ApiResponse Unparsed(const Status& status);
  // Handles `req` at once when its route neither blocks nor writes the audit
  // log (Dispatch::kInline), so that the server answers it on the I/O
  // thread; nullopt, leaving `req` as it was, for every other request (the
  // server runs Handle on the handler pool). The route is looked up once.
  std::optional<ApiResponse> HandleInline(ApiRequest& req);

  // SIGHUP and POST /v1/admin/policy/reload: reads the covenant file again;
  // on failure the old covenant stays in force and the Status holds the
  // validation lines (Unprocessable). Either way a policy_loaded event whose
  // actor is `by`: the admin certificate that asked (the route honours only
  // the house's), or
  Status ReloadPolicy(const audit::Actor& by);
  // the gateway itself (a signal): actor role "system", CN `by` ("SIGHUP"),
  // the house as partner, no fingerprint, remote "local"; distinguishable
  // from every certificate, whose role is never "system".
  Status ReloadPolicy(const std::string& by);

  // The OIN the covenant gives `partner`, if any; the TLS layer refuses a
  // certificate whose serialNumber differs.
  std::optional<std::string> ExpectedOin(const std::string& partner) const;

  Metrics& metrics() { return metrics_; }
  Services& services() { return services_; }
  const Router& router() const { return router_; }

  // Periodic work started by serve: retention sweeps (every
  // retention.sweep_seconds) and the adapters. Stop is idempotent.
  void StartBackground();
  void StopBackground();

 private:
  // Handle, with the route already found for an inline request.
  ApiResponse Respond(ApiRequest& req, std::optional<Router::Match> found);
  App(const Config& config, const Clock& clock, std::unique_ptr<Modules> modules);
  void AddRoutes();
  void AddSampledMetrics();
  void RecordRefusal(const ApiRequest& req, const Status& status);
  bool KnownPartner(const std::string& partner) const;
  // Ok, or PermissionDenied when the route is the house's (house_only) and
  // the caller's partner is not the house: "admin_not_house" for an admin
  // certificate, "forbidden" for a coordinator's.
  Status CheckHouseOnly(const ApiRequest& req, Role role, const Router::Match& m) const;
  // Ok, or Unavailable "covenant_not_in_force" when today (UTC) lies outside
  // the covenant's valid_from..valid_until.
  Status CovenantInForce() const;

  Config config_;
  const Clock& clock_;
  Metrics metrics_;
  Router router_;
  std::unique_ptr<Modules> modules_;  // after metrics_: the adapters mirror into it
  Services services_;
  std::unique_ptr<ConsoleAssets> console_;  // never null once created

  std::thread retention_thread_;
  std::mutex retention_mu_;
  std::condition_variable retention_cv_;
  bool retention_stop_ = false;  // guarded by retention_mu_
};

}  // namespace vh::gw
