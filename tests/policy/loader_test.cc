#include "policy/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/primitives.h"
#include "tests/policy/test_util.h"

namespace vh::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::vh::policy::testing::Example;
using ::vh::policy::testing::ExamplePath;
using ::vh::policy::testing::MustLoad;
using ::vh::policy::testing::Problems;
using ::vh::policy::testing::ReadFile;
using ::vh::policy::testing::SmallCovenant;

const char* kRule =
    R"({"id": "B1", "field": "toezicht", "from": ["reclassering"], "to": ["@members"],
        "as": "full", "client": false})";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

std::string WithRule(const std::string& rule) { return SmallCovenant(rule); }

TEST(PolicyLoaderTest, LoadsTheExampleCovenant) {
  auto c = Example();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id(), "vh-hollands-midden");
  EXPECT_EQ(c->house(), "veiligheidshuis-hm");
  EXPECT_GE(c->partners().size(), 15u);
  EXPECT_GE(c->fields().size(), 40u);
  EXPECT_EQ(c->sha256(), crypto::Sha256Hex(ReadFile(ExamplePath())));
  ASSERT_TRUE(c->FindPartner("politie"));
  EXPECT_EQ(c->FindPartner("politie")->oin, "00000001003214345000");
  EXPECT_EQ(c->FindPartner("om")->oin, "00000001003214345001");
  EXPECT_FALSE(c->FindPartner("woningcorporatie")->signatory);
  EXPECT_FALSE(c->FindPartner("uwv")->signatory);
  for (const char* id : {"politie", "om", "reclassering", "dji", "rvdk", "halt", "ggd", "ggz",
                         "jeugdbescherming", "veilig-thuis", "verslavingszorg", "gemeente-leiden",
                         "gemeente-alphen", "gemeente-gouda", "woningcorporatie", "uwv"}) {
    EXPECT_TRUE(c->FindPartner(id)) << id;
  }
  for (const char* id : {"briefing", "focusoverleg", "top600", "nazorg", "smd", "radicalisering",
                         "groepsaanpak", "mda"}) {
    EXPECT_TRUE(c->FindOverlegvorm(id)) << id;
  }
  EXPECT_TRUE(c->FindOverlegvorm("radicalisering")->restricted);
  EXPECT_EQ(c->FindField("persoon.geboortedatum")->type, FieldType::kDate);
  EXPECT_EQ(c->FindField("persoon.bsn")->category, Category::kBsn);
  EXPECT_EQ(c->FindField("persoon.adres")->type, FieldType::kAddress);
}

TEST(PolicyLoaderTest, BriefingIsFarLessDetailedThanFocus) {
  auto c = Example();
  ASSERT_TRUE(c);
  auto count = [&](const char* id, bool presence) {
    int n = 0;
    for (const Rule& r : c->FindOverlegvorm(id)->rules) {
      if ((r.as == Transform::kPresence) == presence) ++n;
    }
    return n;
  };
  // Apart from the identity rules, the briefing is mostly presence.
  EXPECT_GT(count("briefing", true), 10);
  EXPECT_LT(count("briefing", false), count("focusoverleg", false));
}

TEST(PolicyLoaderTest, InForceFromValidFromThroughValidUntil) {
  auto open_ended = MustLoad(WithRule(kRule));
  ASSERT_TRUE(open_ended);
  EXPECT_FALSE(open_ended->InForceOn("2019-12-31"));
  EXPECT_TRUE(open_ended->InForceOn("2020-01-01"));
  EXPECT_TRUE(open_ended->InForceOn("2099-12-31"));
  std::string text = WithRule(kRule);
  const std::string null_until = "\"valid_until\": null";
  ASSERT_NE(text.find(null_until), std::string::npos);
  text.replace(text.find(null_until), null_until.size(), "\"valid_until\": \"2021-06-30\"");
  auto bounded = MustLoad(text);
  ASSERT_TRUE(bounded);
  EXPECT_TRUE(bounded->InForceOn("2021-06-30"));
  EXPECT_FALSE(bounded->InForceOn("2021-07-01"));
}

TEST(PolicyLoaderTest, SmallCovenantLoadsWithCommentsAndDefaults) {
  auto c = MustLoad(WithRule(kRule));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->declaration(), Covenant::DefaultDeclaration());
  EXPECT_EQ(c->valid_until(), "");
  EXPECT_EQ(c->source(), "t.json");
  const Overlegvorm* o = c->FindOverlegvorm("briefing");
  ASSERT_TRUE(o);
  ASSERT_EQ(o->rules.size(), 1u);
  EXPECT_EQ(o->rules[0].field, c->FindField("toezicht"));
  EXPECT_EQ(o->request_identity.size(), 3u);
  EXPECT_EQ(c->PrincipalIndex("huis"), c->house_index());
  EXPECT_EQ(c->PrincipalIndex("nobody"), -1);
}

TEST(PolicyLoaderTest, MalformedJsonIsOneLineWithItsLineAndColumn) {
  // As the configuration check says it (policy check, a reload, the API).
  EXPECT_THAT(Problems("{\"convenant\": "), ElementsAre(HasSubstr("t.json:1:")));
  EXPECT_THAT(Problems("{\n  \"convenant\": {}\n  \"house\": \"x\"\n}"),
              ElementsAre("t.json:3:3: unexpected string literal; expected ',' or '}'"));
  EXPECT_THAT(Problems("[]"), ElementsAre("t.json: /: expected an object"));
  EXPECT_THAT(Problems(std::string(100, '[')), ElementsAre(HasSubstr("nested deeper")));
}

TEST(PolicyLoaderTest, ReportsEveryProblemAtOnce) {
  std::string text = Replace(WithRule(kRule), R"("chain": "zorg")", R"("chain": "care")");
  text = Replace(text, R"("type": "integer")", R"("type": "int")");
  text = Replace(text, R"("retention_days": 90)", R"("retention_days": -1)");
  auto p = Problems(text);
  EXPECT_THAT(
      p, ElementsAre("t.json: /partners/3/chain: unknown chain 'care' (straf, zorg, bestuur, "
                     "overig)",
                     "t.json: /fields/5/type: unknown type 'int' (string, text, boolean, "
                     "integer, date, enum, address)",
                     "t.json: /overlegvormen/0/retention_days: expected a whole number of days "
                     "from 1 to 3650"));
}

TEST(PolicyLoaderTest, UnknownKeys) {
  auto p =
      Problems(Replace(WithRule(kRule), R"("house": "huis",)", R"("house": "huis", "extra": 1,)"));
  EXPECT_THAT(p, ElementsAre("t.json: /extra: unknown key 'extra'"));
  p = Problems(WithRule(R"({"id": "B1", "field": "toezicht", "from": ["om"], "to": ["om"],
                             "as": "full", "colour": "red"})"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/rules/0/colour: unknown key 'colour'"));
}

TEST(PolicyLoaderTest, MissingKeysAndWrongTypes) {
  auto p = Problems(Replace(WithRule(kRule), R"("title": "T",)", ""));
  EXPECT_THAT(p, ElementsAre("t.json: /convenant/title: missing"));
  p = Problems(Replace(WithRule(kRule), R"("ad_hoc": true)", R"("ad_hoc": "yes")"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/ad_hoc: expected true or false"));
}

TEST(PolicyLoaderTest, DuplicateIds) {
  auto p = Problems(Replace(WithRule(kRule), R"({"id": "buiten")", R"({"id": "om")"));
  EXPECT_THAT(p, ElementsAre("t.json: /partners/6/id: duplicate partner id 'om'"));
  p = Problems(Replace(WithRule(kRule), R"({"id": "niveau")", R"({"id": "aantal")"));
  EXPECT_THAT(p, ElementsAre("t.json: /fields/7/id: duplicate field id 'aantal'"));
  p = Problems(Replace(WithRule(kRule), R"("id": "rad")", R"("id": "briefing")"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/1/id: duplicate overlegvorm id 'briefing'"));
  p = Problems(WithRule(std::string(kRule) + "," + kRule));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/rules/1/id: duplicate rule id 'B1' in "
                             "overlegvorm 'briefing'"));
}

TEST(PolicyLoaderTest, UnknownPartnerFieldOrGroupInRule) {
  auto p = Problems(WithRule(R"({"id": "B1", "field": "x.y", "from": ["nobody"],
                                 "to": ["@everyone", "@chain:space"], "as": "full"})"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/rules/0/field: unknown field 'x.y'",
                             "t.json: /overlegvormen/0/rules/0/from/0: unknown partner 'nobody'",
                             "t.json: /overlegvormen/0/rules/0/to/0: unknown group '@everyone' "
                             "(@members, @ad_hoc, @participants, @chain:<chain>, @house)",
                             "t.json: /overlegvormen/0/rules/0/to/1: unknown chain in "
                             "'@chain:space' (straf, zorg, bestuur, overig)"));
}

TEST(PolicyLoaderTest, TransformMustFitFieldType) {
  auto p = Problems(WithRule(R"({"id": "B1", "field": "persoon.adres", "from": ["@house"],
                                 "to": ["@members"], "as": "year"})"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/rules/0/as: 'year' does not fit field "
                             "'persoon.adres' (address)"));
  p = Problems(WithRule(R"({"id": "B1", "field": "toezicht", "from": ["om"],
                            "to": ["@members"], "as": "municipality"})"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/rules/0/as: 'municipality' does not fit "
                             "field 'toezicht' (boolean)"));
  p = Problems(WithRule(R"({"id": "B1", "field": "notitie", "from": ["om"],
                            "to": ["@members"], "as": "age"})"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/rules/0/as: 'age' does not fit field "
                             "'notitie' (text)"));
  p = Problems(WithRule(R"({"id": "B1", "field": "notitie", "from": ["om"],
                            "to": ["@members"], "as": "secret"})"));
  EXPECT_THAT(p, ElementsAre(HasSubstr("/rules/0/as: unknown transform 'secret'")));
  // Every transform that does fit loads.
  EXPECT_TRUE(MustLoad(WithRule(R"(
      {"id": "a", "field": "persoon.geboortedatum", "from": ["@house"], "to": ["@members"], "as": "year"},
      {"id": "b", "field": "persoon.geboortedatum", "from": ["@house"], "to": ["@members"], "as": "age"},
      {"id": "c", "field": "persoon.adres", "from": ["@house"], "to": ["@members"], "as": "municipality"},
      {"id": "d", "field": "persoon.adres", "from": ["@house"], "to": ["@members"], "as": "presence"},
      {"id": "e", "field": "niveau", "from": ["@house"], "to": ["@members"], "as": "full"})")));
}

TEST(PolicyLoaderTest, EnumValues) {
  auto p = Problems(Replace(WithRule(kRule), R"(,
     "values": ["laag", "hoog"])",
                            ""));
  EXPECT_THAT(p, ElementsAre("t.json: /fields/7/values: missing: an enum field needs its values"));
  p = Problems(Replace(WithRule(kRule), R"(["laag", "hoog"])", "[]"));
  EXPECT_THAT(p, ElementsAre("t.json: /fields/7/values: an enum field needs at least one value"));
  p = Problems(Replace(WithRule(kRule), R"(["laag", "hoog"])", R"(["laag", "laag", 3])"));
  EXPECT_THAT(p, ElementsAre("t.json: /fields/7/values/1: duplicate value 'laag'",
                             "t.json: /fields/7/values/2: expected a non-empty string"));
  p = Problems(Replace(WithRule(kRule), R"("type": "text", "category": "gewoon")",
                       R"("type": "text", "category": "gewoon", "values": ["a"])"));
  EXPECT_THAT(p, ElementsAre("t.json: /fields/6/values: 'values' applies to enum fields only"));
}

TEST(PolicyLoaderTest, NonSignatoryMemberOrRecipient) {
  auto p = Problems(Replace(WithRule(kRule), R"(["politie", "om", "reclassering", "gemeente"])",
                            R"(["politie", "om", "reclassering", "gemeente", "woco"])"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/members/4: non-signatory partner 'woco' "
                             "cannot be a member (it may join ad hoc)"));
  p = Problems(WithRule(R"({"id": "B1", "field": "toezicht", "from": ["woco"],
                            "to": ["woco"], "as": "full"})"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/rules/0/to/0: non-signatory partner "
                             "'woco' may only receive as an ad hoc invitee (through '@ad_hoc' or "
                             "'@participants')"));
}

TEST(PolicyLoaderTest, RestrictedOverlegvormWithAdHoc) {
  auto p = Problems(Replace(WithRule(kRule), R"("ad_hoc": false, "restricted": true)",
                            R"("ad_hoc": true, "restricted": true)"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/1/ad_hoc: a restricted overlegvorm admits "
                             "no ad hoc partners"));
  p = Problems(Replace(WithRule(kRule), R"("to": ["@members"],
               "as": "full"}])",
                       R"("to": ["@ad_hoc"], "as": "full"}])"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/1/rules/0/to/0: '@ad_hoc' in a restricted "
                             "overlegvorm"));
}

TEST(PolicyLoaderTest, RequestIdentityMustBeIdentifying) {
  auto p = Problems(Replace(WithRule(kRule), R"("persoon.geboortedatum", "persoon.bsn"])",
                            R"("persoon.geboortedatum", "persoon.bsn", "toezicht", "zzz"])"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/request_identity/3: field 'toezicht' is "
                             "not identifying (category 'strafrechtelijk')",
                             "t.json: /overlegvormen/0/request_identity/4: unknown field 'zzz'"));
}

TEST(PolicyLoaderTest, EmptyFromOrTo) {
  auto p = Problems(WithRule(R"({"id": "B1", "field": "toezicht", "from": [], "to": [],
                                 "as": "full"})"));
  EXPECT_THAT(p, ElementsAre("t.json: /overlegvormen/0/rules/0/from: empty 'from'",
                             "t.json: /overlegvormen/0/rules/0/to: empty 'to'"));
}

TEST(PolicyLoaderTest, DatesThatAreNotDates) {
  auto p = Problems(
      Replace(WithRule(kRule), R"("valid_from": "2020-01-01")", R"("valid_from": "2021-02-29")"));
  EXPECT_THAT(p, ElementsAre("t.json: /convenant/valid_from: not a date (YYYY-MM-DD): "
                             "'2021-02-29'"));
  p = Problems(
      Replace(WithRule(kRule), R"("valid_until": null)", R"("valid_until": "2019-12-31")"));
  EXPECT_THAT(p, ElementsAre("t.json: /convenant/valid_until: before valid_from"));
  p = Problems(Replace(WithRule(kRule), R"("valid_until": null)", R"("valid_until": "morgen")"));
  EXPECT_THAT(p, ElementsAre("t.json: /convenant/valid_until: not a date (YYYY-MM-DD): 'morgen'"));
}

TEST(PolicyLoaderTest, OinAndIds) {
  auto p = Problems(Replace(WithRule(kRule), R"("00000001003214345000")", R"("123")"));
  EXPECT_THAT(p, ElementsAre("t.json: /partners/0/oin: an OIN is 20 digits"));
  p = Problems(Replace(WithRule(kRule), R"({"id": "buiten")", R"({"id": "bui ten")"));
  EXPECT_THAT(p, ElementsAre(HasSubstr("t.json: /partners/6/id: invalid id 'bui ten'")));
  p = Problems(Replace(WithRule(kRule), R"({"id": "buiten")", R"({"id": "huis")"));
  EXPECT_THAT(p, ElementsAre("t.json: /partners/6/id: partner id 'huis' is the house's id"));
}

TEST(PolicyLoaderTest, PartnerMunicipalityAndCheck) {
  const std::string gemeente =
      R"({"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true})";
  auto with = [&](const std::string& keys) {
    return Replace(WithRule(kRule), gemeente,
                   R"({"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true, )" +
                       keys + "}");
  };
  auto c = MustLoad(with(R"("municipality": "\tAlphen aan den Rijn ", "check": true,
                            "check_case_holder": true)"));
  ASSERT_TRUE(c);
  const Partner& p = *c->FindPartner("gemeente");
  EXPECT_EQ(p.municipality, "Alphen aan den Rijn");
  EXPECT_TRUE(p.check);
  EXPECT_TRUE(p.check_case_holder);
  const Partner& om = *c->FindPartner("om");
  EXPECT_EQ(om.municipality, "");
  EXPECT_FALSE(om.check);
  EXPECT_FALSE(om.check_case_holder);
  EXPECT_TRUE(MustLoad(with(R"("check": false, "check_case_holder": false)")));

  EXPECT_THAT(Problems(with(R"("municipality": 3)")),
              ElementsAre("t.json: /partners/4/municipality: expected a string"));
  EXPECT_THAT(Problems(with(R"("municipality": "")")),
              ElementsAre("t.json: /partners/4/municipality: must not be empty"));
  EXPECT_THAT(Problems(with(R"("municipality": "  ")")),
              ElementsAre("t.json: /partners/4/municipality: must not be blank"));
  EXPECT_THAT(Problems(with(R"("municipality": "Lei\u0001den")")),
              ElementsAre("t.json: /partners/4/municipality: control characters in 'Lei?den'"));
  EXPECT_THAT(Problems(with(R"("municipality": ")" + std::string(129, 'x') + "\"")),
              ElementsAre("t.json: /partners/4/municipality: longer than 128 characters"));
  EXPECT_THAT(Problems(with(R"("check": "ja", "check_case_holder": 1)")),
              ElementsAre("t.json: /partners/4/check: expected true or false",
                          "t.json: /partners/4/check_case_holder: expected true or false"));
  EXPECT_THAT(Problems(with(R"("check_case_holder": true)")),
              ElementsAre("t.json: /partners/4/check_case_holder: needs \"check\": true"));
  EXPECT_THAT(Problems(Replace(WithRule(kRule), R"("chain": "overig", "signatory": false)",
                               R"("chain": "overig", "signatory": false, "check": true)")),
              ElementsAre("t.json: /partners/5/check: a non-signatory partner may not check "
                          "whether a person is known"));
}

TEST(PolicyLoaderTest, TheExamplePartnersMunicipalitiesAndChecks) {
  auto c = Example();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->FindPartner("gemeente-leiden")->municipality, "Leiden");
  EXPECT_EQ(c->FindPartner("gemeente-alphen")->municipality, "Alphen aan den Rijn");
  EXPECT_EQ(c->FindPartner("gemeente-gouda")->municipality, "Gouda");
  EXPECT_EQ(c->FindPartner("politie")->municipality, "");
  std::vector<std::string> check;
  for (const Partner& p : c->partners()) {
    if (p.check) check.push_back(p.id);
    if (p.check_case_holder) {
      EXPECT_TRUE(p.check) << p.id;
    }
  }
  EXPECT_EQ(check, (std::vector<std::string>{"politie", "om"}));
}

// docs/covenant-format.md ends with a complete example: it must stay valid.
TEST(PolicyLoaderTest, TheFormatReferencesExampleLoads) {
  const std::string doc = ReadFile(testing::SourceDir() + "/docs/covenant-format.md");
  const std::size_t section = doc.find("## A complete small example");
  ASSERT_NE(section, std::string::npos);
  const std::size_t begin = doc.find("```json\n", section);
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = doc.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  auto c = MustLoad(doc.substr(begin + 8, end - begin - 8));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id(), "vh-voorbeeld");
  EXPECT_FALSE(c->FindOverlegvorm("briefing")->residents_only.empty());
  EXPECT_FALSE(c->FindOverlegvorm("radicalisering")->circle.empty());
}

TEST(PolicyLoaderTest, JsonPointerEscapesKeys) {
  EXPECT_EQ(JsonPointerToken("a/b~c"), "a~1b~0c");
  auto p =
      Problems(Replace(WithRule(kRule), R"("house": "huis",)", R"("house": "huis", "a/b": 1,)"));
  EXPECT_THAT(p, ElementsAre("t.json: /a~1b: unknown key 'a/b'"));
}

TEST(PolicyLoaderTest, ControlCharactersNeverReachTheLine) {
  auto p = Problems(Replace(WithRule(kRule), R"("chain": "zorg")", R"("chain": "z\nx")"));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].find('\n'), std::string::npos);
}

TEST(PolicyLoaderTest, MissingFileNamesIt) {
  std::vector<std::string> problems;
  auto c = LoadCovenantFile("/nonexistent/c.json", &problems);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(problems, ElementsAre("/nonexistent/c.json: /: cannot read the file"));
}

TEST(PolicyLoaderTest, CovenantTooLargeToCompileIsALoadError) {
  std::string partners;
  for (int i = 0; i < 1500; ++i) {
    partners += R"(, {"id": "x)" + std::to_string(i) +
                R"(", "name": "X", "chain": "overig", "signatory": true})";
  }
  std::string text = Replace(WithRule(kRule), R"("signatory": true}
  ],)",
                             R"("signatory": true})" + partners + "],");
  auto p = Problems(text);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0], HasSubstr("t.json: /: too large to compile"));
}

TEST(PolicyLoaderTest, StatusMessageHoldsAllLines) {
  std::string text = Replace(WithRule(kRule), R"("chain": "zorg")", R"("chain": "care")");
  text = Replace(text, R"("type": "integer")", R"("type": "int")");
  auto c = LoadCovenantText(text, "t.json", nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kUnprocessable);
  EXPECT_EQ(c.status().reason(), "invalid_covenant");
  const std::string msg = c.status().message();
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 1);
}

}  // namespace
}  // namespace vh::policy
