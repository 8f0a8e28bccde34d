#include "gateway/case_routes.h"

#include "exchange/case_service.h"
#include "exchange/exchange_service.h"
#include "gateway/api_actor.h"
#include "gateway/codecs/case_codec.h"
#include "gateway/codecs/figures_codec.h"
#include "gateway/route_util.h"

namespace vh::gw {
void RegisterCaseRoutes(Router& router, Services& services) {
  exchange::CaseService* cs = &services.exchange.cases();

  // --- notifications ------------------------------------------------------------
  router.Add("POST", "/v1/notifications", {Role::kSupplier, Role::kParticipant},
             [cs](const ApiRequest& req) {
               return WithBody(
                   req, 201, codecs::DecodeNotify,
                   [&](const exchange::Notify& c) { return cs->Notify(ActorOf(req), c); },
                   codecs::EncodeNotificationReceipt);
             });
  router.Add("GET", "/v1/notifications?status", {Role::kCoordinator}, [cs](const ApiRequest& req) {
    auto filter = codecs::DecodeNotificationFilter(QueryParam(req, "status"));
    if (!filter.ok()) return ApiResponse::FromStatus(filter.status());
    return Respond(200, cs->ListNotifications(ActorOf(req), *filter),
                   codecs::EncodeNotificationList);
  });
  router.Add("GET", "/v1/notifications/{id}",
             {Role::kSupplier, Role::kParticipant, Role::kCoordinator},
             [cs](const ApiRequest& req) {
               return Respond(200, cs->GetNotification(ActorOf(req), PathParam(req, 0)),
                              codecs::EncodeNotificationFeedback);
             });
  router.Add("POST", "/v1/notifications/{id}/triage", {Role::kCoordinator},
             [cs](const ApiRequest& req) {
               return WithBody(
                   req, 200, codecs::DecodeTriage,
                   [&](const exchange::Triage& c) {
                     return cs->Triage(ActorOf(req), PathParam(req, 0), c);
                   },
                   codecs::EncodeTriageResult);
             });

  // --- cases --------------------------------------------------------------------
  router.Add("GET", "/v1/cases?status", {Role::kCoordinator, Role::kParticipant},
             [cs](const ApiRequest& req) {
               auto filter = codecs::DecodeCaseFilter(QueryParam(req, "status"));
               if (!filter.ok()) return ApiResponse::FromStatus(filter.status());
               return Respond(200, cs->ListCases(ActorOf(req), *filter), codecs::EncodeCaseList);
             });
  router.Add("GET", "/v1/cases/{id}", {Role::kCoordinator, Role::kParticipant},
             [cs](const ApiRequest& req) {
               return Respond(200, cs->GetCase(ActorOf(req), PathParam(req, 0)),
                              codecs::EncodeCase);
             });
  router.Add("POST", "/v1/cases/{id}/follow-up", {Role::kCoordinator}, [cs](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeCompleteFollowUp,
        [&](const exchange::CompleteFollowUp& c) {
          return cs->CompleteFollowUp(ActorOf(req), PathParam(req, 0), c);
        },
        codecs::EncodeFollowUpItem);
  });
  router.Add("POST", "/v1/cases/{id}/close", {Role::kCoordinator}, [cs](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeCloseCase,
        [&](const exchange::CloseCase& c) {
          return cs->CloseCase(ActorOf(req), PathParam(req, 0), c);
        },
        codecs::EncodeClosedCase);
  });
  router.Add("POST", "/v1/cases/{id}/holder", {Role::kCoordinator}, [cs](const ApiRequest& req) {
    return WithBody(
        req, 200, codecs::DecodeNameCaseHolder,
        [&](const exchange::NameCaseHolder& c) {
          return cs->NameCaseHolder(ActorOf(req), PathParam(req, 0), c);
        },
        codecs::EncodeCase);
  });

  // --- known or not: POST preferred (no BSN in a URL) ------------------------------
  router.Add("POST", "/v1/check", {Role::kSupplier, Role::kParticipant},
             [cs](const ApiRequest& req) {
               return WithBody(
                   req, cs->MayCheck(ActorOf(req)), 200, codecs::DecodeKnownCheck,
                   [&](const exchange::KnownCheck& c) { return cs->Check(ActorOf(req), c); },
                   codecs::EncodeKnownAnswer);
             });
  router.Add("GET", "/v1/check?bsn", {Role::kSupplier, Role::kParticipant},
             [cs](const ApiRequest& req) {
               if (Status may = cs->MayCheck(ActorOf(req)); !may.ok()) {
                 return ApiResponse::FromStatus(may);
               }
               auto command = codecs::DecodeKnownCheckQuery(req.query);
               if (!command.ok()) return ApiResponse::FromStatus(command.status());
               return Respond(200, cs->Check(ActorOf(req), *command), codecs::EncodeKnownAnswer);
             });

  // --- figures ------------------------------------------------------------------
  router.Add("GET", "/v1/statistics?from&to", {Role::kCoordinator, Role::kParticipant},
             [cs](const ApiRequest& req) {
               auto query = codecs::DecodeFiguresQuery(
                   QueryParam(req, "from"), QueryParam(req, "to"), req.query.count("from") > 0,
                   req.query.count("to") > 0);
               if (!query.ok()) return ApiResponse::FromStatus(query.status());
               return Respond(200, cs->Statistics(ActorOf(req), *query), codecs::EncodeFigures);
             });
}

}  // namespace vh::gw
