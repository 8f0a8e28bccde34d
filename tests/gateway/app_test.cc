// Modules and App in process, without sockets: the configuration and the
// keys come from the harness (`vhgate keys init`), the gateway is not started.

#include "gateway/app.h"

#include <gtest/gtest.h>

#include <map>

#include "adapters/adapter_runner.h"
#include "audit/audit_log.h"
#include "crypto/primitives.h"
#include "gateway/modules.h"
#include "policy/covenant_holder.h"
#include "tests/support/gateway_harness.h"

namespace vh::gw {
namespace {

using vh::testing::GatewayHarness;
using vh::testing::HarnessOptions;

class ModulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    HarnessOptions o;
    o.start = false;
    gw_ = std::make_unique<GatewayHarness>(o);
  }
  Config LoadedConfig(const Json& patch = Json::object()) {
    gw_->WriteConfig(patch);
    auto config = LoadConfig(gw_->config_path());
    EXPECT_TRUE(config.ok()) << config.status().message();
    return config.ok() ? *config : Config{};
  }
  SystemClock clock_;
  std::unique_ptr<GatewayHarness> gw_;
};

TEST_F(ModulesTest, OpensEveryModuleAndRecordsTheStart) {
  auto m = Modules::Open(LoadedConfig(), clock_);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ((*m)->covenant().Get()->id(), "vh-hollands-midden");
  EXPECT_EQ((*m)->audit().stats().events, 1) << "the policy_loaded start event";
  audit::QueryFilter f;
  f.type = "policy_loaded";
  auto page = (*m)->audit().Query(f);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].event.detail["at"], "start");
  EXPECT_EQ((*m)->adapters().size(), 0u);
}

TEST_F(ModulesTest, ACommandOpensWithoutStartEventAndWithoutAdapters) {
  // An adapter entry that would stop serve is not read.
  Config config = LoadedConfig({{"adapters", Json::array({{{"partner", "nobody"}}})}});
  EXPECT_FALSE(Modules::Open(config, clock_).ok());
  auto m = Modules::Open(config, clock_, {.adapters = false, .record_start = false});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ((*m)->audit().stats().events, 0);
  EXPECT_EQ((*m)->adapters().size(), 0u);
}

TEST_F(ModulesTest, ABadAdapterEntryStopsItNamingTheEntry) {
  auto m =
      Modules::Open(LoadedConfig({{"adapters", Json::array({{{"partner", "nobody"}}})}}), clock_);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("/adapters/0"), std::string::npos) << m.status().message();
}

TEST_F(ModulesTest, EachModuleThatCannotOpenStopsItNamingWhy) {
  Config config = LoadedConfig();
  Config no_policy = config;
  no_policy.policy.clear();
  auto m = Modules::Open(no_policy, clock_);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().reason(), "no_policy");

  Config bad_policy = config;
  bad_policy.policy = gw_->dir() + "/missing.json";
  m = Modules::Open(bad_policy, clock_);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find(bad_policy.policy), std::string::npos)
      << m.status().message();

  Config no_keys = config;
  no_keys.keys_dir = gw_->dir() + "/no-keys";
  m = Modules::Open(no_keys, clock_);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message().rfind("audit log: ", 0), 0u) << m.status().message();
}

class AppTest : public ModulesTest {
 protected:
  void SetUp() override {
    ModulesTest::SetUp();
    auto app = App::Create(LoadedConfig(), clock_);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
  }
  static ApiRequest Request(std::string method, std::string path, std::string partner,
                            std::string role) {
    ApiRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.identity.partner = std::move(partner);
    r.identity.role = std::move(role);
    r.identity.cn = "test";
    return r;
  }
  std::unique_ptr<App> app_;
};

TEST_F(AppTest, HealthNamesTheCovenantAndIsAnsweredInline) {
  ApiRequest req = Request("GET", "/v1/health", "politie", "participant");
  std::optional<ApiResponse> inline_r = app_->HandleInline(req);
  ASSERT_TRUE(inline_r.has_value());
  ApiResponse r = std::move(*inline_r);
  ASSERT_EQ(r.status, 200) << r.Body();
  EXPECT_EQ(app_->Handle(Request("GET", "/v1/health", "politie", "participant")).Body(), r.Body());
  Json j = Json::parse(r.Body());
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["convenant"]["id"], "vh-hollands-midden");
  EXPECT_EQ(j["convenant"]["sha256"].get<std::string>().size(), 64u);
}

TEST_F(AppTest, RefusalsAreAnsweredAndAudited) {
  const int64_t before = app_->services().audit.stats().events;
  EXPECT_EQ(app_->Handle(Request("GET", "/v1/health", "onbekend", "participant")).status, 401);
  EXPECT_EQ(app_->Handle(Request("GET", "/v1/health", "politie", "janitor")).status, 403);
  EXPECT_EQ(
      app_->Handle(Request("POST", "/v1/admin/policy/reload", "politie", "participant")).status,
      403);
  EXPECT_EQ(app_->Handle(Request("GET", "/v1/nope", "politie", "participant")).status, 404);
  EXPECT_EQ(app_->services().audit.stats().events - before, 3) << "one access_refused each";
  // Not answered inline, and nothing recorded: Handle on the pool does that.
  ApiRequest unknown = Request("GET", "/v1/health", "onbekend", "participant");
  EXPECT_FALSE(app_->HandleInline(unknown).has_value());
  ApiRequest pooled = Request("GET", "/v1/meetings/m-1", "politie", "participant");
  EXPECT_FALSE(app_->HandleInline(pooled).has_value());
  EXPECT_EQ(pooled.path, "/v1/meetings/m-1") << "left as it was";
  EXPECT_EQ(app_->services().audit.stats().events - before, 3);
}

TEST_F(AppTest, AQueryParameterARouteDoesNotTakeIsRefused) {
  auto get = [&](std::map<std::string, std::string> query, std::string path, const char* role) {
    ApiRequest r = Request("GET", std::move(path), "politie", role);
    r.query = std::move(query);
    return app_->Handle(std::move(r));
  };
  // A misspelt filter: never read as "all meetings".
  ApiResponse typo = get({{"stauts", "open"}}, "/v1/meetings", "participant");
  ASSERT_EQ(typo.status, 400) << typo.Body();
  Json e = Json::parse(typo.Body())["error"];
  EXPECT_EQ(e["code"], "bad_query");
  EXPECT_EQ(e["message"], "unknown query parameter: /v1/meetings takes status");
  EXPECT_EQ(get({{"status", "open"}}, "/v1/meetings", "participant").status, 200);
  // A blank one is not "all" either.
  ApiResponse blank = get({{"status", ""}}, "/v1/meetings", "participant");
  ASSERT_EQ(blank.status, 400) << blank.Body();
  EXPECT_EQ(Json::parse(blank.Body())["error"]["message"],
            "status is empty (leave it out to mean any)");
  EXPECT_EQ(get({{"status", ""}}, "/v1/requests", "supplier").status, 400);
  // A route without parameters says so; what was sent is never echoed.
  ApiResponse none = get({{"111222333", ""}}, "/v1/health", "participant");
  ASSERT_EQ(none.status, 400);
  EXPECT_EQ(Json::parse(none.Body())["error"]["message"], "/v1/health takes no query parameters");
  EXPECT_EQ(none.Body().find("111222333"), std::string::npos);
  ApiResponse check = get({{"bsn", "x"}, {"naam", "y"}}, "/v1/check", "supplier");
  EXPECT_EQ(check.status, 400);
  // The console's files take any (a browser or a proxy may add one).
  EXPECT_EQ(get({{"v", "2"}}, "/", "participant").status, 200);
  // The audit routes check their own filters, listing those there are and
  // never repeating the one given (it may be a BSN); a blank or malformed
  // filter, or a partner the covenant does not have and no event names, is
  // refused too, never "nothing found" or "everything".
  ApiResponse audit = get({{"111222333", "red"}}, "/v1/audit/events", "privacy-officer");
  ASSERT_EQ(audit.status, 400) << audit.Body();
  EXPECT_EQ(audit.Body().find("111222333"), std::string::npos) << audit.Body();
  EXPECT_NE(audit.Body().find("the filters are bsn, subject, partner"), std::string::npos)
      << audit.Body();
  for (const auto& [k, v] :
       std::vector<std::pair<std::string, std::string>>{{"bsn", ""},
                                                        {"partner", "politei"},
                                                        {"meeting", "m-doesnotexist"},
                                                        {"subject", "xyz"}}) {
    ApiResponse r = get({{k, v}}, "/v1/audit/events", "privacy-officer");
    EXPECT_EQ(r.status, 400) << k << "=" << v << ": " << r.Body();
    EXPECT_NE(r.Body().find(k), std::string::npos) << r.Body();
  }
  EXPECT_EQ(get({{"partner", "politie"}}, "/v1/audit/events", "privacy-officer").status, 200);
}

TEST_F(AppTest, ReloadKeepsTheCovenantAndRecordsIt) {
  const std::string sha = app_->services().covenant.Get()->sha256();
  ApiResponse r =
      app_->Handle(Request("POST", "/v1/admin/policy/reload", "veiligheidshuis-hm", "admin"));
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["reloaded"], true);
  EXPECT_EQ(j["convenant"]["sha256"], sha);
}

TEST_F(AppTest, ExpectedOinComesFromTheCovenant) {
  EXPECT_EQ(app_->ExpectedOin("politie"), "00000001003214345000");
  EXPECT_EQ(app_->ExpectedOin("nobody"), std::nullopt);
}

TEST_F(AppTest, BackgroundStartsAndStopsTwice) {
  app_->StartBackground();
  app_->StopBackground();
  app_->StartBackground();
  app_->StopBackground();
  app_->StopBackground();
}

}  // namespace
}  // namespace vh::gw
