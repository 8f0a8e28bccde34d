#include "gateway/audit_routes.h"

#include <charconv>

#include "audit/audit_log.h"
#include "core/limits.h"
#include "crypto/hex.h"
#include "gateway/api_actor.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"

namespace vh::gw {
namespace {

std::string QueryParam(const ApiRequest& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

Result<int64_t> ParseCount(const std::string& s, const char* name) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) {
    return Status::InvalidArgument("bad_query", std::string(name) + " must be a whole number");
  }
  return v;
}

// The covenant snapshot for this request, or null.
std::shared_ptr<const policy::Covenant> CovenantOf(const Services& s) {
  return s.covenant ? s.covenant->Get() : nullptr;
}

// "" for the house's privacy officer (sees all), else the partner to scope to.
std::string ScopeOf(const ApiRequest& req, const policy::Covenant* cov) {
  if (cov != nullptr && cov->IsHouse(req.identity.partner)) return "";
  return req.identity.partner;
}

audit::Event QueryEvent(const ApiRequest& req, const policy::Covenant* cov, Json detail) {
  audit::Event e;
  e.type = audit::kAuditQuery;
  e.actor = ActorOf(req);
  if (cov != nullptr) e.covenant = CovenantRefOf(*cov);
  detail["route"] = req.route;
  e.detail = std::move(detail);
  e.outcome = "ok 200";
  return e;
}

// Filters from the query string; `shown` gets them as recorded in the audit
// event (a BSN only as its pseudonym).
Status ParseFilter(const ApiRequest& req, const audit::AuditLog& log, audit::QueryFilter* f,
                   Json* shown) {
  static const char* kKnown[] = {"bsn",  "subject", "partner", "meeting", "type",
                                 "from", "to",      "limit",   "cursor"};
  for (const auto& [k, v] : req.query) {
    bool known = false;
    for (const char* n : kKnown) known |= k == n;
    if (!known) return Status::InvalidArgument("bad_query", "unknown filter '" + k + "'");
  }
  std::string bsn = QueryParam(req, "bsn");
  if (!bsn.empty()) f->subject = log.pseudonymizer().SubjectPseudonym(bsn);
  if (std::string s = QueryParam(req, "subject"); !s.empty()) {
    if (!f->subject.empty() && f->subject != s) {
      return Status::InvalidArgument("bad_query", "bsn and subject name different people");
    }
    f->subject = s;
  }
  if (!f->subject.empty()) (*shown)["subject"] = f->subject;
  f->partner = QueryParam(req, "partner");
  f->meeting = QueryParam(req, "meeting");
  f->type = QueryParam(req, "type");
  if (!f->partner.empty()) (*shown)["partner"] = f->partner;
  if (!f->meeting.empty()) (*shown)["meeting"] = f->meeting;
  if (!f->type.empty()) (*shown)["type"] = f->type;
  for (const char* k : {"from", "to"}) {
    std::string v = QueryParam(req, k);
    if (v.empty()) continue;
    auto t = ParseUtc(v);
    if (!t)
      return Status::InvalidArgument("bad_query", std::string(k) + " is not an RFC 3339 time");
    (std::string(k) == "from" ? f->from : f->to) = *t;
    (*shown)[k] = v;
  }
  if (std::string v = QueryParam(req, "limit"); !v.empty()) {
    auto n = ParseCount(v, "limit");
    if (!n.ok()) return n.status();
    if (*n < 1 || *n > static_cast<int64_t>(limits::kMaxAuditPageSize)) {
      return Status::InvalidArgument(
          "bad_query", "limit must be 1.." + std::to_string(limits::kMaxAuditPageSize));
    }
    f->limit = static_cast<std::size_t>(*n);
  }
  if (std::string v = QueryParam(req, "cursor"); !v.empty()) {
    auto n = ParseCount(v, "cursor");
    if (!n.ok()) return n.status();
    f->after_seq = *n;
  }
  return Status::Ok();
}

}  // namespace

audit::CovenantRef CovenantRefOf(const policy::Covenant& c) {
  return audit::CovenantRef{c.id(), c.version(), c.sha256()};
}

audit::ReportContext ReportContextFromCovenant(const policy::Covenant& c) {
  audit::ReportContext ctx;
  ctx.house = c.house();
  ctx.covenant = CovenantRefOf(c);
  ctx.covenant_title = c.title();
  for (const auto& p : c.partners()) ctx.partner_names[p.id] = p.name;
  for (const auto& f : c.fields()) ctx.field_labels[f.id] = f.label;
  for (const auto& o : c.overlegvormen()) {
    ctx.overlegvormen[o.id] = audit::ReportContext::Overlegvorm{o.name, o.purpose, o.restricted};
  }
  return ctx;
}

void RegisterAuditRoutes(Router& router, Services& services) {
  Services* s = &services;

  router.Add("GET", "/v1/audit/events", {Role::kPrivacyOfficer}, [s](const ApiRequest& req) {
    auto cov = CovenantOf(*s);
    audit::QueryFilter f;
    Json shown = Json::object();
    Status st = ParseFilter(req, *s->audit, &f, &shown);
    if (!st.ok()) return ApiResponse::FromStatus(st);
    f.scope_partner = ScopeOf(req, cov.get());
    auto page = s->audit->Query(f);
    if (!page.ok()) return ApiResponse::FromStatus(page.status());
    Json events = Json::array();
    for (const auto& e : page->events) events.push_back(audit::EventToJson(e));
    audit::Event qe =
        QueryEvent(req, cov.get(),
                   {{"filters", shown}, {"scope", f.scope_partner}, {"results", events.size()}});
    qe.subject = f.subject;
    st = s->audit->Append(std::move(qe)).status();
    if (!st.ok()) return ApiResponse::FromStatus(st);  // nothing disclosed without its event
    Json body = {{"events", std::move(events)},
                 {"next_cursor",
                  page->next_cursor ? Json(std::to_string(page->next_cursor)) : Json(nullptr)}};
    return ApiResponse::FromJson(200, body);
  });

  router.Add("GET", "/v1/audit/report", {Role::kPrivacyOfficer}, [s](const ApiRequest& req) {
    auto cov = CovenantOf(*s);
    std::string bsn = QueryParam(req, "bsn");
    std::string format = QueryParam(req, "format");
    std::string copy = QueryParam(req, "copy");
    if (bsn.empty()) {
      return ApiResponse::FromStatus(Status::InvalidArgument("bad_query", "bsn is required"));
    }
    if (!format.empty() && format != "json" && format != "html") {
      return ApiResponse::FromStatus(
          Status::InvalidArgument("bad_query", "format must be json or html"));
    }
    if (!copy.empty() && copy != "officer" && copy != "subject") {
      return ApiResponse::FromStatus(
          Status::InvalidArgument("bad_query", "copy must be officer or subject"));
    }
    audit::QueryFilter f;
    f.subject = s->audit->pseudonymizer().SubjectPseudonym(bsn);
    f.scope_partner = ScopeOf(req, cov.get());
    f.chronological_all = true;
    auto page = s->audit->Query(f);
    if (!page.ok()) return ApiResponse::FromStatus(page.status());
    audit::ReportContext ctx = cov ? ReportContextFromCovenant(*cov) : audit::ReportContext{};
    audit::ReportOptions ro;
    ro.subject_copy = copy == "subject";
    Json report = audit::BuildAccessReport(page->events, ctx, ro, s->clock->Now());
    audit::Event qe = QueryEvent(req, cov.get(),
                                 {{"report", true},
                                  {"format", format.empty() ? "json" : format},
                                  {"copy", ro.subject_copy ? "subject" : "officer"},
                                  {"scope", f.scope_partner},
                                  {"entries", report["entries"].size()}});
    qe.subject = f.subject;
    Status st = s->audit->Append(std::move(qe)).status();
    if (!st.ok()) return ApiResponse::FromStatus(st);
    if (format == "html") {
      ApiResponse r;
      r.status = 200;
      r.content_type = "text/html; charset=utf-8";
      r.body = audit::RenderAccessReportHtml(report);
      return r;
    }
    return ApiResponse::FromJson(200, report);
  });

  router.Add("GET", "/v1/audit/verify", {Role::kPrivacyOfficer}, [s](const ApiRequest& req) {
    auto cov = CovenantOf(*s);
    auto rep = s->audit->Verify();
    if (!rep.ok()) return ApiResponse::FromStatus(rep.status());
    Json body = {{"intact", rep->intact}, {"events", rep->events}};
    if (rep->last_checkpoint) {
      const auto& cp = *rep->last_checkpoint;
      body["last_checkpoint"] = {{"seq", cp.seq},
                                 {"time", cp.time},
                                 {"hash", crypto::ToHex(cp.hash.data(), cp.hash.size())}};
    } else {
      body["last_checkpoint"] = nullptr;
    }
    if (!rep->intact) {
      body["problem"] = rep->problem;
      body["first_bad_seq"] = rep->first_bad_seq;
    }
    Status st =
        s->audit->Append(QueryEvent(req, cov.get(), {{"verify", true}, {"intact", rep->intact}}))
            .status();
    if (!st.ok()) return ApiResponse::FromStatus(st);
    return ApiResponse::FromJson(200, body);
  });
}

}  // namespace vh::gw
