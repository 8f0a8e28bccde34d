#include "gateway/exchange_routes.h"

#include "audit/audit_log.h"
#include "exchange/exchange_service.h"
#include "gateway/api_actor.h"

namespace vh::gw {
namespace {

ApiResponse Respond(int ok_status, const Result<Json>& r) {
  if (!r.ok()) return ApiResponse::FromStatus(r.status());
  return ApiResponse::FromJson(ok_status, *r);
}

// Body parsing for handlers that take JSON: malformed -> 400, too large ->
// 413, depth, invalid UTF-8 -> 400 (core/json.h).
template <typename F>
ApiResponse WithBody(const ApiRequest& req, int ok_status, F&& call) {
  auto body = ParseJson(req.body);
  if (!body.ok()) return ApiResponse::FromStatus(body.status());
  return Respond(ok_status, call(*body));
}

const std::string& Param(const ApiRequest& req, std::size_t i) {
  static const std::string kEmpty;
  return i < req.params.size() ? req.params[i] : kEmpty;
}

}  // namespace

void RegisterExchangeRoutes(Router& router, Services& services) {
  exchange::ExchangeService* ex = &services.exchange;

  router.Add("POST", "/v1/meetings", {Role::kCoordinator}, [ex](const ApiRequest& req) {
    return WithBody(req, 201, [&](const Json& b) { return ex->CreateMeeting(ActorOf(req), b); });
  });
  router.Add("GET", "/v1/meetings/{id}", {Role::kCoordinator, Role::kParticipant},
             [ex](const ApiRequest& req) {
               return Respond(200, ex->GetMeeting(ActorOf(req), Param(req, 0)));
             });
  router.Add("POST", "/v1/meetings/{id}/requests", {Role::kCoordinator},
             [ex](const ApiRequest& req) {
               return WithBody(req, 201, [&](const Json& b) {
                 return ex->CreateRequests(ActorOf(req), Param(req, 0), b);
               });
             });
  router.Add("PUT", "/v1/meetings/{id}/phase", {Role::kCoordinator}, [ex](const ApiRequest& req) {
    return WithBody(req, 200,
                    [&](const Json& b) { return ex->SetPhase(ActorOf(req), Param(req, 0), b); });
  });
  router.Add("POST", "/v1/meetings/{id}/close", {Role::kCoordinator}, [ex](const ApiRequest& req) {
    return WithBody(req, 200,
                    [&](const Json& b) { return ex->Close(ActorOf(req), Param(req, 0), b); });
  });
  router.Add("POST", "/v1/meetings/{id}/retention", {Role::kCoordinator},
             [ex](const ApiRequest& req) {
               return WithBody(req, 200, [&](const Json& b) {
                 return ex->ExtendRetention(ActorOf(req), Param(req, 0), b);
               });
             });
  router.Add("GET", "/v1/requests", {Role::kSupplier}, [ex](const ApiRequest& req) {
    auto it = req.query.find("status");
    const std::string status = it == req.query.end() ? "" : it->second;
    return Respond(200, ex->ListRequests(ActorOf(req), status));
  });
  router.Add("PUT", "/v1/requests/{id}/answer", {Role::kSupplier}, [ex](const ApiRequest& req) {
    return WithBody(req, 200,
                    [&](const Json& b) { return ex->Answer(ActorOf(req), Param(req, 0), b); });
  });
  router.Add("POST", "/v1/requests/{id}/decline", {Role::kSupplier}, [ex](const ApiRequest& req) {
    return WithBody(req, 200,
                    [&](const Json& b) { return ex->Decline(ActorOf(req), Param(req, 0), b); });
  });
  router.Add("GET", "/v1/meetings/{id}/declaration", {Role::kParticipant},
             [ex](const ApiRequest& req) {
               return Respond(200, ex->GetDeclaration(ActorOf(req), Param(req, 0)));
             });
  router.Add("POST", "/v1/meetings/{id}/declarations", {Role::kParticipant},
             [ex](const ApiRequest& req) {
               return WithBody(req, 201, [&](const Json& b) {
                 return ex->SignDeclaration(ActorOf(req), Param(req, 0), b);
               });
             });
  // Answered on the I/O thread, without waiting there: the body is sent when
  // the audit writer has committed the view's event (DeferredResponse).
  router.Add(
      "GET", "/v1/meetings/{id}/dossier", {Role::kParticipant},
      [ex](const ApiRequest& req) {
        ApiResponse resp;
        resp.deferred = std::make_shared<DeferredResponse>();
        ex->DossierBodyAsync(
            ActorOf(req), Param(req, 0), [d = resp.deferred](Result<exchange::SharedText> body) {
              d->Complete(body.ok() ? ApiResponse::FromSharedText(200, std::move(*body))
                                    : ApiResponse::FromStatus(body.status()));
            });
        return resp;
      },
      Dispatch::kInline);
}

}  // namespace vh::gw
