// docs/openapi.json and the gateway kept in step: every route of the router
// is an operation of the description with the same roles, and every
// operation a route (a route added without its description fails here,
// naming it: add it to docs/openapi.json); the schemas use only what
// valijson checks; every schema compiles with its references resolved; the
// codecs' request bodies match the description's; GET /v1/openapi.json
// serves the file. (The end-to-end tests check every response they receive:
// tests/support/openapi_check.h.)

#include "gateway/openapi.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include "crypto/primitives.h"
#include "gateway/app.h"
#include "gateway/codecs/declaration_codec.h"
#include "gateway/codecs/meeting_codec.h"
#include "gateway/codecs/request_codec.h"
#include "gateway/codecs/retention_codec.h"
#include "gateway/openapi_route.h"
#include "tests/support/gateway_harness.h"
#include "tests/support/openapi_check.h"

namespace vh::gw {
namespace {

using vh::testing::GatewayHarness;
using vh::testing::HarnessOptions;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string RoleList(const Roles& roles) {
  std::set<std::string> names;
  for (Role r : roles) names.insert(std::string(RoleName(r)));
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::string RoleList(const std::vector<std::string>& roles) {
  std::set<std::string> names(roles.begin(), roles.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    HarnessOptions o;
    o.start = false;
    gw_ = std::make_unique<GatewayHarness>(o);
    auto config = LoadConfig(gw_->config_path());
    ASSERT_TRUE(config.ok()) << config.status().message();
    auto app = App::Create(*config, clock_);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
  }
  SystemClock clock_;
  std::unique_ptr<GatewayHarness> gw_;
  std::unique_ptr<App> app_;
};

TEST_F(OpenApiTest, EveryRouteIsDescribedWithItsRolesAndNothingElse) {
  const OpenApiDescription& d = OpenApiDescription::Shipped();
  std::map<std::string, std::string> described;  // "GET /v1/me" -> roles
  for (const auto& op : d.Operations()) described[op.method + " " + op.path] = RoleList(op.roles);
  std::set<std::string> routed;
  for (const Router::RouteInfo& r : app_->router().Routes()) {
    const std::string key = r.method + " " + r.pattern;
    routed.insert(key);
    auto it = described.find(key);
    if (it == described.end()) {
      ADD_FAILURE() << key << " is a route of the router but not in docs/openapi.json: "
                    << "add the operation (its x-roles, security, parameters, bodies, responses)";
      continue;
    }
    EXPECT_EQ(it->second, RoleList(r.roles)) << key << ": x-roles differ from the router's roles";
  }
  for (const auto& [key, roles] : described) {
    EXPECT_TRUE(routed.count(key))
        << key << " is in docs/openapi.json but the router has no such route";
  }
}

TEST_F(OpenApiTest, EveryRouteTakesTheQueryParametersDescribed) {
  const Json& doc = OpenApiDescription::Shipped().doc();
  for (const Router::RouteInfo& r : app_->router().Routes()) {
    if (r.any_query) continue;  // the console's files; the audit routes check their own
    std::string lower = r.method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!doc["paths"].contains(r.pattern) || !doc["paths"][r.pattern].contains(lower)) continue;
    std::set<std::string> described;
    for (const Json& p : doc["paths"][r.pattern][lower].value("parameters", Json::array())) {
      if (p.value("in", "") == "query") described.insert(p.value("name", ""));
    }
    EXPECT_EQ(described, std::set<std::string>(r.query.begin(), r.query.end()))
        << r.method << " " << r.pattern
        << ": the router's query parameters differ from docs/openapi.json";
  }
}

TEST_F(OpenApiTest, OperationsNameTheirRolesAsSecurityRequirements) {
  const Json& doc = OpenApiDescription::Shipped().doc();
  EXPECT_EQ(doc["components"]["securitySchemes"]["clientCertificate"]["type"], "mutualTLS");
  for (const auto& op : OpenApiDescription::Shipped().Operations()) {
    std::string lower = op.method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const Json& o = doc["paths"][op.path][lower];
    const Json& security = o.contains("security") ? o["security"] : doc["security"];
    std::vector<std::string> roles;
    for (const Json& req : security) {
      for (const Json& r : req["clientCertificate"]) roles.push_back(r.get<std::string>());
    }
    if (roles.empty()) {  // the default: any certificate role
      EXPECT_EQ(op.roles.size(), kAnyRole.size()) << op.method << " " << op.path;
    } else {
      EXPECT_EQ(RoleList(roles), RoleList(op.roles)) << op.method << " " << op.path;
    }
    EXPECT_TRUE(o.contains("responses") && o["responses"].contains("default"))
        << op.method << " " << op.path << ": errors are described by a default response";
  }
}

TEST(OpenApiDescriptionTest, SchemasUseOnlyWhatValijsonChecks) {
  EXPECT_EQ(OpenApiDescription::Shipped().UnsupportedKeywords(), std::vector<std::string>{});
  // 2020-12 keywords valijson does not know would pass unchecked: named.
  auto d = OpenApiDescription::Parse(R"({"paths": {}, "components": {"schemas": {
      "A": {"type": "array", "prefixItems": [{"type": "string"}]},
      "B": {"type": "object", "properties": {"x": {"unevaluatedProperties": false}}}}}})");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(
      (*d)->UnsupportedKeywords(),
      (std::vector<std::string>{"/components/schemas/A: prefixItems",
                                "/components/schemas/B/properties/x: unevaluatedProperties"}));
}

TEST(OpenApiDescriptionTest, EveryResponseSchemaCompilesAndChecks) {
  const OpenApiDescription& d = OpenApiDescription::Shipped();
  int checked = 0;
  for (const auto& op : d.Operations()) {
    std::string path = op.path;
    for (std::size_t at; (at = path.find('{')) != std::string::npos;) {
      path.replace(at, path.find('}', at) - at + 1, "x");
    }
    for (int status : {200, 201, 400, 403, 404, 503}) {
      for (const std::string& problem : d.CheckResponse(op.method, path, status, Json::object())) {
        EXPECT_EQ(problem.find("not a JSON Schema"), std::string::npos) << problem;
        EXPECT_EQ(problem.find("does not resolve"), std::string::npos) << problem;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
  // An error body without its request id, or with a member it does not
  // describe, is named.
  auto problems = d.CheckResponse("GET", "/v1/meetings/m-1", 404,
                                  {{"error", {{"code", "not_found"}, {"message", "x"}}}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("/error/request_id: missing"), std::string::npos) << problems[0];
  EXPECT_EQ(d.CheckResponse(
                "GET", "/v1/health", 200,
                {{"status", "ok"},
                 {"convenant", {{"id", "c"}, {"version", "1"}, {"sha256", std::string(64, 'a')}}}}),
            std::vector<std::string>{});
  EXPECT_FALSE(d.CheckResponse("GET", "/v1/health", 200, {{"status", "fine"}}).empty());
  EXPECT_FALSE(d.CheckResponse("GET", "/v1/nowhere", 200, Json::object()).empty());
  EXPECT_EQ(d.MatchPath("/v1/meetings/m-1/dossier"), "/v1/meetings/{id}/dossier");
  EXPECT_EQ(d.MatchPath("/v1/meetings"), "/v1/meetings");
  EXPECT_EQ(d.MatchPath("/console/js/main.js"), "/console/{dir}/{name}");
}

TEST(OpenApiDescriptionTest, TheCodecsRequestBodiesMatchTheDescription) {
  const OpenApiDescription& d = OpenApiDescription::Shipped();
  exchange::CreateMeeting m;
  m.overlegvorm = "briefing";
  m.title = "Briefing";
  m.starts_at = *ParseUtc("2026-12-01T09:00:00Z");
  m.ends_at = *ParseUtc("2026-12-01T11:00:00Z");
  m.ad_hoc = {"woningcorporatie"};
  m.staff = std::vector<std::string>{"Procescoordinator-A"};
  exchange::SubjectEntry s;
  s.ref = "S1";
  s.reason = "melding";
  s.municipality = "Leiden";
  s.suppliers = std::vector<std::string>{"politie"};
  s.identity.emplace("persoon.naam", Json("Jan Voorbeeld"));
  m.subjects.push_back(s);
  auto expect_ok = [&](const std::string& method, const std::string& path, const Json& body) {
    EXPECT_EQ(d.CheckRequestBody(method, path, body), std::vector<std::string>{}) << body;
  };
  expect_ok("POST", "/v1/meetings", codecs::EncodeCreateMeeting(m));
  expect_ok("POST", "/v1/meetings/m-1/requests",
            codecs::EncodeCreateRequests({m.starts_at, std::vector<std::string>{"politie"}}));
  expect_ok("PUT", "/v1/meetings/m-1/phase", codecs::EncodeSetPhase({true}));
  expect_ok("POST", "/v1/meetings/m-1/close", codecs::EncodeCloseMeeting({{{"S1", "focus"}}}));
  expect_ok("POST", "/v1/meetings/m-1/retention",
            codecs::EncodeExtendRetention({m.ends_at, "bezwaar loopt"}));
  expect_ok("POST", "/v1/meetings/m-1/declarations",
            codecs::EncodeSignDeclaration({std::string(64, 'a')}));
  exchange::AnswerRequest a;
  a.fields.emplace("casus.bekend_bij_partner", Json(true));
  expect_ok("PUT", "/v1/requests/r-1/answer", codecs::EncodeAnswer(a));
  expect_ok("POST", "/v1/requests/r-1/decline", codecs::EncodeDecline({"niet bekend"}));
  EXPECT_FALSE(d.CheckRequestBody("POST", "/v1/meetings", {{"title", "x"}}).empty());
}

// What the harness does with every response it receives: a body that does
// not match fails the test that received it; a non-JSON body is not checked.
TEST(OpenApiCheckTest, AResponseThatDoesNotMatchFailsTheTest) {
  vh::testing::HttpResult r;
  r.status = 200;
  r.headers = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
  r.body = R"({"status":"fine"})";
  EXPECT_NONFATAL_FAILURE(vh::testing::ExpectMatchesDescription("GET", "/v1/health?x=1", r),
                          "does not match docs/openapi.json");
  r.headers = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n";
  vh::testing::ExpectMatchesDescription("GET", "/", r);  // not JSON: not checked
}

TEST_F(OpenApiTest, ServedAtItsRouteAsTheFileInTheRepository) {
  ApiRequest r;
  r.method = "GET";
  r.path = "/v1/openapi.json";
  r.identity = {"politie", "supplier", "Systeem", "", "fp", "127.0.0.1:1"};
  ApiResponse resp = app_->Handle(std::move(r));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.content_type, "application/json");
  EXPECT_EQ(std::string(resp.Body()), Slurp(GatewayHarness::SourceDir() + "/docs/openapi.json"));
  EXPECT_EQ(std::string(OpenApiText()), std::string(resp.Body()));
}

}  // namespace
}  // namespace vh::gw
