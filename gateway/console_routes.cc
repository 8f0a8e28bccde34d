#include "gateway/console_routes.h"

#include <memory>

#include "audit/audit_service.h"
#include "exchange/exchange_service.h"
#include "gateway/api_actor.h"
#include "gateway/audit_routes.h"
#include "gateway/codecs/console_codec.h"
#include "gateway/route_util.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"

namespace vh::gw {
namespace {

audit::Requester ConsoleRequester(const ApiRequest& req) {
  audit::Requester who;
  who.actor = ActorOf(req);
  who.origin = {{"route", req.route}, {"method", req.method}};
  who.outcome = "ok 200";
  return who;
}

// The body's parameters for the audit service, or the response refusing it.
Result<audit::Params> AuditParamsOf(const ApiRequest& req) {
  auto body = ParseJson(req.body);
  if (!body.ok()) return body.status();
  return codecs::DecodeAuditParams(*body);
}

}  // namespace

void RegisterConsoleRoutes(Router& router, Services& services) {
  Services* s = &services;
  exchange::ExchangeService* ex = &services.exchange;
  auto audit_service = std::make_shared<const audit::AuditService>(s->audit, s->clock);

  router.Add(
      "GET", "/v1/me", kAnyRole,
      [s](const ApiRequest& req) {
        auto c = s->covenant.Get();
        const Identity& id = req.identity;
        const policy::Partner* p = c->FindPartner(id.partner);
        return ApiResponse::FromJson(200, {{"partner", id.partner},
                                           {"partner_name", p ? p->name : id.partner},
                                           {"role", id.role},
                                           {"cn", id.cn},
                                           {"fingerprint", id.fingerprint},
                                           {"house", c->IsHouse(id.partner)}});
      },
      Dispatch::kInline);

  router.Add("GET", "/v1/meetings?status", kAnyRole, [ex](const ApiRequest& req) {
    auto filter = codecs::DecodeMeetingListFilter(QueryParam(req, "status"));
    if (!filter.ok()) return ApiResponse::FromStatus(filter.status());
    return Respond(200, ex->ListMeetings(ActorOf(req), *filter), codecs::EncodeMeetingList);
  });

  router.Add(
      "GET", "/v1/meetings/{id}/requests", {Role::kCoordinator}, [ex](const ApiRequest& req) {
        const std::string& id = PathParam(req, 0);
        return Respond(200, ex->RequestBoard(ActorOf(req), id),
                       [&](const auto& board) { return codecs::EncodeRequestBoard(id, board); });
      });

  router.Add("POST", "/v1/audit/report", {Role::kPrivacyOfficer},
             [s, audit_service](const ApiRequest& req) {
               auto params = AuditParamsOf(req);
               if (!params.ok()) return ApiResponse::FromStatus(params.status());
               auto report = audit_service->Report(
                   ConsoleRequester(req), ReportContextFromCovenant(*s->covenant.Get()), *params);
               if (!report.ok()) return ApiResponse::FromStatus(report.status());
               if (report->html.empty()) return ApiResponse::FromJson(200, report->json);
               ApiResponse r = ApiResponse::FromText(200, std::move(report->html));
               r.content_type = "text/html; charset=utf-8";
               return r;
             });

  router.Add("POST", "/v1/audit/query", {Role::kPrivacyOfficer},
             [s, audit_service](const ApiRequest& req) {
               auto params = AuditParamsOf(req);
               if (!params.ok()) return ApiResponse::FromStatus(params.status());
               auto page = audit_service->Query(
                   ConsoleRequester(req), ReportContextFromCovenant(*s->covenant.Get()), *params);
               if (!page.ok()) return ApiResponse::FromStatus(page.status());
               return ApiResponse::FromJson(200, audit::QueryPageToJson(*page));
             });
}

}  // namespace vh::gw
