// Every route of the router, called by the wrong role, the wrong partner and
// the wrong person, and where it applies in the wrong state:
// each refusal has its status and error code, and exactly one access_refused
// event in the audit log naming the reason code and the caller. In process,
// through App::Handle (the router, the role checks, the handlers) with the
// real modules of a harness configuration: the example covenant, the audit
// log, the case store, the exchange. The route list comes from the router,
// so a route added without a case here fails the test.

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "audit/audit_log.h"
#include "crypto/primitives.h"
#include "gateway/app.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"
#include "tests/support/gateway_harness.h"

namespace vh::gw {
namespace {

using vh::testing::GatewayHarness;
using vh::testing::HarnessOptions;
using vh::testing::SyntheticBsn;

constexpr const char* kHouse = "veiligheidshuis-hm";

// A caller: certificate O, OU and CN.
struct Who {
  std::string partner, role, cn;
};
const Who kCoordinator{kHouse, "coordinator", "Informatiecoordinator-E"};
const Who kCoordinatorOutsideCircle{kHouse, "coordinator", "Informatiecoordinator-O"};

class RouteRefusalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    HarnessOptions o;
    o.start = false;
    gw_ = std::make_unique<GatewayHarness>(o);
    gw_->WriteConfig(Json::object());
    auto config = LoadConfig(gw_->config_path());
    ASSERT_TRUE(config.ok()) << config.status().message();
    auto app = App::Create(*config, clock_);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
  }

  ApiResponse Call(const Who& who, const std::string& method, const std::string& path,
                   const Json& body = nullptr) {
    return CallRaw(who, method, path, body.is_null() ? "" : DumpJson(body));
  }
  ApiResponse CallRaw(const Who& who, const std::string& method, const std::string& path,
                      std::string body) {
    ApiRequest r;
    r.method = method;
    auto q = path.find('?');
    r.path = path.substr(0, q);
    for (std::size_t at = q; at != std::string::npos;) {
      const std::size_t end = path.find('&', at + 1);
      std::string pair = path.substr(at + 1, end == std::string::npos ? end : end - at - 1);
      auto eq = pair.find('=');
      r.query[pair.substr(0, eq)] = pair.substr(eq + 1);
      at = end;
    }
    r.identity = {who.partner, who.role, who.cn, "", "fp-" + who.cn, "127.0.0.1:1"};
    r.body = std::move(body);
    ApiResponse resp = app_->Handle(std::move(r));
    if (!resp.deferred) return resp;
    std::promise<ApiResponse> done;
    auto f = done.get_future();
    resp.deferred->OnComplete([&done](ApiResponse x) { done.set_value(std::move(x)); });
    return f.get();
  }
  Json MeetingBody(const std::string& overlegvorm, bool ad_hoc) {
    Json m = {{"overlegvorm", overlegvorm},
              {"title", "Overleg (synthetisch)"},
              {"starts_at", "2026-01-01T09:00:00Z"},
              {"ends_at", "2099-01-01T12:00:00Z"},
              {"subjects",
               {{{"ref", "S1"},
                 {"identity",
                  {{"persoon.naam", "Synthetische Persoon"}, {"persoon.bsn", SyntheticBsn(61)}}},
                 {"reason", "melding (synthetisch)"},
                 {"municipality", "Leiden"}}}}};
    if (ad_hoc) m["ad_hoc"] = {"woningcorporatie"};
    return m;
  }
  std::string Create(const Json& body) {
    ApiResponse r = Call(kCoordinator, "POST", "/v1/meetings", body);
    EXPECT_EQ(r.status, 201) << r.Body();
    return Json::parse(r.Body()).value("id", "");
  }
  std::string SendRequests(const std::string& meeting) {
    ApiResponse r = Call(kCoordinator, "POST", "/v1/meetings/" + meeting + "/requests",
                         {{"deadline", "2099-01-01T00:00:00Z"}});
    EXPECT_EQ(r.status, 201) << r.Body();
    const Json sent = Json::parse(r.Body());
    for (const auto& q : sent["requests"]) {
      if (q["supplier"] == "politie") return q["id"];
    }
    ADD_FAILURE() << r.Body();
    return "";
  }
  // The access_refused events after `seq`.
  std::vector<audit::StoredEvent> RefusalsAfter(int64_t seq) {
    audit::QueryFilter f;
    f.type = audit::kAccessRefused;
    f.after_seq = seq;
    f.chronological_all = true;
    auto page = app_->services().audit.Query(f);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->events : std::vector<audit::StoredEvent>{};
  }

  SystemClock clock_;
  std::unique_ptr<GatewayHarness> gw_;
  std::unique_ptr<App> app_;
};

struct Case {
  std::string pattern;  // the route as the router names it
  std::string method;
  std::string path;  // concrete
  Who who;
  Json body;
  int status;
  std::string reason;  // the error code, and the event's detail.reason
  std::string kind;    // what is wrong: role, partner, person, state
};

TEST_F(RouteRefusalsTest, EveryRouteRefusesTheWrongCallerAndRecordsIt) {
  // A briefing with an ad hoc invitee, a radicalisering meeting (a circle),
  // a closed meeting; politie's requests in each.
  const std::string m = Create(MeetingBody("briefing", true));
  const std::string r = SendRequests(m);
  const std::string rad = Create(MeetingBody("radicalisering", false));
  const std::string rad_r = SendRequests(rad);
  const std::string closed = Create(MeetingBody("briefing", true));
  const std::string closed_r = SendRequests(closed);
  ASSERT_FALSE(m.empty() || r.empty() || rad_r.empty() || closed_r.empty())
      << m << " " << r << " " << rad << " " << rad_r << " " << closed << " " << closed_r;
  const Who politie_supplier{"politie", "supplier", "BVH-koppelvlak"};
  ASSERT_EQ(Call(politie_supplier, "PUT", "/v1/requests/" + r + "/answer",
                 {{"fields", {{"casus.bekend_bij_partner", true}}}})
                .status,
            200);
  ASSERT_EQ(
      Call(kCoordinator, "POST", "/v1/meetings/" + closed + "/close", {{"outcomes", Json::array()}})
          .status,
      200);
  const std::string sha = crypto::Sha256Hex(app_->services().covenant.Get()->declaration());
  const Who woco{"woningcorporatie", "participant", "Wijkconsulent-D"};
  ASSERT_EQ(
      Call(woco, "POST", "/v1/meetings/" + m + "/declarations", {{"text_sha256", sha}}).status,
      201);

  // Notifications and cases: a notification still new, one in a
  // case, a closed case, a case of the radicalisation circle.
  const Who politie_notifier{"politie", "participant", "J.de-Vries"};
  auto notify = [&](int seed) {
    ApiResponse r = Call(politie_notifier, "POST", "/v1/notifications",
                         {{"identity", {{"persoon.bsn", SyntheticBsn(seed)}}},
                          {"category", "aanhouding"},
                          {"reason", "aanhouding (synthetisch)"}});
    EXPECT_EQ(r.status, 201) << r.Body();
    return Json::parse(r.Body()).value("id", "");
  };
  auto triage = [&](const std::string& n, Json body) {
    ApiResponse r = Call(kCoordinator, "POST", "/v1/notifications/" + n + "/triage", body);
    EXPECT_EQ(r.status, 200) << r.Body();
    return Json::parse(r.Body()).value("case", "");
  };
  const std::string fresh = notify(71);
  const std::string triaged = notify(72);
  const std::string open_case = triage(triaged, {{"decision", "agenderen"}});
  const std::string closed_case = triage(notify(73), {{"decision", "agenderen"}});
  ASSERT_EQ(
      Call(kCoordinator, "POST", "/v1/cases/" + closed_case + "/close", {{"reason", "afgerond"}})
          .status,
      200);
  const std::string circle_case =
      triage(notify(74), {{"decision", "agenderen"}, {"overlegvorm", "radicalisering"}});
  ASSERT_FALSE(fresh.empty() || open_case.empty() || closed_case.empty() || circle_case.empty());
  const Json notification = {{"identity", {{"persoon.bsn", SyntheticBsn(75)}}},
                             {"category", "aanhouding"},
                             {"reason", "melding"}};
  const Json agenderen = {{"decision", "agenderen"}};
  const Json follow_up = {{"due", "2099-01-01"}, {"outcome", "gesproken"}};
  const Json close_case = {{"reason", "afgerond"}};
  const Json holder = {{"case_holder", "reclassering"}};
  const Json check = {{"bsn", SyntheticBsn(72)}};
  const std::string np = "/v1/notifications/" + fresh, cap = "/v1/cases/" + open_case,
                    ccp = "/v1/cases/" + closed_case, rcp = "/v1/cases/" + circle_case;
  const Who gouda{"gemeente-gouda", "participant", "Contactpersoon-Gouda"};
  const Who reclassering{"reclassering", "participant", "Toezichthouder-R"};
  const Who uwv_participant{"uwv", "participant", "Consulent-U"};

  const Json meeting = MeetingBody("briefing", true);
  const Json rad_meeting = MeetingBody("radicalisering", false);
  const Json requests = {{"deadline", "2099-01-01T00:00:00Z"}};
  const Json phase = {{"client_present", true}};
  const Json close = {{"outcomes", Json::array()}};
  const Json keep = {{"until", "2099-06-01"}, {"reason", "bezwaar"}};
  const Json answer = {{"fields", {{"casus.bekend_bij_partner", true}}}};
  const Json decline = {{"reason", "niet bekend"}};
  const Json sign = {{"text_sha256", sha}};
  const Who politie_participant{"politie", "participant", "J.de-Vries"};
  const Who politie_outside{"politie", "participant", "Wijkagent-M"};
  const Who politie_coordinator{"politie", "coordinator", "Iemand-P"};
  const Who uwv{"uwv", "participant", "Consulent-U"};
  const Who om_supplier{"om", "supplier", "OM-Compas"};
  const Who politie_system_outside{"politie", "supplier", "Ander-Systeem"};
  const Who woco_2{"woningcorporatie", "participant", "Wijkconsulent-L"};
  const Who officer{"politie", "privacy-officer", "FG-Politie"};
  const Who house_admin{kHouse, "admin", "Beheerder-G"};
  const Who politie_admin{"politie", "admin", "Beheerder-Politie"};
  const Who politie_janitor{"politie", "janitor", "X"};  // a role no route knows
  const Who woco_supplier{"woningcorporatie", "supplier", "Huurdersadministratie"};
  const Who stranger{"onbekend", "participant", "X"};  // a partner the covenant does not know
  const Who stranger_system{"onbekend", "supplier", "X"};
  const std::string mp = "/v1/meetings/" + m, radp = "/v1/meetings/" + rad,
                    cp = "/v1/meetings/" + closed;

  const std::vector<Case> cases = {
      // GET /v1/health: any role; an unknown partner is 401.
      {"/v1/health", "GET", "/v1/health", stranger, nullptr, 401, "unauthenticated", "partner"},
      {"/v1/health", "GET", "/v1/health", politie_janitor, nullptr, 403, "forbidden", "role"},
      // Meetings.
      {"/v1/meetings", "POST", "/v1/meetings", politie_participant, meeting, 403, "forbidden",
       "role"},
      {"/v1/meetings", "POST", "/v1/meetings", politie_coordinator, meeting, 403, "forbidden",
       "partner"},
      {"/v1/meetings", "POST", "/v1/meetings", kCoordinatorOutsideCircle, rad_meeting, 403,
       "not_in_circle", "person"},
      {"/v1/meetings/{id}", "GET", mp, politie_supplier, nullptr, 403, "forbidden", "role"},
      {"/v1/meetings/{id}", "GET", mp, uwv, nullptr, 403, "forbidden", "partner"},
      {"/v1/meetings/{id}", "GET", radp, politie_outside, nullptr, 403, "not_in_circle", "person"},
      {"/v1/meetings/{id}", "GET", cp, politie_participant, nullptr, 403, "meeting_closed",
       "state"},
      {"/v1/meetings/{id}/requests", "POST", mp + "/requests", politie_participant, requests, 403,
       "forbidden", "role"},
      {"/v1/meetings/{id}/requests", "POST", mp + "/requests", politie_coordinator, requests, 403,
       "forbidden", "partner"},
      {"/v1/meetings/{id}/requests", "POST", radp + "/requests", kCoordinatorOutsideCircle,
       requests, 403, "not_in_circle", "person"},
      {"/v1/meetings/{id}/requests", "POST", cp + "/requests", kCoordinator, requests, 409,
       "meeting_closed", "state"},
      {"/v1/meetings/{id}/phase", "PUT", mp + "/phase", politie_participant, phase, 403,
       "forbidden", "role"},
      {"/v1/meetings/{id}/phase", "PUT", mp + "/phase", politie_coordinator, phase, 403,
       "forbidden", "partner"},
      {"/v1/meetings/{id}/phase", "PUT", radp + "/phase", kCoordinatorOutsideCircle, phase, 403,
       "not_in_circle", "person"},
      // The store's refusal, recorded by the exchange's facade.
      {"/v1/meetings/{id}/phase", "PUT", cp + "/phase", kCoordinator, phase, 409, "meeting_closed",
       "state"},
      {"/v1/meetings/{id}/close", "POST", mp + "/close", politie_participant, close, 403,
       "forbidden", "role"},
      {"/v1/meetings/{id}/close", "POST", mp + "/close", politie_coordinator, close, 403,
       "forbidden", "partner"},
      {"/v1/meetings/{id}/close", "POST", radp + "/close", kCoordinatorOutsideCircle, close, 403,
       "not_in_circle", "person"},
      {"/v1/meetings/{id}/close", "POST", cp + "/close", kCoordinator, close, 409, "meeting_closed",
       "state"},
      {"/v1/meetings/{id}/retention", "POST", cp + "/retention", politie_participant, keep, 403,
       "forbidden", "role"},
      {"/v1/meetings/{id}/retention", "POST", cp + "/retention", politie_coordinator, keep, 403,
       "forbidden", "partner"},
      {"/v1/meetings/{id}/retention", "POST", radp + "/retention", kCoordinatorOutsideCircle, keep,
       403, "not_in_circle", "person"},
      {"/v1/meetings/{id}/retention", "POST", mp + "/retention", kCoordinator, keep, 409,
       "meeting_not_closed", "state"},
      // Requests.
      {"/v1/requests", "GET", "/v1/requests?status=open", politie_participant, nullptr, 403,
       "forbidden", "role"},
      {"/v1/requests/{id}/answer", "PUT", "/v1/requests/" + r + "/answer", politie_participant,
       answer, 403, "forbidden", "role"},
      {"/v1/requests/{id}/answer", "PUT", "/v1/requests/" + r + "/answer", om_supplier, answer, 403,
       "forbidden", "partner"},
      {"/v1/requests/{id}/answer", "PUT", "/v1/requests/" + rad_r + "/answer",
       politie_system_outside, answer, 403, "not_in_circle", "person"},
      {"/v1/requests/{id}/answer", "PUT", "/v1/requests/" + closed_r + "/answer", politie_supplier,
       answer, 409, "meeting_closed", "state"},
      {"/v1/requests/{id}/decline", "POST", "/v1/requests/" + r + "/decline", politie_participant,
       decline, 403, "forbidden", "role"},
      {"/v1/requests/{id}/decline", "POST", "/v1/requests/" + r + "/decline", om_supplier, decline,
       403, "forbidden", "partner"},
      {"/v1/requests/{id}/decline", "POST", "/v1/requests/" + rad_r + "/decline",
       politie_system_outside, decline, 403, "not_in_circle", "person"},
      {"/v1/requests/{id}/decline", "POST", "/v1/requests/" + r + "/decline", politie_supplier,
       decline, 409, "already_answered", "state"},
      // Declarations: ad hoc participants only.
      {"/v1/meetings/{id}/declaration", "GET", mp + "/declaration", woco_supplier, nullptr, 403,
       "forbidden", "role"},
      {"/v1/meetings/{id}/declaration", "GET", mp + "/declaration", politie_participant, nullptr,
       403, "forbidden", "partner"},
      {"/v1/meetings/{id}/declaration", "GET", cp + "/declaration", woco, nullptr, 403,
       "meeting_closed", "state"},
      {"/v1/meetings/{id}/declarations", "POST", mp + "/declarations", woco_supplier, sign, 403,
       "forbidden", "role"},
      {"/v1/meetings/{id}/declarations", "POST", mp + "/declarations", politie_participant, sign,
       403, "forbidden", "partner"},
      // The dossier.
      {"/v1/meetings/{id}/dossier", "GET", mp + "/dossier", politie_supplier, nullptr, 403,
       "forbidden", "role"},
      {"/v1/meetings/{id}/dossier", "GET", mp + "/dossier", uwv, nullptr, 403, "forbidden",
       "partner"},
      {"/v1/meetings/{id}/dossier", "GET", mp + "/dossier", woco_2, nullptr, 403,
       "declaration_not_signed", "person"},
      {"/v1/meetings/{id}/dossier", "GET", radp + "/dossier", politie_outside, nullptr, 403,
       "not_in_circle", "person"},
      {"/v1/meetings/{id}/dossier", "GET", cp + "/dossier", politie_participant, nullptr, 403,
       "meeting_closed", "state"},
      // The audit log: privacy officers only.
      {"/v1/audit/events", "GET", "/v1/audit/events", politie_participant, nullptr, 403,
       "forbidden", "role"},
      {"/v1/audit/report", "GET", "/v1/audit/report?bsn=" + SyntheticBsn(61), kCoordinator, nullptr,
       403, "forbidden", "role"},
      {"/v1/audit/verify", "GET", "/v1/audit/verify", house_admin, nullptr, 403, "forbidden",
       "role"},
      // The console's routes. Those any certificate role may call refuse a
      // partner the covenant does not know; the others the wrong role.
      {"/v1/me", "GET", "/v1/me", stranger, nullptr, 401, "unauthenticated", "partner"},
      {"/v1/meetings", "GET", "/v1/meetings?status=open", stranger, nullptr, 401, "unauthenticated",
       "partner"},
      {"/v1/meetings/{id}/requests", "GET", mp + "/requests", politie_participant, nullptr, 403,
       "forbidden", "role"},
      {"/v1/meetings/{id}/requests", "GET", mp + "/requests", politie_coordinator, nullptr, 403,
       "forbidden", "partner"},
      {"/v1/meetings/{id}/requests", "GET", radp + "/requests", kCoordinatorOutsideCircle, nullptr,
       403, "not_in_circle", "person"},
      // The OpenAPI description: any certificate role.
      {"/v1/openapi.json", "GET", "/v1/openapi.json", stranger_system, nullptr, 401,
       "unauthenticated", "partner"},
      {"/v1/covenant", "GET", "/v1/covenant", stranger, nullptr, 401, "unauthenticated", "partner"},
      {"/v1/covenant/fields", "GET", "/v1/covenant/fields?overlegvorm=briefing", stranger, nullptr,
       401, "unauthenticated", "partner"},
      {"/v1/covenant/matrix", "GET", "/v1/covenant/matrix", politie_supplier, nullptr, 403,
       "forbidden", "role"},
      {"/v1/covenant/diff", "POST", "/v1/covenant/diff", politie_participant, Json{{"text", "{}"}},
       403, "forbidden", "role"},
      {"/v1/audit/report", "POST", "/v1/audit/report", kCoordinator,
       Json{{"bsn", SyntheticBsn(62)}}, 403, "forbidden", "role"},
      {"/v1/audit/query", "POST", "/v1/audit/query", politie_participant, Json::object(), 403,
       "forbidden", "role"},
      {"/", "GET", "/", stranger, nullptr, 401, "unauthenticated", "partner"},
      {"/console/{name}", "GET", "/console/app.js", stranger, nullptr, 401, "unauthenticated",
       "partner"},
      {"/console/{dir}/{name}", "GET", "/console/screens/x.js", stranger, nullptr, 401,
       "unauthenticated", "partner"},
      // Notifications.
      {"/v1/notifications", "POST", "/v1/notifications", kCoordinator, notification, 403,
       "forbidden", "role"},
      {"/v1/notifications", "POST", "/v1/notifications", uwv_participant, notification, 403,
       "not_signatory", "partner"},
      {"/v1/notifications", "GET", "/v1/notifications?status=new", politie_notifier, nullptr, 403,
       "forbidden", "role"},
      {"/v1/notifications", "GET", "/v1/notifications", politie_coordinator, nullptr, 403,
       "forbidden", "partner"},
      {"/v1/notifications/{id}", "GET", np, officer, nullptr, 403, "forbidden", "role"},
      {"/v1/notifications/{id}", "GET", np, om_supplier, nullptr, 403, "not_notifier", "partner"},
      {"/v1/notifications/{id}/triage", "POST", np + "/triage", politie_notifier, agenderen, 403,
       "forbidden", "role"},
      {"/v1/notifications/{id}/triage", "POST", np + "/triage", politie_coordinator, agenderen, 403,
       "forbidden", "partner"},
      {"/v1/notifications/{id}/triage", "POST", "/v1/notifications/" + triaged + "/triage",
       kCoordinator, agenderen, 409, "already_triaged", "state"},
      // Cases.
      {"/v1/cases", "GET", "/v1/cases?status=open", politie_supplier, nullptr, 403, "forbidden",
       "role"},
      {"/v1/cases/{id}", "GET", cap, politie_supplier, nullptr, 403, "forbidden", "role"},
      {"/v1/cases/{id}", "GET", cap, gouda, nullptr, 403, "not_routed", "partner"},
      {"/v1/cases/{id}", "GET", rcp, kCoordinatorOutsideCircle, nullptr, 403, "not_in_circle",
       "person"},
      {"/v1/cases/{id}/follow-up", "POST", cap + "/follow-up", politie_notifier, follow_up, 403,
       "forbidden", "role"},
      {"/v1/cases/{id}/follow-up", "POST", cap + "/follow-up", politie_coordinator, follow_up, 403,
       "forbidden", "partner"},
      {"/v1/cases/{id}/follow-up", "POST", rcp + "/follow-up", kCoordinatorOutsideCircle, follow_up,
       403, "not_in_circle", "person"},
      {"/v1/cases/{id}/follow-up", "POST", ccp + "/follow-up", kCoordinator, follow_up, 409,
       "case_closed", "state"},
      {"/v1/cases/{id}/close", "POST", cap + "/close", politie_notifier, close_case, 403,
       "forbidden", "role"},
      {"/v1/cases/{id}/close", "POST", cap + "/close", politie_coordinator, close_case, 403,
       "forbidden", "partner"},
      {"/v1/cases/{id}/close", "POST", rcp + "/close", kCoordinatorOutsideCircle, close_case, 403,
       "not_in_circle", "person"},
      {"/v1/cases/{id}/close", "POST", ccp + "/close", kCoordinator, close_case, 409, "case_closed",
       "state"},
      {"/v1/cases/{id}/holder", "POST", cap + "/holder", politie_notifier, holder, 403, "forbidden",
       "role"},
      {"/v1/cases/{id}/holder", "POST", cap + "/holder", politie_coordinator, holder, 403,
       "forbidden", "partner"},
      {"/v1/cases/{id}/holder", "POST", ccp + "/holder", kCoordinator, holder, 409, "case_closed",
       "state"},
      // Known or not: partners with check: true only.
      {"/v1/check", "POST", "/v1/check", kCoordinator, check, 403, "forbidden", "role"},
      {"/v1/check", "POST", "/v1/check", reclassering, check, 403, "check_not_allowed", "partner"},
      {"/v1/check", "GET", "/v1/check?bsn=" + SyntheticBsn(72), kCoordinator, nullptr, 403,
       "forbidden", "role"},
      {"/v1/check", "GET", "/v1/check?bsn=" + SyntheticBsn(72), reclassering, nullptr, 403,
       "check_not_allowed", "partner"},
      // Figures: the house and a gemeente's participants.
      {"/v1/statistics", "GET", "/v1/statistics?from=2026-01-01&to=2026-12-31", politie_supplier,
       nullptr, 403, "forbidden", "role"},
      {"/v1/statistics", "GET", "/v1/statistics?from=2026-01-01&to=2026-12-31", politie_notifier,
       nullptr, 403, "statistics_not_allowed", "partner"},
      // Administration: the house's admin only.
      {"/v1/admin/policy/reload", "POST", "/v1/admin/policy/reload", officer, nullptr, 403,
       "forbidden", "role"},
      {"/v1/admin/policy/reload", "POST", "/v1/admin/policy/reload", politie_admin, nullptr, 403,
       "admin_not_house", "partner"},
  };

  std::map<std::string, std::set<std::string>> kinds;  // route -> kinds of wrong covered
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path + " as " + c.who.partner + "/" + c.who.role + "/" +
                 c.who.cn + " (" + c.kind + ")");
    const int64_t before = app_->services().audit.last_seq();
    ApiResponse resp = Call(c.who, c.method, c.path, c.body);
    EXPECT_EQ(resp.status, c.status) << resp.Body();
    const Json err = Json::parse(resp.Body(), nullptr, false);
    ASSERT_TRUE(err.is_object() && err.contains("error")) << resp.Body();
    EXPECT_EQ(err["error"]["code"], c.reason) << resp.Body();
    const auto events = RefusalsAfter(before);
    ASSERT_EQ(events.size(), 1u) << "one access_refused event per refusal";
    const audit::Event& e = events[0].event;
    EXPECT_EQ(e.detail.value("reason", ""), c.reason);
    EXPECT_EQ(e.actor.partner, c.who.partner);
    EXPECT_EQ(e.actor.role, c.who.role);
    EXPECT_EQ(e.actor.cn, c.who.cn);
    EXPECT_EQ(e.outcome, "refused " + std::to_string(c.status));
    // Where it was refused, whichever layer refused it (an unknown role or
    // partner before any route is looked up).
    const bool unrouted = c.who.role == "janitor" || c.who.partner == "onbekend";
    EXPECT_EQ(e.detail.value("method", ""), c.method);
    EXPECT_EQ(e.detail.value("route", ""), unrouted ? "unmatched" : c.pattern);
    kinds[c.method + " " + c.pattern].insert(c.kind);
  }

  // Every route of the router has its refusals here.
  for (const auto& route : app_->router().Routes()) {
    const std::string key = route.method + " " + route.pattern;
    ASSERT_TRUE(kinds.count(key)) << key << " has no refusal case";
    if (route.roles.size() < 5) {
      EXPECT_TRUE(kinds[key].count("role")) << key << ": no wrong-role case";
    }
  }
  auto verified = app_->services().audit.Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
}

// An answer or decline from another partner's system: refused for whose
// request it is (403, audited) before the body is read; a request that does
// not exist is 404 whatever the body. The owner's malformed body is the
// body's error.
TEST_F(RouteRefusalsTest, RequestsRefuseOtherSuppliersBeforeReadingTheBody) {
  const std::string r = SendRequests(Create(MeetingBody("briefing", false)));
  ASSERT_FALSE(r.empty());
  const Who politie_supplier{"politie", "supplier", "BVH-koppelvlak"};
  const Who om_supplier{"om", "supplier", "OM-Compas"};
  struct Try {
    Who who;
    std::string id;
    int status;
    std::string code;
    bool refusal;
  };
  for (const Try& t : {Try{om_supplier, r, 403, "forbidden", true},
                       Try{om_supplier, "req-onbekend", 404, "not_found", false},
                       Try{politie_supplier, r, 400, "malformed_json", false}}) {
    for (const auto& [method, verb] : {std::pair{"PUT", "answer"}, std::pair{"POST", "decline"}}) {
      SCOPED_TRACE(std::string(method) + " " + t.id + "/" + verb + " as " + t.who.partner);
      const int64_t before = app_->services().audit.last_seq();
      ApiResponse resp = CallRaw(t.who, method, "/v1/requests/" + t.id + "/" + verb, "{");
      EXPECT_EQ(resp.status, t.status) << resp.Body();
      const Json err = Json::parse(resp.Body(), nullptr, false);
      ASSERT_TRUE(err.is_object() && err.contains("error")) << resp.Body();
      EXPECT_EQ(err["error"]["code"], t.code);
      EXPECT_EQ(RefusalsAfter(before).size(), t.refusal ? 1u : 0u);
    }
  }
}

// A participant not invited to sign for a meeting is refused (403,
// audited) before the body of its signature is read.
TEST_F(RouteRefusalsTest, DeclarationsRefuseTheUninvitedBeforeReadingTheBody) {
  const std::string m = Create(MeetingBody("briefing", true));  // woningcorporatie ad hoc
  const Who woco{"woningcorporatie", "participant", "Wijkconsulent-D"};
  const Who uwv{"uwv", "participant", "Consulent-U"};
  const std::string path = "/v1/meetings/" + m + "/declarations";
  for (const char* body : {"{", R"({"onbekend": 1})"}) {
    SCOPED_TRACE(body);
    const int64_t before = app_->services().audit.last_seq();
    ApiResponse resp = CallRaw(uwv, "POST", path, body);
    EXPECT_EQ(resp.status, 403) << resp.Body();
    EXPECT_EQ(RefusalsAfter(before).size(), 1u);
    // The invited one gets the body's error, and no refusal.
    const int64_t before_invited = app_->services().audit.last_seq();
    ApiResponse own = CallRaw(woco, "POST", path, body);
    EXPECT_TRUE(own.status == 400 || own.status == 422) << own.Body();
    EXPECT_EQ(RefusalsAfter(before_invited).size(), 0u);
  }
}

// A partner the covenant does not let check whether a person is known is
// refused (403, audited) whatever it asks: a malformed body or a BSN that
// fails the 11-proef does not get it the body's error first.
TEST_F(RouteRefusalsTest, CheckRefusesPartnersWithoutItBeforeReadingTheQuestion) {
  const Who reclassering{"reclassering", "participant", "Toezichthouder-R"};
  const std::vector<std::pair<std::string, std::string>> asks = {
      {"POST", "{"}, {"POST", R"({"bsn": "123456789"})"}, {"POST", R"({"onbekend": 1})"}};
  for (const auto& [method, body] : asks) {
    SCOPED_TRACE(method + " " + body);
    const int64_t before = app_->services().audit.last_seq();
    ApiResponse resp = CallRaw(reclassering, method, "/v1/check", body);
    EXPECT_EQ(resp.status, 403) << resp.Body();
    EXPECT_EQ(Json::parse(resp.Body())["error"]["code"], "check_not_allowed");
    EXPECT_EQ(RefusalsAfter(before).size(), 1u);
  }
  const int64_t before = app_->services().audit.last_seq();
  ApiResponse resp = CallRaw(reclassering, "GET", "/v1/check?bsn=123456789", "");
  EXPECT_EQ(resp.status, 403) << resp.Body();
  EXPECT_EQ(RefusalsAfter(before).size(), 1u);
}

// A route of the house's roles only (coordinator, admin), called by another
// partner's certificate of that role: refused for who it is (403, one
// access_refused event) before the body is read, whatever the body.
TEST_F(RouteRefusalsTest, HouseRoutesRefuseOtherPartnersBeforeReadingTheBody) {
  int house_routes = 0;
  for (const auto& route : app_->router().Routes()) {
    // The router's own rule, checked against the roles as added.
    const bool house_roles = std::all_of(route.roles.begin(), route.roles.end(), [](Role r) {
      return r == Role::kCoordinator || r == Role::kAdmin;
    });
    ASSERT_EQ(route.house_only, house_roles) << route.method << " " << route.pattern;
    if (!route.house_only) continue;
    ++house_routes;
    const bool admin = route.roles == Roles{Role::kAdmin};
    const Who who{"politie", admin ? "admin" : "coordinator", "Iemand-Politie"};
    std::string path;
    for (std::string_view seg : Router::SplitPath(route.pattern).at) {
      if (!seg.empty()) path += "/" + std::string(Router::IsParam(seg) ? "x" : seg);
    }
    for (const char* body : {"{", R"({"onbekend": 1})", ""}) {
      SCOPED_TRACE(route.method + " " + path + " with body '" + body + "'");
      const int64_t before = app_->services().audit.last_seq();
      ApiResponse resp = CallRaw(who, route.method, path, body);
      EXPECT_EQ(resp.status, 403) << resp.Body();
      const Json err = Json::parse(resp.Body(), nullptr, false);
      ASSERT_TRUE(err.is_object() && err.contains("error")) << resp.Body();
      EXPECT_EQ(err["error"]["code"], admin ? "admin_not_house" : "forbidden");
      const auto events = RefusalsAfter(before);
      ASSERT_EQ(events.size(), 1u);
      EXPECT_EQ(events[0].event.detail.value("route", ""), route.pattern);
      EXPECT_EQ(events[0].event.actor.partner, "politie");
    }
  }
  EXPECT_GE(house_routes, 10);
}

}  // namespace
}  // namespace vh::gw
