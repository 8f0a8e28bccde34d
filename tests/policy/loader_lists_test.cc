// The covenant-wide lists of policy/loader_lists.cc: notification_categories,
// outcomes and case_retention_days, with their defaults.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/loader.h"
#include "tests/policy/test_util.h"

namespace vh::policy {
namespace {

using ::testing::ElementsAre;
using ::vh::policy::testing::MustLoad;
using ::vh::policy::testing::Problems;
using ::vh::policy::testing::SmallCovenant;

constexpr const char* kListsRule =
    R"({"id": "B1", "field": "toezicht", "from": ["reclassering"], "to": ["@members"],
        "as": "full"})";

std::string WithTop(const std::string& keys) { return SmallCovenant(kListsRule, ", " + keys); }

std::vector<std::string> Ids(const auto& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e.id);
  return out;
}

TEST(PolicyLoaderListsTest, DefaultsWhenAbsent) {
  auto c = MustLoad(SmallCovenant(kListsRule));
  ASSERT_TRUE(c);
  EXPECT_EQ(Ids(c->outcomes()), (std::vector<std::string>{"focus", "bilateraal", "monitoren",
                                                          "verwijzen", "geen-vervolg"}));
  EXPECT_EQ(Ids(c->notification_categories()),
            (std::vector<std::string>{"aanhouding", "detentie", "zorgmelding", "overlast",
                                      "huiselijk-geweld", "radicalisering", "overig"}));
  ASSERT_TRUE(c->FindNotificationCategory("detentie"));
  EXPECT_TRUE(c->FindNotificationCategory("detentie")->release_date);
  EXPECT_FALSE(c->FindNotificationCategory("overlast")->release_date);
  EXPECT_EQ(c->FindNotificationCategory("nope"), nullptr);
  EXPECT_EQ(c->case_retention_days(), 365);
  EXPECT_EQ(c->case_retention_days(), Covenant::kDefaultCaseRetentionDays);
  for (const Outcome& o : c->outcomes()) EXPECT_FALSE(o.label.empty());
}

TEST(PolicyLoaderListsTest, RadicalisationIsARestrictedCategory) {
  auto c = MustLoad(SmallCovenant(kListsRule));
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->FindNotificationCategory("radicalisering")->restricted);
  EXPECT_FALSE(c->FindNotificationCategory("aanhouding")->restricted);
  auto d = MustLoad(WithTop(R"(
    "notification_categories": [{"id": "rad", "label": "Radicalisering", "restricted": true},
                                {"id": "overig", "label": "Overig"}])"));
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->FindNotificationCategory("rad")->restricted);
  EXPECT_FALSE(d->FindNotificationCategory("overig")->restricted);
}

TEST(PolicyLoaderListsTest, LoadsTheFilesLists) {
  auto c = MustLoad(WithTop(R"(
    "notification_categories": [{"id": "detentie", "label": "Detentie", "release_date": true},
                                {"id": "zsm", "label": "ZSM-melding", "release_date": false},
                                {"id": "overig", "label": "Overig"}],
    "outcomes": [{"id": "focus", "label": "Focus"}, {"id": "advies", "label": "Advies"}],
    "case_retention_days": 730)"));
  ASSERT_TRUE(c);
  EXPECT_EQ(Ids(c->notification_categories()),
            (std::vector<std::string>{"detentie", "zsm", "overig"}));
  EXPECT_TRUE(c->FindNotificationCategory("detentie")->release_date);
  EXPECT_FALSE(c->FindNotificationCategory("zsm")->release_date);
  EXPECT_FALSE(c->FindNotificationCategory("overig")->release_date);
  EXPECT_EQ(c->FindNotificationCategory("zsm")->label, "ZSM-melding");
  EXPECT_EQ(Ids(c->outcomes()), (std::vector<std::string>{"focus", "advies"}));
  ASSERT_TRUE(c->FindOutcome("advies"));
  EXPECT_EQ(c->FindOutcome("advies")->label, "Advies");
  EXPECT_EQ(c->FindOutcome("monitoren"), nullptr);  // the file's list replaces the default
  EXPECT_EQ(c->case_retention_days(), 730);
}

TEST(PolicyLoaderListsTest, NotificationCategoryProblems) {
  EXPECT_THAT(Problems(WithTop(R"("notification_categories": {})")),
              ElementsAre("t.json: /notification_categories: expected an array"));
  EXPECT_THAT(Problems(WithTop(R"("notification_categories": [])")),
              ElementsAre("t.json: /notification_categories: no categories (leave the key out "
                          "for the default list)"));
  EXPECT_THAT(
      Problems(WithTop(R"("notification_categories": [
          "detentie", {"label": "L"}, {"id": "a b", "label": "L"}, {"id": "x"},
          {"id": "y", "label": "Y", "release_date": "ja"}, {"id": "z", "label": "Z", "kleur": 1},
          {"id": "z", "label": "Z2"}])")),
      ElementsAre(
          "t.json: /notification_categories/0: expected an object",
          "t.json: /notification_categories/1/id: missing",
          "t.json: /notification_categories/2/id: invalid id 'a b' (1-64 characters: letters, "
          "digits, '-', '_', '.')",
          "t.json: /notification_categories/3/label: missing",
          "t.json: /notification_categories/4/release_date: expected true or false",
          "t.json: /notification_categories/5/kleur: unknown key 'kleur'",
          "t.json: /notification_categories/6/id: duplicate category id 'z'"));
}

TEST(PolicyLoaderListsTest, OutcomeProblems) {
  EXPECT_THAT(Problems(WithTop(R"("outcomes": "focus")")),
              ElementsAre("t.json: /outcomes: expected an array"));
  EXPECT_THAT(Problems(WithTop(R"("outcomes": [])")),
              ElementsAre("t.json: /outcomes: no outcomes (leave the key out for the default "
                          "list)"));
  EXPECT_THAT(
      Problems(WithTop(R"("outcomes": [
          3, {"id": "focus"}, {"id": "focus", "label": "F", "release_date": true},
          {"id": "geen-besluit", "label": "Geen besluit"}, {"id": "a", "label": ""},
          {"id": "b", "label": "B"}, {"id": "b", "label": "B"}])")),
      ElementsAre("t.json: /outcomes/0: expected an object", "t.json: /outcomes/1/label: missing",
                  "t.json: /outcomes/2/release_date: unknown key 'release_date'",
                  "t.json: /outcomes/2/id: duplicate outcome id 'focus'",
                  "t.json: /outcomes/3/id: 'geen-besluit' is reserved for meetings the "
                  "retention sweep closes",
                  "t.json: /outcomes/4/label: must not be empty",
                  "t.json: /outcomes/6/id: duplicate outcome id 'b'"));
}

TEST(PolicyLoaderListsTest, CaseRetentionDays) {
  for (const char* bad : {"0", "-1", "3651", "\"365\"", "36.5", "null"}) {
    EXPECT_THAT(Problems(WithTop(std::string(R"("case_retention_days": )") + bad)),
                ElementsAre("t.json: /case_retention_days: expected a whole number of days from 1 "
                            "to 3650"))
        << bad;
  }
  auto c = MustLoad(WithTop(R"("case_retention_days": 1)"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->case_retention_days(), 1);
}

TEST(PolicyLoaderListsTest, TheExampleCovenantsLists) {
  auto c = testing::Example();
  ASSERT_TRUE(c);
  EXPECT_EQ(Ids(c->outcomes()),
            (std::vector<std::string>{"focus", "bilateraal", "monitoren", "verwijzen",
                                      "geen-vervolg", "vrijwillig-traject", "opschalen",
                                      "agenderen-nazorg", "uitgestelde-beslissing", "advies"}));
  EXPECT_EQ(Ids(c->notification_categories()),
            (std::vector<std::string>{"aanhouding", "detentie", "zorgmelding", "overlast",
                                      "huiselijk-geweld", "radicalisering", "overig"}));
  for (const NotificationCategory& n : c->notification_categories()) {
    EXPECT_EQ(n.release_date, n.id == "detentie") << n.id;
  }
  EXPECT_EQ(c->case_retention_days(), 365);
}

}  // namespace
}  // namespace vh::policy
