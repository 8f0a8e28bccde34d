#include "gateway/router.h"

#include <gtest/gtest.h>

namespace vh::gw {
namespace {

Handler Echo(std::string name) {
  return [name](const ApiRequest& r) {
    Json params = r.params;
    return ApiResponse::FromJson(200, {{"h", name}, {"params", params}});
  };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/v1/meetings/{id}", {Role::kCoordinator, Role::kParticipant}, Echo("get"));
    router_.Add("POST", "/v1/meetings", {Role::kCoordinator}, Echo("create"));
    router_.Add("GET", "/v1/meetings/{id}/dossier", {Role::kParticipant}, Echo("dossier"));
    router_.Add("GET", "/v1/health", kAnyRole, Echo("health"));
  }
  Router router_;
};

TEST_F(RouterTest, CapturesParameters) {
  auto m = router_.Find("GET", "/v1/meetings/m-42/dossier", Role::kParticipant);
  ASSERT_TRUE(m.status.ok());
  EXPECT_EQ(m.route, "/v1/meetings/{id}/dossier");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], "m-42");
}

TEST_F(RouterTest, UnknownPathIs404) {
  auto m = router_.Find("GET", "/v1/nothing", Role::kCoordinator);
  EXPECT_EQ(m.status.code(), Code::kNotFound);
  EXPECT_EQ(m.handler, nullptr);
}

TEST_F(RouterTest, WrongMethodIs405) {
  auto m = router_.Find("DELETE", "/v1/meetings/x", Role::kCoordinator);
  EXPECT_EQ(m.status.code(), Code::kMethodNotAllowed);
  EXPECT_EQ(HttpStatusFor(m.status.code()), 405);
  EXPECT_EQ(m.allow, "GET");
  EXPECT_EQ(router_.Find("PUT", "/v1/meetings", Role::kCoordinator).allow, "POST");
}

TEST_F(RouterTest, WrongRoleIs403) {
  auto m = router_.Find("POST", "/v1/meetings", Role::kSupplier);
  EXPECT_EQ(m.status.code(), Code::kPermissionDenied);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.route, "/v1/meetings");
}

TEST_F(RouterTest, AnyRoleRoute) {
  for (Role role : {Role::kSupplier, Role::kAdmin, Role::kPrivacyOfficer}) {
    EXPECT_TRUE(router_.Find("GET", "/v1/health", role).status.ok()) << RoleName(role);
  }
}

TEST_F(RouterTest, TrailingAndDoubleSlashesDoNotMatchOtherRoutes) {
  EXPECT_TRUE(router_.Find("GET", "/v1/meetings/x/", Role::kCoordinator).status.ok());
  EXPECT_EQ(router_.Find("GET", "/v1/meetings/x/y", Role::kCoordinator).status.code(),
            Code::kNotFound);
}

// The first route added that matches wins, whether its last segment is a
// literal or a parameter; the methods of every route of the path are allowed.
TEST(RouterOrderTest, TheFirstRouteAddedThatMatchesWins) {
  Router r;
  r.Add("GET", "/v1/cases/{id}", kAnyRole, Echo("case"));
  r.Add("GET", "/v1/cases/open", kAnyRole, Echo("open"));
  r.Add("POST", "/v1/cases/open", kAnyRole, Echo("open-post"));
  r.Add("GET", "/v1/notes/open", kAnyRole, Echo("notes-open"));
  r.Add("GET", "/v1/notes/{id}", kAnyRole, Echo("note"));
  r.Add("GET", "/", kAnyRole, Echo("root"));
  EXPECT_EQ(r.Find("GET", "/v1/cases/open", Role::kCoordinator).route, "/v1/cases/{id}");
  EXPECT_EQ(r.Find("POST", "/v1/cases/open", Role::kCoordinator).route, "/v1/cases/open");
  EXPECT_EQ(r.Find("GET", "/v1/notes/open", Role::kCoordinator).route, "/v1/notes/open");
  EXPECT_EQ(r.Find("GET", "/v1/notes/n-1", Role::kCoordinator).route, "/v1/notes/{id}");
  EXPECT_EQ(r.Find("PUT", "/v1/cases/open", Role::kCoordinator).allow, "GET, POST");
  EXPECT_EQ(r.Find("PUT", "/v1/cases/c-1", Role::kCoordinator).allow, "GET");
  EXPECT_EQ(r.Find("GET", "/", Role::kCoordinator).route, "/");
  EXPECT_EQ(r.Find("GET", "//", Role::kCoordinator).route, "/");
  EXPECT_EQ(r.Find("GET", "/open", Role::kCoordinator).status.code(), Code::kNotFound);
}

TEST(RouterQueryTest, APatternNamesTheQueryParametersItTakes) {
  Router r;
  r.Add("GET", "/v1/statistics?from&to", kAnyRole, Echo("stats"));
  r.Add("GET", "/v1/plain", kAnyRole, Echo("plain"));
  r.Add("GET", "/files/{name}?*", kAnyRole, Echo("files"));
  auto stats = r.Find("GET", "/v1/statistics", Role::kSupplier);
  ASSERT_TRUE(stats.status.ok());
  EXPECT_EQ(stats.route, "/v1/statistics") << "the route's name is its path template";
  ASSERT_NE(stats.query, nullptr);
  EXPECT_EQ(*stats.query, (std::vector<std::string>{"from", "to"}));
  EXPECT_FALSE(stats.any_query);
  auto plain = r.Find("GET", "/v1/plain", Role::kSupplier);
  ASSERT_NE(plain.query, nullptr);
  EXPECT_TRUE(plain.query->empty());
  EXPECT_TRUE(r.Find("GET", "/files/a.js", Role::kSupplier).any_query);
  EXPECT_EQ(r.Routes()[0].pattern, "/v1/statistics");
  EXPECT_EQ(r.Routes()[0].query, (std::vector<std::string>{"from", "to"}));
}

TEST_F(RouterTest, PathsDeeperThanAnyRouteMatchNothing) {
  std::string deep = "/v1/meetings";
  for (int i = 0; i < 40; ++i) deep += "/x";
  auto m = router_.Find("GET", deep, Role::kCoordinator);
  EXPECT_EQ(m.status.code(), Code::kNotFound);
  EXPECT_EQ(m.handler, nullptr);
  // At the limit a route still matches: sixteen segments, the last a parameter.
  Router r;
  std::string pattern, path;
  for (int i = 0; i < 15; ++i) {
    pattern += "/s" + std::to_string(i);
    path += "/s" + std::to_string(i);
  }
  r.Add("GET", pattern + "/{id}", kAnyRole, Echo("deep"));
  auto found = r.Find("GET", path + "/p-1", Role::kSupplier);
  ASSERT_TRUE(found.status.ok());
  ASSERT_EQ(found.params.size(), 1u);
  EXPECT_EQ(found.params[0], "p-1");
  EXPECT_EQ(r.Find("GET", path + "/p-1/more", Role::kSupplier).status.code(), Code::kNotFound);
}

TEST(ApiResponseTest, StatusMapsToContractErrorBody) {
  auto r = ApiResponse::FromStatus(Status::Unprocessable("unknown_field", "/x: unknown field"));
  EXPECT_EQ(r.status, 422);
  auto j = Json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "unknown_field");
  EXPECT_EQ(HttpStatusFor(Code::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(Code::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(Code::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(Code::kHeadersTooLarge), 431);
}

}  // namespace
}  // namespace vh::gw
