// The overlegvorm keys of policy/loader_overlegvorm.cc: residents_only,
// circle, urgent and processing_activity (partner municipality and check are
// in loader_test.cc).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/engine.h"
#include "policy/loader.h"
#include "tests/policy/test_util.h"

namespace vh::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::vh::policy::testing::MustLoad;
using ::vh::policy::testing::Problems;
using ::vh::policy::testing::Replaced;
using ::vh::policy::testing::SmallCovenant;

constexpr const char* kGemeente =
    R"({"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true})";
constexpr const char* kBriefingHead =
    R"("ad_hoc": true, "restricted": false, "retention_days": 90,)";
constexpr const char* kRadHead = R"("ad_hoc": false, "restricted": true,
    "retention_days": 365,)";
constexpr const char* kOneRule =
    R"({"id": "B1", "field": "toezicht", "from": ["reclassering"], "to": ["@members"],
        "as": "full"})";

// The small covenant with gemeente in Leiden and `keys` added to the briefing.
std::string Briefing(const std::string& keys, bool gemeente_in_leiden = true) {
  std::string text = SmallCovenant(kOneRule);
  if (gemeente_in_leiden) {
    text = Replaced(text, kGemeente,
                    R"({"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true,
                        "municipality": " Leiden "})");
  }
  return Replaced(text, kBriefingHead, std::string(kBriefingHead) + keys);
}

TEST(PolicyLoaderOverlegvormTest, ResidentsOnlyLoadsPartnersAndGroups) {
  auto c = MustLoad(Briefing(R"("residents_only": ["gemeente", "@ad_hoc"],)"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->FindPartner("gemeente")->municipality, "Leiden");  // trimmed
  const Overlegvorm& o = *c->FindOverlegvorm("briefing");
  ASSERT_EQ(o.residents_only.size(), 2u);
  EXPECT_EQ(o.residents_only[0].kind, Party::Kind::kPartner);
  EXPECT_EQ(o.residents_only[1].text, "@ad_hoc");
  const int gemeente = c->PrincipalIndex("gemeente");
  EXPECT_TRUE(ResidentsOnly(*c, o, gemeente, false));
  EXPECT_TRUE(ResidentsOnly(*c, o, c->PrincipalIndex("woco"), true));
  EXPECT_FALSE(ResidentsOnly(*c, o, c->PrincipalIndex("woco"), false));
  EXPECT_FALSE(ResidentsOnly(*c, o, c->PrincipalIndex("politie"), false));
  EXPECT_FALSE(ResidentsOnly(*c, o, c->house_index(), false));
  // Not named in the other overlegvorm.
  EXPECT_FALSE(ResidentsOnly(*c, *c->FindOverlegvorm("rad"), gemeente, false));
  // Every group loads when its members have a municipality.
  std::string all_leiden = Briefing(R"("residents_only": ["@members", "@participants",
                                                          "@chain:straf"],)");
  for (const char* p : {"politie", "om", "reclassering"}) {
    const std::string from = std::string(R"({"id": ")") + p + R"(", "name": )";
    all_leiden =
        Replaced(all_leiden, from,
                 std::string(R"({"id": ")") + p + R"(", "municipality": "Gouda", "name": )");
  }
  EXPECT_TRUE(MustLoad(all_leiden));
}

TEST(PolicyLoaderOverlegvormTest, ResidentsOnlyProblems) {
  EXPECT_THAT(Problems(Briefing(R"("residents_only": "gemeente",)")),
              ElementsAre("t.json: /overlegvormen/0/residents_only: expected an array"));
  EXPECT_THAT(
      Problems(Briefing(R"("residents_only": ["gemeente", 3, "gemeente", "bakkerij", "@iedereen",
                                              "@chain:ruimte", "@house", "huis"],)")),
      ElementsAre("t.json: /overlegvormen/0/residents_only/1: expected a partner id or a group",
                  "t.json: /overlegvormen/0/residents_only/2: duplicate entry 'gemeente'",
                  "t.json: /overlegvormen/0/residents_only/3: unknown partner 'bakkerij'",
                  "t.json: /overlegvormen/0/residents_only/4: unknown group '@iedereen' "
                  "(@members, @ad_hoc, @participants, @chain:<chain>, @house)",
                  "t.json: /overlegvormen/0/residents_only/5: unknown chain in '@chain:ruimte' "
                  "(straf, zorg, bestuur, overig)",
                  "t.json: /overlegvormen/0/residents_only/6: the house sees every subject: "
                  "'@house' cannot be residents only",
                  "t.json: /overlegvormen/0/residents_only/7: the house is named as '@house', "
                  "not 'huis'"));
  // A named partner without a municipality.
  EXPECT_THAT(Problems(Briefing(R"("residents_only": ["om"],)")),
              ElementsAre("t.json: /overlegvormen/0/residents_only/0: partner 'om' has no "
                          "'municipality' (/partners/1/municipality)"));
  EXPECT_THAT(Problems(Briefing(R"("residents_only": ["gemeente"],)", false)),
              ElementsAre("t.json: /overlegvormen/0/residents_only/0: partner 'gemeente' has no "
                          "'municipality' (/partners/4/municipality)"));
  // A group covering members without one: each is named.
  EXPECT_THAT(Problems(Briefing(R"("residents_only": ["@chain:straf"],)")),
              ElementsAre("t.json: /overlegvormen/0/residents_only/0: member 'politie' (through "
                          "'@chain:straf') has no 'municipality': it would see no subject",
                          "t.json: /overlegvormen/0/residents_only/0: member 'om' (through "
                          "'@chain:straf') has no 'municipality': it would see no subject",
                          "t.json: /overlegvormen/0/residents_only/0: member 'reclassering' "
                          "(through '@chain:straf') has no 'municipality': it would see no "
                          "subject"));
  EXPECT_THAT(Problems(Briefing(R"("residents_only": ["@members"],)")), ::testing::SizeIs(3));
  // @chain:bestuur covers only gemeente, which has one.
  EXPECT_TRUE(MustLoad(Briefing(R"("residents_only": ["@chain:bestuur"],)")));
  // @ad_hoc where no ad hoc partner is admitted.
  std::string rad = Replaced(SmallCovenant(kOneRule), kRadHead,
                             std::string(kRadHead) + R"("residents_only": ["@ad_hoc"],)");
  EXPECT_THAT(Problems(rad), ElementsAre("t.json: /overlegvormen/1/residents_only/0: '@ad_hoc' in "
                                         "a restricted overlegvorm"));
}

TEST(PolicyLoaderOverlegvormTest, CircleLoadsAndIsLookedUp) {
  auto c = MustLoad(Briefing(
      R"("circle": [{"partner": "politie", "cn": "J. de Vries"}, {"partner": "huis", "cn": "Coord"},
                    {"partner": "woco", "cn": "Wijkconsulent"}],)"));
  ASSERT_TRUE(c);
  const Overlegvorm& o = *c->FindOverlegvorm("briefing");
  ASSERT_EQ(o.circle.size(), 3u);
  EXPECT_EQ(o.circle[0].partner, "politie");
  EXPECT_EQ(o.circle[0].cn, "J. de Vries");
  EXPECT_TRUE(InCircle(o, "politie", "J. de Vries"));
  EXPECT_TRUE(InCircle(o, "huis", "Coord"));
  EXPECT_TRUE(InCircle(o, "woco", "Wijkconsulent"));    // ad hoc partners are admitted here
  EXPECT_FALSE(InCircle(o, "politie", "j. de vries"));  // CNs compare exactly
  EXPECT_FALSE(InCircle(o, "om", "J. de Vries"));
  EXPECT_FALSE(InCircle(o, "huis", "J. de Vries"));
  EXPECT_FALSE(InCircle(o, "politie", ""));
  EXPECT_FALSE(InCircle(o, "politieJ. de Vries", ""));
  // The restricted overlegvorm of the small covenant has its own.
  const Overlegvorm& rad = *c->FindOverlegvorm("rad");
  EXPECT_TRUE(InCircle(rad, "politie", "Agent-A"));
  EXPECT_FALSE(InCircle(rad, "politie", "J. de Vries"));
  // No circle: every certificate.
  auto plain = MustLoad(SmallCovenant(kOneRule));
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->FindOverlegvorm("briefing")->circle.empty());
  EXPECT_TRUE(InCircle(*plain->FindOverlegvorm("briefing"), "anyone", "at all"));
}

TEST(PolicyLoaderOverlegvormTest, RestrictedNeedsACircle) {
  const std::string circle =
      R"("circle": [{"partner": "politie", "cn": "Agent-A"}, {"partner": "huis", "cn": "Coord-B"}],)";
  const std::string without = Replaced(SmallCovenant(kOneRule), circle, "");
  EXPECT_THAT(Problems(without), ElementsAre("t.json: /overlegvormen/1/circle: missing: a "
                                             "restricted overlegvorm needs its circle"));
  EXPECT_THAT(Problems(Replaced(SmallCovenant(kOneRule), circle, R"("circle": [],)")),
              ElementsAre("t.json: /overlegvormen/1/circle: a restricted overlegvorm needs a "
                          "non-empty circle"));
  EXPECT_THAT(Problems(Replaced(SmallCovenant(kOneRule), circle, R"("circle": {},)")),
              ElementsAre("t.json: /overlegvormen/1/circle: expected an array"));
  // Others may have an empty one (the same as none).
  EXPECT_TRUE(MustLoad(Briefing(R"("circle": [],)")));
}

TEST(PolicyLoaderOverlegvormTest, CircleProblems) {
  const std::string circle =
      R"("circle": [{"partner": "politie", "cn": "Agent-A"}, {"partner": "huis", "cn": "Coord-B"}],)";
  auto rad = [&](const std::string& entries) {
    return Replaced(SmallCovenant(kOneRule), circle, R"("circle": [)" + entries + "],");
  };
  EXPECT_THAT(
      Problems(rad(R"("politie", {"partner": "politie"}, {"cn": "X"},
                      {"partner": "politie", "cn": "A", "rol": "voorzitter"},
                      {"partner": "bakkerij", "cn": "A"}, {"partner": "om", "cn": "A"},
                      {"partner": "woco", "cn": "A"}, {"partner": "gemeente", "cn": ""},
                      {"partner": "gemeente", "cn": "A\u0001"},
                      {"partner": "politie", "cn": "A"})")),
      ElementsAre("t.json: /overlegvormen/1/circle/0: expected an object",
                  "t.json: /overlegvormen/1/circle/1/cn: missing",
                  "t.json: /overlegvormen/1/circle/2/partner: missing",
                  "t.json: /overlegvormen/1/circle/3/rol: unknown key 'rol'",
                  "t.json: /overlegvormen/1/circle/4/partner: unknown partner 'bakkerij'",
                  "t.json: /overlegvormen/1/circle/5/partner: partner 'om' takes no part in this "
                  "overlegvorm (not a member, and it admits no ad hoc partners)",
                  "t.json: /overlegvormen/1/circle/6/partner: partner 'woco' takes no part in "
                  "this overlegvorm (not a member, and it admits no ad hoc partners)",
                  "t.json: /overlegvormen/1/circle/7/cn: must not be empty",
                  "t.json: /overlegvormen/1/circle/8/cn: not a certificate CN (at most 64 "
                  "characters, no control characters)",
                  "t.json: /overlegvormen/1/circle/9: duplicate circle entry 'politie' 'A'"));
  EXPECT_THAT(Problems(rad(R"({"partner": "politie", "cn": ")" + std::string(65, 'x') + R"("})")),
              ElementsAre(HasSubstr("/overlegvormen/1/circle/0/cn: not a certificate CN")));
}

TEST(PolicyLoaderOverlegvormTest, UrgentAndProcessingActivity) {
  auto c = MustLoad(Briefing(
      R"("urgent": true, "processing_activity": "https://register.example-vh.nl/verwerkingen/briefing",)"));
  ASSERT_TRUE(c);
  const Overlegvorm& o = *c->FindOverlegvorm("briefing");
  EXPECT_TRUE(o.urgent);
  EXPECT_EQ(o.processing_activity, "https://register.example-vh.nl/verwerkingen/briefing");
  const Overlegvorm& rad = *c->FindOverlegvorm("rad");
  EXPECT_FALSE(rad.urgent);
  EXPECT_EQ(rad.processing_activity, "");
  for (const char* uri :
       {"urn:nl:vh:verwerking:briefing", "HTTPS://register.example-vh.nl/v?id=1&x=%C3%A9",
        "http://localhost:8080/a/b", "mailto:fg@example-vh.nl", "https://[::1]/v"}) {
    EXPECT_TRUE(MustLoad(Briefing(std::string(R"("processing_activity": ")") + uri + "\",")))
        << uri;
  }
  EXPECT_THAT(Problems(Briefing(R"("urgent": "ja",)")),
              ElementsAre("t.json: /overlegvormen/0/urgent: expected true or false"));
  struct Bad {
    const char* uri;
    const char* reason;
  } bad[] = {
      {"verwerkingen/briefing", "not an absolute URI (scheme:...): 'verwerkingen/briefing'"},
      {"1http://x", "not an absolute URI (scheme:...): '1http://x'"},
      {"ht_tp://x", "not an absolute URI (scheme:...): 'ht_tp://x'"},
      {"urn:", "not an absolute URI: nothing after the scheme in 'urn:'"},
      {"https://register/v#briefing",
       "an absolute URI has no fragment ('#'): "
       "'https://register/v#briefing'"},
      {"https://register/ver werking",
       "character not allowed in a URI (percent-encode it) in "
       "'https://register/ver werking'"},
      {"https://register/%zz", "'%' not followed by two hex digits in 'https://register/%zz'"},
      {"https://register/%4", "'%' not followed by two hex digits in 'https://register/%4'"},
      {"https:register/v", "an https URI needs a host (https://host/...): 'https:register/v'"},
      {"http:///v", "an http URI needs a host (http://host/...): 'http:///v'"},
  };
  for (const Bad& b : bad) {
    EXPECT_THAT(
        Problems(Briefing(std::string(R"("processing_activity": ")") + b.uri + "\",")),
        ElementsAre(std::string("t.json: /overlegvormen/0/processing_activity: ") + b.reason))
        << b.uri;
  }
  EXPECT_THAT(Problems(Briefing(R"("processing_activity": "",)")),
              ElementsAre("t.json: /overlegvormen/0/processing_activity: must not be empty"));
  EXPECT_THAT(Problems(Briefing(R"("processing_activity": 7,)")),
              ElementsAre("t.json: /overlegvormen/0/processing_activity: expected a string"));
  EXPECT_THAT(
      Problems(Briefing(R"("processing_activity": "https://x/)" + std::string(2100, 'a') + "\",")),
      ElementsAre("t.json: /overlegvormen/0/processing_activity: longer than 2048 characters"));
}

TEST(PolicyLoaderOverlegvormTest, TheExampleCovenantsKeys) {
  auto c = testing::Example();
  ASSERT_TRUE(c);
  const Overlegvorm& rad = *c->FindOverlegvorm("radicalisering");
  EXPECT_TRUE(rad.restricted);
  // The house's coordinator and the example certificates of its members.
  for (auto [partner, cn] : {std::pair{"veiligheidshuis-hm", "Informatiecoordinator-E"},
                             std::pair{"politie", "J.de-Vries"}, std::pair{"om", "Officier-A"},
                             std::pair{"gemeente-leiden", "Contactpersoon-Leiden"}}) {
    EXPECT_TRUE(InCircle(rad, partner, cn)) << partner << " " << cn;
  }
  EXPECT_FALSE(InCircle(rad, "woningcorporatie", "Wijkconsulent-D"));
  EXPECT_TRUE(InCircle(*c->FindOverlegvorm("briefing"), "woningcorporatie", "Wijkconsulent-D"));
  EXPECT_TRUE(c->FindOverlegvorm("focusoverleg")->urgent);
  EXPECT_FALSE(c->FindOverlegvorm("briefing")->urgent);
  for (const Overlegvorm& o : c->overlegvormen()) {
    EXPECT_EQ(o.processing_activity, "https://register.example-vh.nl/verwerkingen/" + o.id);
    // The exchange passes municipalities, so the briefing's
    // gemeenten see their residents only.
    if (o.id == "briefing") {
      ASSERT_EQ(o.residents_only.size(), 1u);
      EXPECT_EQ(o.residents_only[0].text, "@chain:bestuur");
    } else {
      EXPECT_TRUE(o.residents_only.empty()) << o.id;
    }
  }
}

}  // namespace
}  // namespace vh::policy
