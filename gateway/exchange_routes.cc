#include "gateway/exchange_routes.h"

#include "audit/audit_log.h"
#include "exchange/exchange_service.h"
#include "gateway/api_actor.h"
#include "gateway/codecs/declaration_codec.h"
#include "gateway/codecs/meeting_codec.h"
#include "gateway/codecs/request_codec.h"
#include "gateway/codecs/retention_codec.h"

namespace vh::gw {
namespace {

// The result's response body (its codec's Encode), or the error.
template <typename T, typename Encode>
ApiResponse Respond(int ok_status, const Result<T>& r, Encode&& encode) {
  if (!r.ok()) return ApiResponse::FromStatus(r.status());
  return ApiResponse::FromJson(ok_status, encode(*r));
}

// A handler that takes a JSON body: malformed -> 400, too large -> 413,
// depth, invalid UTF-8 -> 400 (core/json.h); then the codec's structural
// checks (422 naming the JSON path), then the exchange.
template <typename Decode, typename Call, typename Encode>
ApiResponse WithBody(const ApiRequest& req, int ok_status, Decode&& decode, Call&& call,
                     Encode&& encode) {
  auto body = ParseJson(req.body);
  if (!body.ok()) return ApiResponse::FromStatus(body.status());
  auto command = decode(*body);
  if (!command.ok()) return ApiResponse::FromStatus(command.status());
  return Respond(ok_status, call(*command), encode);
}

const std::string& Param(const ApiRequest& req, std::size_t i) {
  static const std::string kEmpty;
  return i < req.params.size() ? req.params[i] : kEmpty;
}

}  // namespace

void RegisterExchangeRoutes(Router& router, Services& services) {
  exchange::ExchangeService* ex = &services.exchange;

  router.Add("POST", "/v1/meetings", {Role::kCoordinator}, [ex](const ApiRequest& req) {
    return WithBody(
        req, 201, codecs::DecodeCreateMeeting,
        [&](const exchange::CreateMeeting& c) { return ex->CreateMeeting(ActorOf(req), c); },
        codecs::EncodeMeeting);
  });
  router.Add("GET", "/v1/meetings/{id}", {Role::kCoordinator, Role::kParticipant},
             [ex](const ApiRequest& req) {
               return Respond(200, ex->GetMeeting(ActorOf(req), Param(req, 0)),
                              codecs::EncodeMeeting);
             });
  router.Add("POST", "/v1/meetings/{id}/requests", {Role::kCoordinator},
             [ex](const ApiRequest& req) {
               return WithBody(
                   req, 201, codecs::DecodeCreateRequests,
                   [&](const exchange::CreateRequests& c) {
                     return ex->CreateRequests(ActorOf(req), Param(req, 0), c);
                   },
                   codecs::EncodeCreatedRequests);
             });
  router.Add("PUT", "/v1/meetings/{id}/phase", {Role::kCoordinator}, [ex](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeSetPhase,
        [&](const exchange::SetPhase& c) { return ex->SetPhase(ActorOf(req), Param(req, 0), c); },
        codecs::EncodePhaseChange);
  });
  router.Add("POST", "/v1/meetings/{id}/close", {Role::kCoordinator}, [ex](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeCloseMeeting,
        [&](const exchange::CloseMeeting& c) { return ex->Close(ActorOf(req), Param(req, 0), c); },
        codecs::EncodeClosedMeeting);
  });
  router.Add("POST", "/v1/meetings/{id}/retention", {Role::kCoordinator},
             [ex](const ApiRequest& req) {
               return WithBody(
                   req, 200, codecs::DecodeExtendRetention,
                   [&](const exchange::ExtendRetention& c) {
                     return ex->ExtendRetention(ActorOf(req), Param(req, 0), c);
                   },
                   codecs::EncodeRetentionExtension);
             });
  router.Add("GET", "/v1/requests", {Role::kSupplier}, [ex](const ApiRequest& req) {
    auto it = req.query.find("status");
    auto filter = codecs::DecodeRequestFilter(it == req.query.end() ? "" : it->second);
    if (!filter.ok()) return ApiResponse::FromStatus(filter.status());
    return Respond(200, ex->ListRequests(ActorOf(req), *filter), codecs::EncodeRequestList);
  });
  router.Add("PUT", "/v1/requests/{id}/answer", {Role::kSupplier}, [ex](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeAnswer,
        [&](const exchange::AnswerRequest& c) {
          return ex->Answer(ActorOf(req), Param(req, 0), c);
        },
        codecs::EncodeAnswerReceipt);
  });
  router.Add("POST", "/v1/requests/{id}/decline", {Role::kSupplier}, [ex](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeDecline,
        [&](const exchange::DeclineRequest& c) {
          return ex->Decline(ActorOf(req), Param(req, 0), c);
        },
        codecs::EncodeDeclinedRequest);
  });
  router.Add("GET", "/v1/meetings/{id}/declaration", {Role::kParticipant},
             [ex](const ApiRequest& req) {
               return Respond(200, ex->GetDeclaration(ActorOf(req), Param(req, 0)),
                              codecs::EncodeDeclaration);
             });
  router.Add("POST", "/v1/meetings/{id}/declarations", {Role::kParticipant},
             [ex](const ApiRequest& req) {
               return WithBody(
                   req, 201, codecs::DecodeSignDeclaration,
                   [&](const exchange::SignDeclaration& c) {
                     return ex->SignDeclaration(ActorOf(req), Param(req, 0), c);
                   },
                   codecs::EncodeDeclarationSignature);
             });
  // Answered on the I/O thread, without waiting there: the body is sent when
  // the audit writer has committed the view's event (DeferredResponse). The
  // body is the exchange's rendered JSON text, shared (no codec, no copy).
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
