#include "policy/filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/policy/test_util.h"

namespace vh::policy {
namespace {

using ::testing::HasSubstr;
using ::vh::policy::testing::MustLoad;
using ::vh::policy::testing::SmallCovenant;

std::shared_ptr<const Covenant> FilterCovenant() {
  return MustLoad(SmallCovenant(R"(
    {"id": "B1", "field": "toezicht", "from": ["reclassering"], "to": ["@members"], "as": "full"},
    {"id": "B2", "field": "toezicht", "from": ["reclassering"], "to": ["@ad_hoc"], "as": "presence",
     "client": true},
    {"id": "B3", "field": "persoon.geboortedatum", "from": ["@house"], "to": ["@members"], "as": "age",
     "client": true},
    {"id": "B5", "field": "persoon.geboortedatum", "from": ["@house"], "to": ["@ad_hoc"], "as": "year"},
    {"id": "B6", "field": "persoon.adres", "from": ["@house"], "to": ["@participants"],
     "as": "municipality"},
    {"id": "B7", "field": "notitie", "from": ["@chain:straf"], "to": ["@chain:straf"], "as": "full"},
    {"id": "B8", "field": "aantal", "from": ["@ad_hoc"], "to": ["@members"], "as": "full"},
    {"id": "B9", "field": "niveau", "from": ["om"], "to": ["@members"], "as": "full"})"));
}

Date D(int y, int m, int d) { return Date{y, m, d}; }

std::vector<SubjectAnswers> Answers() {
  std::vector<SubjectAnswers> a(1);
  a[0].ref = "S1";
  a[0].fields = {
      {"toezicht", {{"reclassering", true}, {"politie", false}}},
      {"persoon.geboortedatum", {{"huis", "1990-06-15"}}},
      {"persoon.adres",
       {{"huis", Json{{"straat", "Breestraat"},
                      {"huisnummer", "1"},
                      {"postcode", "2311AA"},
                      {"woonplaats", "Leiden"},
                      {"gemeente", "Leiden"}}}}},
      {"notitie", {{"om", "tekst"}, {"ggz", "zorgtekst"}}},
      {"aantal", {{"woco", 3}}},
      {"onbekend", {{"om", 1}}},
  };
  return a;
}

MeetingContext Meeting() {
  MeetingContext m;
  m.overlegvorm = "briefing";
  m.ad_hoc = {"woco", "ggz"};
  m.declarations_signed = {"woco"};
  m.starts_on = D(2026, 6, 14);
  return m;
}

TEST(PolicyFilterTest, MemberViewAppliesTransforms) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  auto answers = Answers();
  auto view = FilterDossier(*c, Meeting(), "politie", answers);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  const Json& fields = view->subjects[0]["fields"];
  EXPECT_EQ(view->subjects[0]["ref"], "S1");
  ASSERT_TRUE(fields.contains("toezicht"));
  ASSERT_EQ(fields["toezicht"].size(), 1u);  // politie's own value has no rule
  EXPECT_EQ(fields["toezicht"][0],
            (Json{{"value", true}, {"from", "reclassering"}, {"rule", "B1"}, {"as", "full"}}));
  EXPECT_EQ(fields["persoon.geboortedatum"][0]["value"], 35);  // birthday is tomorrow
  EXPECT_EQ(fields["persoon.geboortedatum"][0]["as"], "age");
  EXPECT_EQ(fields["persoon.adres"][0]["value"], "Leiden");
  ASSERT_EQ(fields["notitie"].size(), 1u);
  EXPECT_EQ(fields["notitie"][0]["from"], "om");
  ASSERT_TRUE(fields.contains("aantal"));  // woco is invited ad hoc: its answer is @ad_hoc
  EXPECT_EQ(fields["aantal"][0]["value"], 3);
  EXPECT_FALSE(fields.contains("onbekend"));
  EXPECT_EQ(view->shown + view->withheld, view->disclosures.size());
  EXPECT_EQ(view->disclosures.size(), 8u);
  // The audit list says why each withheld value was withheld.
  int checked = 0;
  for (const Disclosure& d : view->disclosures) {
    if (d.field == "toezicht" && d.supplier == "politie") {
      EXPECT_EQ(d.decision.reason, DenyReason::kSupplierNotAllowed);
      ++checked;
    }
    if (d.field == "onbekend") {
      EXPECT_EQ(d.decision.reason, DenyReason::kUnknownField);
      ++checked;
    }
    if (d.field == "notitie" && d.supplier == "ggz") {
      EXPECT_EQ(d.decision.reason, DenyReason::kSupplierNotAllowed);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3);
}

TEST(PolicyFilterTest, TextViewEqualsJsonView) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  auto answers = Answers();
  answers.push_back(SubjectAnswers{"S\"2", {{"toezicht", {{"reclassering", false}}}}});
  answers.push_back(SubjectAnswers{"S3", {}});
  FilterOptions both;
  both.text = true;
  for (const char* caller : {"politie", "woco", "ggz", "huis", "buiten"}) {
    auto view = FilterDossier(*c, Meeting(), caller, answers, both);
    ASSERT_TRUE(view.ok());
    auto parsed = ParseJson(view->subjects_text);
    ASSERT_TRUE(parsed.ok()) << view->subjects_text;
    EXPECT_EQ(*parsed, view->subjects) << caller;
  }
  FilterOptions text_only;
  text_only.json = false;
  text_only.text = true;
  auto view = FilterDossier(*c, Meeting(), "politie", answers, text_only);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->subjects.empty());
  EXPECT_FALSE(view->subjects_text.empty());
}

TEST(PolicyFilterTest, AdHocSupplierShownToMembers) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  auto answers = Answers();
  // woco is invited ad hoc in this meeting, so its answer counts as @ad_hoc.
  auto view = FilterDossier(*c, Meeting(), "om", answers);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->subjects[0]["fields"]["aantal"][0]["value"], 3);
  // Without the invitation it does not.
  MeetingContext m = Meeting();
  m.ad_hoc.clear();
  view = FilterDossier(*c, m, "om", answers);
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->subjects[0]["fields"].contains("aantal"));
}

TEST(PolicyFilterTest, AdHocRecipientNeedsSignedDeclaration) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  auto answers = Answers();
  auto view = FilterDossier(*c, Meeting(), "woco", answers);
  ASSERT_TRUE(view.ok());
  const Json& f = view->subjects[0]["fields"];
  EXPECT_EQ(f["toezicht"][0]["value"], true);  // presence
  EXPECT_EQ(f["toezicht"][0]["as"], "presence");
  EXPECT_EQ(f["persoon.geboortedatum"][0]["value"], 1990);  // year
  // @participants reaches the non-signatory invitee too (as an ad hoc invitee).
  ASSERT_TRUE(f.contains("persoon.adres"));
  EXPECT_EQ(f["persoon.adres"][0]["value"], "Leiden");
  EXPECT_EQ(f["persoon.adres"][0]["as"], "municipality");
  // ggz is invited but has not signed: nothing.
  view = FilterDossier(*c, Meeting(), "ggz", answers);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->subjects[0]["fields"].empty());
  EXPECT_EQ(view->shown, 0u);
  for (const Disclosure& d : view->disclosures) {
    EXPECT_EQ(d.decision.reason, DenyReason::kDeclarationNotSigned);
  }
}

TEST(PolicyFilterTest, NonParticipantClosedAndClientPresent) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  auto answers = Answers();
  auto view = FilterDossier(*c, Meeting(), "buiten", answers);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->shown, 0u);
  EXPECT_EQ(view->disclosures[0].decision.reason, DenyReason::kNotParticipant);

  MeetingContext m = Meeting();
  m.participants = {"om"};  // politie is a member but not at this meeting
  view = FilterDossier(*c, m, "politie", answers);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->shown, 0u);

  m = Meeting();
  m.closed = true;
  view = FilterDossier(*c, m, "politie", answers);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->shown, 0u);
  EXPECT_EQ(view->disclosures[0].decision.reason, DenyReason::kMeetingClosed);

  m = Meeting();
  m.client_present = true;
  view = FilterDossier(*c, m, "politie", answers);
  ASSERT_TRUE(view.ok());
  const Json& f = view->subjects[0]["fields"];
  EXPECT_FALSE(f.contains("toezicht"));
  EXPECT_TRUE(f.contains("persoon.geboortedatum"));  // B3 has client: true
}

TEST(PolicyFilterTest, ErrorsForUnknownCallerOrOverlegvorm) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  auto answers = Answers();
  EXPECT_EQ(FilterDossier(*c, Meeting(), "nobody", answers).status().code(),
            Code::kUnauthenticated);
  MeetingContext m = Meeting();
  m.overlegvorm = "gone";
  EXPECT_EQ(FilterDossier(*c, m, "om", answers).status().code(), Code::kNotFound);
}

TEST(PolicyFilterTest, InvalidStoredValueIsWithheld) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  std::vector<SubjectAnswers> a(1);
  a[0].ref = "S";
  a[0].fields = {{"persoon.geboortedatum", {{"huis", "geen datum"}}}};
  auto view = FilterDossier(*c, Meeting(), "om", a);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->shown, 0u);
  EXPECT_EQ(view->disclosures[0].decision.reason, DenyReason::kInvalidValue);
}

TEST(PolicyFilterTest, AgeAroundBirthdaysAndLeapDays) {
  EXPECT_EQ(AgeOn(D(1990, 6, 15), D(2026, 6, 14)), 35);
  EXPECT_EQ(AgeOn(D(1990, 6, 15), D(2026, 6, 15)), 36);
  EXPECT_EQ(AgeOn(D(1990, 6, 15), D(2026, 6, 16)), 36);
  EXPECT_EQ(AgeOn(D(1990, 12, 31), D(2027, 1, 1)), 36);
  // Born on 29 February: the birthday counts from 1 March in common years.
  EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2026, 2, 28)), 17);
  EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2026, 3, 1)), 18);
  EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2028, 2, 28)), 19);
  EXPECT_EQ(AgeOn(D(2008, 2, 29), D(2028, 2, 29)), 20);
  EXPECT_EQ(AgeOn(D(2000, 1, 1), D(2000, 1, 1)), 0);
  EXPECT_EQ(AgeOn(D(2000, 1, 2), D(2000, 1, 1)), -1);
}

TEST(PolicyFilterTest, Transforms) {
  Field date{"d", "D", FieldType::kDate, Category::kIdentificerend, {}, 0};
  Field addr{"a", "A", FieldType::kAddress, Category::kIdentificerend, {}, 0};
  Field text{"t", "T", FieldType::kText, Category::kGewoon, {}, 0};
  Json out;
  EXPECT_TRUE(ApplyTransform(date, Transform::kYear, "2008-02-29", D(2026, 1, 1), &out));
  EXPECT_EQ(out, 2008);
  EXPECT_TRUE(ApplyTransform(date, Transform::kAge, "2008-02-29", D(2026, 3, 1), &out));
  EXPECT_EQ(out, 18);
  EXPECT_TRUE(ApplyTransform(date, Transform::kFull, "2008-02-29", D(2026, 3, 1), &out));
  EXPECT_EQ(out, "2008-02-29");
  EXPECT_TRUE(ApplyTransform(addr, Transform::kMunicipality,
                             Json{{"straat", "x"}, {"gemeente", "Gouda"}}, D(2026, 1, 1), &out));
  EXPECT_EQ(out, "Gouda");
  EXPECT_TRUE(ApplyTransform(text, Transform::kPresence, "iets", D(2026, 1, 1), &out));
  EXPECT_EQ(out, true);
  EXPECT_TRUE(ApplyTransform(text, Transform::kPresence, nullptr, D(2026, 1, 1), &out));
  EXPECT_EQ(out, false);
  EXPECT_TRUE(ApplyTransform(text, Transform::kPresence, false, D(2026, 1, 1), &out));
  EXPECT_EQ(out, true);  // a value "false" is still a value
  EXPECT_TRUE(ApplyTransform(date, Transform::kYear, nullptr, D(2026, 1, 1), &out));
  EXPECT_TRUE(out.is_null());
  EXPECT_FALSE(ApplyTransform(date, Transform::kYear, "2021-02-29", D(2026, 1, 1), &out));
  EXPECT_FALSE(
      ApplyTransform(addr, Transform::kMunicipality, Json{{"straat", "x"}}, D(2026, 1, 1), &out));
  EXPECT_FALSE(ApplyTransform(text, Transform::kYear, "2020-01-01", D(2026, 1, 1), &out));
}

TEST(PolicyFilterTest, AnswersFromJson) {
  Json j = Json::parse(R"({"S1": {"toezicht": {"reclassering": true}}, "S2": {}})");
  auto a = AnswersFromJson(std::move(j));
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].ref, "S1");
  EXPECT_EQ((*a)[0].fields[0].values[0].supplier, "reclassering");
  EXPECT_FALSE(AnswersFromJson(Json::parse("[1]")).ok());
  EXPECT_FALSE(AnswersFromJson(Json::parse(R"({"S": {"f": 1}})")).ok());
}

// --- intake ---

TEST(PolicyIntakeTest, SplitsAcceptedAndWithheld) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  Json fields = {{"toezicht", true}, {"notitie", "x"}, {"aantal", 2}, {"bestaat.niet", 1}};
  auto r = SplitAnswer(*c, "briefing", "reclassering", false, fields);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->accepted, (Json{{"toezicht", true}, {"notitie", "x"}}));
  ASSERT_EQ(r->withheld.size(), 2u);
  EXPECT_EQ(r->withheld[0].field, "aantal");
  EXPECT_EQ(r->withheld[0].reason, "not_allowed_for_supplier");
  EXPECT_EQ(r->withheld[1].field, "bestaat.niet");
  EXPECT_EQ(r->withheld[1].reason, "not_in_covenant");
}

TEST(PolicyIntakeTest, AdHocSupplier) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  Json fields = {{"aantal", 4}};
  auto r = SplitAnswer(*c, "briefing", "woco", true, fields);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted, fields);
  r = SplitAnswer(*c, "briefing", "woco", false, fields);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->accepted.empty());
}

TEST(PolicyIntakeTest, WrongTypeIsUnprocessableNamingThePath) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  struct Bad {
    const char* field;
    Json value;
    const char* supplier;
  };
  const Bad bad[] = {
      {"toezicht", "ja", "reclassering"},
      {"notitie", 5, "om"},
      {"niveau", "middel", "om"},
      {"aantal", 2.5, "woco"},
      {"persoon.geboortedatum", "2021-02-29", "huis"},
      {"persoon.adres", "Breestraat 1", "huis"},
      {"persoon.adres", Json{{"straat", "x"}}, "huis"},
      {"persoon.adres", Json{{"gemeente", "Leiden"}, {"land", "NL"}}, "huis"},
      {"persoon.adres", Json{{"gemeente", 3}}, "huis"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.field);
    Json fields = {{b.field, b.value}};
    auto r = SplitAnswer(*c, "briefing", b.supplier, true, fields);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kUnprocessable);
    EXPECT_THAT(r.status().message(), HasSubstr(std::string("/fields/") + b.field));
  }
  EXPECT_EQ(SplitAnswer(*c, "briefing", "om", false, Json::array()).status().code(),
            Code::kUnprocessable);
  EXPECT_EQ(SplitAnswer(*c, "nope", "om", false, Json::object()).status().code(), Code::kNotFound);
  EXPECT_EQ(SplitAnswer(*c, "briefing", "nobody", false, Json::object()).status().code(),
            Code::kPermissionDenied);
}

TEST(PolicyIntakeTest, ValidValuesOfEveryType) {
  auto c = FilterCovenant();
  ASSERT_TRUE(c);
  Json addr = {{"straat", "Breestraat"},
               {"huisnummer", "1a"},
               {"postcode", "2311AA"},
               {"woonplaats", "Leiden"},
               {"gemeente", "Leiden"}};
  for (auto [field, value] :
       std::vector<std::pair<std::string, Json>>{{"persoon.naam", "Jan"},
                                                 {"persoon.geboortedatum", "2008-02-29"},
                                                 {"persoon.adres", addr},
                                                 {"persoon.adres", Json{{"gemeente", "Gouda"}}},
                                                 {"toezicht", false},
                                                 {"aantal", -3},
                                                 {"notitie", std::string(5000, 'x')},
                                                 {"niveau", "hoog"},
                                                 {"toezicht", nullptr}}) {
    Field const* f = c->FindField(field);
    ASSERT_TRUE(f);
    EXPECT_TRUE(ValidateValue(*f, value, "/fields/" + field).ok()) << field << value.dump();
  }
  EXPECT_FALSE(ValidateValue(*c->FindField("persoon.naam"), std::string(2000, 'x'), "/x").ok());
}

// briefing with gemeente (Leiden) and the ad hoc invitees seeing residents only.
std::shared_ptr<const Covenant> ResidentsCovenant() {
  std::string text = SmallCovenant(R"(
    {"id": "B1", "field": "toezicht", "from": ["reclassering"], "to": ["@participants"],
     "as": "full"},
    {"id": "B2", "field": "notitie", "from": ["@house"], "to": ["@participants", "@house"],
     "as": "full"})");
  text = testing::Replaced(
      text, R"({"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true})",
      R"({"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true,
          "municipality": "Leiden"})");
  text =
      testing::Replaced(text, R"({"id": "ggz", "name": "G", "chain": "zorg",)",
                        R"({"id": "ggz", "municipality": "Gouda", "name": "G", "chain": "zorg",)");
  return MustLoad(testing::Replaced(text,
                                    R"("ad_hoc": true, "restricted": false, "retention_days": 90,)",
                                    R"("ad_hoc": true, "restricted": false, "retention_days": 90,
         "residents_only": ["gemeente", "@ad_hoc"],)"));
}

// S1 lives in Leiden, S2 in Gouda, S3 nobody knows where.
std::vector<SubjectAnswers> ResidentsAnswers() {
  std::vector<SubjectAnswers> a;
  for (auto [ref, municipality] :
       {std::pair{"S1", " leiden"}, std::pair{"S2", "Gouda"}, std::pair{"S3", ""}}) {
    SubjectAnswers s;
    s.ref = ref;
    s.municipality = municipality;
    s.fields = {{"toezicht", {{"reclassering", true}}}, {"notitie", {{"huis", "reden"}}}};
    a.push_back(std::move(s));
  }
  return a;
}

std::vector<std::string> Refs(const DossierView& v) {
  std::vector<std::string> out;
  for (const Json& s : v.subjects) out.push_back(s["ref"]);
  return out;
}

TEST(PolicyFilterTest, ResidentsOnlyCallerSeesOnlyItsResidents) {
  auto c = ResidentsCovenant();
  ASSERT_TRUE(c);
  const auto answers = ResidentsAnswers();
  MeetingContext m = Meeting();
  m.ad_hoc = {"ggz", "woco"};
  m.declarations_signed = {"ggz"};
  FilterOptions both;
  both.text = true;
  auto view = FilterDossier(*c, m, "gemeente", answers, both);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(Refs(*view), (std::vector<std::string>{"S1"}));
  EXPECT_EQ(view->subjects[0]["fields"]["toezicht"][0]["value"], true);
  ASSERT_EQ(view->disclosures.size(), 2u);  // S1's two values; nothing about S2 or S3
  for (const Disclosure& d : view->disclosures) {
    EXPECT_EQ(d.subject, "S1");
    EXPECT_TRUE(d.decision.allowed);
  }
  EXPECT_EQ(view->shown, 2u);
  EXPECT_EQ(view->withheld, 0u);
  EXPECT_EQ(view->subjects_text.find("S2"), std::string::npos);
  EXPECT_EQ(view->subjects_text.find("S3"), std::string::npos);
  auto parsed = ParseJson(view->subjects_text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, view->subjects);
  // The signed ad hoc invitee (through @ad_hoc) sees Gouda's resident only.
  view = FilterDossier(*c, m, "ggz", answers, both);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(Refs(*view), (std::vector<std::string>{"S2"}));
  EXPECT_EQ(ParseJson(view->subjects_text).value(), view->subjects);
  // An invitee without a municipality sees nobody, not even before signing.
  view = FilterDossier(*c, m, "woco", answers, both);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->subjects.empty());
  EXPECT_TRUE(view->disclosures.empty());
  EXPECT_EQ(view->subjects_text, "[]");
  // Everyone else sees every subject.
  for (const char* caller : {"politie", "om", "huis"}) {
    view = FilterDossier(*c, m, caller, answers, both);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(Refs(*view), (std::vector<std::string>{"S1", "S2", "S3"})) << caller;
    EXPECT_EQ(view->disclosures.size(), 6u) << caller;
  }
  // A residents-only member not taking part: its residents' values withheld,
  // the others not even listed.
  m.participants = {"politie"};
  view = FilterDossier(*c, m, "gemeente", answers, both);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(Refs(*view), (std::vector<std::string>{"S1"}));
  ASSERT_EQ(view->disclosures.size(), 2u);
  EXPECT_EQ(view->disclosures[0].decision.reason, DenyReason::kNotParticipant);
  // Last subject left out: the text view still closes properly.
  std::vector<SubjectAnswers> reversed(answers.rbegin(), answers.rend());
  m.participants.clear();
  view = FilterDossier(*c, m, "gemeente", reversed, both);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(Refs(*view), (std::vector<std::string>{"S1"}));
  EXPECT_EQ(ParseJson(view->subjects_text).value(), view->subjects);
}

}  // namespace
}  // namespace vh::policy
