#pragma once
// App: the gateway's request handling without sockets (Beast's
// handle_request idea). It owns the modules (covenant, audit log, case
// store, adapters) and the Router, and turns one ApiRequest into one
// ApiResponse:
//   1. the caller's role must be one of the contract's roles and its partner
//      known to the covenant (or the house): else 401;
//   2. the Router finds the route: 404 / 405 / 403 (wrong role);
//   3. the route's handler runs; it never throws (a throw becomes 500).
// Refusals that concern data access are written to the audit log.
//
// Thread-safety: Handle() is called concurrently from all I/O threads.
// Module wiring lives in App::Create, one marked section per module.

#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "gateway/api.h"
#include "gateway/metrics.h"
#include "gateway/router.h"
#include "gateway/services.h"

namespace vh::gw {

class App {
 public:
  // Opens every module named by the configuration. Fails (naming the file,
  // key or problem) when the covenant, a key, or a store cannot be opened.
  static Result<std::unique_ptr<App>> Create(const Config& config, const Clock& clock);
  ~App();

  ApiResponse Handle(ApiRequest req);
  // True when Handle(req) neither blocks nor writes the audit log, so the
  // server may run it on the I/O thread (Dispatch::kInline routes).
  bool RunsInline(const ApiRequest& req) const;

  // SIGHUP and POST /v1/admin/policy/reload.
  Status ReloadPolicy(const std::string& actor);

  // The OIN the covenant gives `partner`, if any; the TLS layer refuses a
  // certificate whose serialNumber differs. Thread-safe.
  std::optional<std::string> ExpectedOin(const std::string& partner) const;

  Metrics& metrics() { return metrics_; }
  Services& services() { return services_; }
  const Router& router() const { return router_; }

  // Periodic work (retention sweeps, adapters, checkpoints) started by serve.
  void StartBackground();
  void StopBackground();

 private:
  App(const Config& config, const Clock& clock);
  void RecordRefusal(const ApiRequest& req, const Status& status);
  bool KnownPartner(const std::string& partner) const;
  // Ok, or Unavailable "covenant_not_in_force" when today (UTC) lies outside
  // the covenant's valid_from..valid_until.
  Status CovenantInForce() const;

  Config config_;
  const Clock& clock_;
  Metrics metrics_;
  Router router_;
  Services services_;
  struct Owned;  // the modules' objects, defined in app.cc
  std::unique_ptr<Owned> owned_;
};

}  // namespace vh::gw
