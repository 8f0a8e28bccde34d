#include "gateway/audit_routes.h"

#include <memory>

#include "audit/audit_log.h"
#include "audit/audit_service.h"
#include "exchange/events.h"
#include "gateway/api_actor.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"

namespace vh::gw {
namespace {

// The covenant in force for this request as the audit module takes it
// (house, stamp, labels).
audit::ReportContext ContextOf(const Services& s) {
  return ReportContextFromCovenant(*s.covenant.Get());
}

audit::Requester RequesterOf(const ApiRequest& req) {
  audit::Requester who;
  who.actor = ActorOf(req);
  who.origin = {{"route", req.route}};
  who.outcome = "ok 200";
  return who;
}

}  // namespace

audit::ReportContext ReportContextFromCovenant(const policy::Covenant& c) {
  audit::ReportContext ctx;
  ctx.house = c.house();
  ctx.covenant = exchange::CovenantRefOf(c);
  ctx.covenant_title = c.title();
  for (const auto& p : c.partners()) ctx.partner_names[p.id] = p.name;
  for (const auto& f : c.fields()) ctx.field_labels[f.id] = f.label;
  for (const auto& o : c.overlegvormen()) {
    ctx.overlegvormen[o.id] =
        audit::ReportContext::Overlegvorm{o.name, o.purpose, o.restricted, o.processing_activity};
  }
  for (const auto& n : c.notification_categories()) ctx.category_labels[n.id] = n.label;
  for (const auto& o : c.outcomes()) ctx.outcome_labels[o.id] = o.label;
  return ctx;
}

void RegisterAuditRoutes(Router& router, Services& services) {
  Services* s = &services;
  auto service = std::make_shared<const audit::AuditService>(s->audit, s->clock);

  router.Add("GET", "/v1/audit/events?*", {Role::kPrivacyOfficer},
             [s, service](const ApiRequest& req) {
               auto page = service->Query(RequesterOf(req), ContextOf(*s), req.query);
               if (!page.ok()) return ApiResponse::FromStatus(page.status());
               return ApiResponse::FromJson(200, audit::QueryPageToJson(*page));
             });

  router.Add("GET", "/v1/audit/report?*", {Role::kPrivacyOfficer},
             [s, service](const ApiRequest& req) {
               auto report = service->Report(RequesterOf(req), ContextOf(*s), req.query);
               if (!report.ok()) return ApiResponse::FromStatus(report.status());
               if (report->html.empty()) return ApiResponse::FromJson(200, report->json);
               ApiResponse r;
               r.status = 200;
               r.content_type = "text/html; charset=utf-8";
               r.body = std::move(report->html);
               return r;
             });

  router.Add("GET", "/v1/audit/verify", {Role::kPrivacyOfficer},
             [s, service](const ApiRequest& req) {
               auto rep = service->Verify(RequesterOf(req), ContextOf(*s));
               if (!rep.ok()) return ApiResponse::FromStatus(rep.status());
               return ApiResponse::FromJson(200, audit::VerifyReportToJson(*rep));
             });
}

}  // namespace vh::gw
