#include "gateway/exchange_routes.h"

#include "audit/audit_log.h"
#include "exchange/exchange_service.h"
#include "gateway/api_actor.h"
#include "gateway/codecs/declaration_codec.h"
#include "gateway/codecs/meeting_codec.h"
#include "gateway/codecs/request_codec.h"
#include "gateway/codecs/retention_codec.h"
#include "gateway/route_util.h"

namespace vh::gw {
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
               return Respond(200, ex->GetMeeting(ActorOf(req), PathParam(req, 0)),
                              codecs::EncodeMeeting);
             });
  router.Add("POST", "/v1/meetings/{id}/requests", {Role::kCoordinator},
             [ex](const ApiRequest& req) {
               return WithBody(
                   req, 201, codecs::DecodeCreateRequests,
                   [&](const exchange::CreateRequests& c) {
                     return ex->CreateRequests(ActorOf(req), PathParam(req, 0), c);
                   },
                   codecs::EncodeCreatedRequests);
             });
  router.Add("PUT", "/v1/meetings/{id}/phase", {Role::kCoordinator}, [ex](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeSetPhase,
        [&](const exchange::SetPhase& c) {
          return ex->SetPhase(ActorOf(req), PathParam(req, 0), c);
        },
        codecs::EncodePhaseChange);
  });
  router.Add("POST", "/v1/meetings/{id}/close", {Role::kCoordinator}, [ex](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeCloseMeeting,
        [&](const exchange::CloseMeeting& c) {
          return ex->Close(ActorOf(req), PathParam(req, 0), c);
        },
        codecs::EncodeClosedMeeting);
  });
  router.Add("POST", "/v1/meetings/{id}/retention", {Role::kCoordinator},
             [ex](const ApiRequest& req) {
               return WithBody(
                   req, 200, codecs::DecodeExtendRetention,
                   [&](const exchange::ExtendRetention& c) {
                     return ex->ExtendRetention(ActorOf(req), PathParam(req, 0), c);
                   },
                   codecs::EncodeRetentionExtension);
             });
  router.Add("GET", "/v1/requests?status", {Role::kSupplier}, [ex](const ApiRequest& req) {
    auto filter = codecs::DecodeRequestFilter(QueryParam(req, "status"));
    if (!filter.ok()) return ApiResponse::FromStatus(filter.status());
    return Respond(200, ex->ListRequests(ActorOf(req), *filter), codecs::EncodeRequestList);
  });
  // Whose request it is, before what the body says: another partner's
  // system learns nothing from a body it sends to a request not its own.
  router.Add("PUT", "/v1/requests/{id}/answer", {Role::kSupplier}, [ex](const ApiRequest& req) {
    return WithBody(
        req, ex->MayAnswer(ActorOf(req), PathParam(req, 0)), 200, codecs::DecodeAnswer,
        [&](const exchange::AnswerRequest& c) {
          return ex->Answer(ActorOf(req), PathParam(req, 0), c);
        },
        codecs::EncodeAnswerReceipt);
  });
  router.Add("POST", "/v1/requests/{id}/decline", {Role::kSupplier}, [ex](const ApiRequest& req) {
    return WithBody(
        req, ex->MayAnswer(ActorOf(req), PathParam(req, 0)), 200, codecs::DecodeDecline,
        [&](const exchange::DeclineRequest& c) {
          return ex->Decline(ActorOf(req), PathParam(req, 0), c);
        },
        codecs::EncodeDeclinedRequest);
  });
  router.Add("GET", "/v1/meetings/{id}/declaration", {Role::kParticipant},
             [ex](const ApiRequest& req) {
               return Respond(200, ex->GetDeclaration(ActorOf(req), PathParam(req, 0)),
                              codecs::EncodeDeclaration);
             });
  router.Add("POST", "/v1/meetings/{id}/declarations", {Role::kParticipant},
             [ex](const ApiRequest& req) {
               return WithBody(
                   req, ex->MaySignDeclaration(ActorOf(req), PathParam(req, 0)), 201,
                   codecs::DecodeSignDeclaration,
                   [&](const exchange::SignDeclaration& c) {
                     return ex->SignDeclaration(ActorOf(req), PathParam(req, 0), c);
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
        ex->DossierBodyAsync(ActorOf(req), PathParam(req, 0),
                             [d = resp.deferred](Result<exchange::SharedText> body) {
                               d->Complete(body.ok()
                                               ? ApiResponse::FromSharedText(200, std::move(*body))
                                               : ApiResponse::FromStatus(body.status()));
                             });
        return resp;
      },
      Dispatch::kInline);
}

}  // namespace vh::gw
