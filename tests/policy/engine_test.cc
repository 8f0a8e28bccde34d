#include "policy/engine.h"

#include <gtest/gtest.h>

#include "tests/policy/test_util.h"

namespace vh::policy {
namespace {

using ::vh::policy::testing::Example;
using ::vh::policy::testing::MustLoad;
using ::vh::policy::testing::SmallCovenant;

// A covenant exercising every group and the precedence rules.
std::shared_ptr<const Covenant> Small() {
  return MustLoad(SmallCovenant(R"(
    {"id": "B1", "field": "toezicht", "from": ["reclassering"], "to": ["@members"], "as": "full"},
    {"id": "B2", "field": "toezicht", "from": ["reclassering"], "to": ["@ad_hoc"], "as": "presence",
     "client": true},
    {"id": "B3", "field": "persoon.geboortedatum", "from": ["@house"], "to": ["@members"], "as": "full",
     "client": true},
    {"id": "B4", "field": "persoon.geboortedatum", "from": ["@house"], "to": ["@members"], "as": "age"},
    {"id": "B5", "field": "persoon.geboortedatum", "from": ["@house"], "to": ["@ad_hoc"], "as": "year"},
    {"id": "B6", "field": "persoon.adres", "from": ["@house"], "to": ["@participants"],
     "as": "municipality", "client": true},
    {"id": "B7", "field": "notitie", "from": ["@chain:straf"], "to": ["@chain:straf", "@house"],
     "as": "full"},
    {"id": "B8", "field": "aantal", "from": ["@ad_hoc"], "to": ["@participants"], "as": "full"},
    {"id": "B9", "field": "niveau", "from": ["@members"], "to": ["om"], "as": "full"})"));
}

struct Case {
  const char* name;
  const char* field;
  const char* from;
  const char* to;
  bool to_ad_hoc;
  bool client;
  bool from_ad_hoc;
  bool allowed;
  const char* rule;   // when allowed
  Transform as;       // when allowed
  DenyReason reason;  // when denied
};

TEST(PolicyEngineTest, DecisionTable) {
  auto c = Small();
  ASSERT_TRUE(c);
  const Case cases[] = {
      {"member gets full", "toezicht", "reclassering", "om", false, false, false, true, "B1",
       Transform::kFull, DenyReason::kNone},
      {"client hides client:false", "toezicht", "reclassering", "om", false, true, false, false, "",
       Transform::kFull, DenyReason::kClientPresent},
      {"wrong supplier", "toezicht", "politie", "om", false, false, false, false, "",
       Transform::kFull, DenyReason::kSupplierNotAllowed},
      {"non-participant", "toezicht", "reclassering", "ggz", false, false, false, false, "",
       Transform::kFull, DenyReason::kNotParticipant},
      {"signatory ad hoc gets presence", "toezicht", "reclassering", "ggz", true, false, false,
       true, "B2", Transform::kPresence, DenyReason::kNone},
      {"ad hoc with client (client:true)", "toezicht", "reclassering", "ggz", true, true, false,
       true, "B2", Transform::kPresence, DenyReason::kNone},
      {"non-signatory ad hoc through @ad_hoc", "toezicht", "reclassering", "woco", true, false,
       false, true, "B2", Transform::kPresence, DenyReason::kNone},
      {"least revealing wins: age over full", "persoon.geboortedatum", "huis", "politie", false,
       false, false, true, "B4", Transform::kAge, DenyReason::kNone},
      {"client present: only client:true rule", "persoon.geboortedatum", "huis", "politie", false,
       true, false, true, "B3", Transform::kFull, DenyReason::kNone},
      {"ad hoc gets the year", "persoon.geboortedatum", "huis", "ggz", true, false, false, true,
       "B5", Transform::kYear, DenyReason::kNone},
      {"house is not a member", "persoon.geboortedatum", "huis", "huis", false, false, false, false,
       "", Transform::kFull, DenyReason::kRecipientNotAllowed},
      {"participants: member", "persoon.adres", "huis", "gemeente", false, true, false, true, "B6",
       Transform::kMunicipality, DenyReason::kNone},
      {"non-signatory ad hoc via @participants", "persoon.adres", "huis", "woco", true, false,
       false, true, "B6", Transform::kMunicipality, DenyReason::kNone},
      {"non-signatory not invited: not via @participants", "persoon.adres", "huis", "woco", false,
       false, false, false, "", Transform::kFull, DenyReason::kNotParticipant},
      {"chain: straf member", "notitie", "om", "politie", false, false, false, true, "B7",
       Transform::kFull, DenyReason::kNone},
      {"chain: zorg supplier refused", "notitie", "ggz", "politie", false, false, false, false, "",
       Transform::kFull, DenyReason::kSupplierNotAllowed},
      {"chain: non-member straf must take part", "notitie", "om", "buiten", false, false, false,
       false, "", Transform::kFull, DenyReason::kNotParticipant},
      {"chain: straf ad hoc takes part", "notitie", "om", "buiten", true, false, false, true, "B7",
       Transform::kFull, DenyReason::kNone},
      {"chain: bestuur member not in to", "notitie", "om", "gemeente", false, false, false, false,
       "", Transform::kFull, DenyReason::kRecipientNotAllowed},
      {"@house recipient", "notitie", "politie", "huis", false, false, false, true, "B7",
       Transform::kFull, DenyReason::kNone},
      {"@ad_hoc supplier", "aantal", "woco", "om", false, false, true, true, "B8", Transform::kFull,
       DenyReason::kNone},
      {"not invited: no @ad_hoc supply", "aantal", "woco", "om", false, false, false, false, "",
       Transform::kFull, DenyReason::kSupplierNotAllowed},
      {"member is never @ad_hoc supplier", "aantal", "politie", "om", false, false, true, false, "",
       Transform::kFull, DenyReason::kSupplierNotAllowed},
      {"explicit recipient", "niveau", "politie", "om", false, false, false, true, "B9",
       Transform::kFull, DenyReason::kNone},
      {"explicit recipient, other member", "niveau", "politie", "reclassering", false, false, false,
       false, "", Transform::kFull, DenyReason::kRecipientNotAllowed},
      {"no rule for field", "persoon.bsn", "huis", "om", false, false, false, false, "",
       Transform::kFull, DenyReason::kNoRuleForField},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    Decision d =
        Decide(*c, "briefing", k.field, k.from, k.to, k.to_ad_hoc, k.client, k.from_ad_hoc);
    EXPECT_EQ(d.allowed, k.allowed);
    EXPECT_EQ(d.covenant_sha256, c->sha256());
    if (k.allowed) {
      ASSERT_TRUE(d.rule);
      EXPECT_EQ(d.rule->id, k.rule);
      EXPECT_EQ(d.as, k.as);
    } else {
      EXPECT_EQ(d.rule, nullptr);
      EXPECT_EQ(d.reason, k.reason) << DenyReasonCode(d.reason);
    }
  }
}

TEST(PolicyEngineTest, DeniesUnknownInputs) {
  auto c = Small();
  ASSERT_TRUE(c);
  EXPECT_EQ(Decide(*c, "nope", "toezicht", "reclassering", "om", false, false).reason,
            DenyReason::kUnknownOverlegvorm);
  EXPECT_EQ(Decide(*c, "briefing", "nope", "reclassering", "om", false, false).reason,
            DenyReason::kUnknownField);
  EXPECT_EQ(Decide(*c, "briefing", "toezicht", "nope", "om", false, false).reason,
            DenyReason::kUnknownSupplier);
  EXPECT_EQ(Decide(*c, "briefing", "toezicht", "reclassering", "", false, false).reason,
            DenyReason::kUnknownRecipient);
  Flow f{0, 0, 1000, -5, false, false, false};
  EXPECT_FALSE(Decide(*c, f).allowed);
  f = Flow{99, 0, 0, 0, false, false, false};
  EXPECT_EQ(Decide(*c, f).reason, DenyReason::kUnknownOverlegvorm);
}

TEST(PolicyEngineTest, RestrictedOverlegvormAdmitsNoAdHoc) {
  auto c = Small();
  ASSERT_TRUE(c);
  EXPECT_TRUE(Decide(*c, "rad", "notitie", "politie", "gemeente", false, false).allowed);
  Decision d = Decide(*c, "rad", "notitie", "politie", "om", true, false);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, DenyReason::kAdHocNotAdmitted);
}

TEST(PolicyEngineTest, SuppliableFieldsAndMaySupply) {
  auto c = Small();
  ASSERT_TRUE(c);
  const Overlegvorm& o = *c->FindOverlegvorm("briefing");
  auto names = [](const std::vector<const Field*>& v) {
    std::vector<std::string> out;
    for (const Field* f : v) out.push_back(f->id);
    return out;
  };
  EXPECT_EQ(names(SuppliableFields(*c, o, "reclassering")),
            (std::vector<std::string>{"toezicht", "notitie", "niveau"}));
  EXPECT_EQ(names(SuppliableFields(*c, o, "huis")),
            (std::vector<std::string>{"persoon.geboortedatum", "persoon.adres"}));
  EXPECT_EQ(names(SuppliableFields(*c, o, "woco", true)), (std::vector<std::string>{"aantal"}));
  EXPECT_TRUE(SuppliableFields(*c, o, "woco", false).empty());
  EXPECT_TRUE(SuppliableFields(*c, o, "nobody").empty());
  EXPECT_TRUE(MaySupply(*c, o, *c->FindField("toezicht"), "reclassering"));
  EXPECT_FALSE(MaySupply(*c, o, *c->FindField("toezicht"), "politie"));
  std::vector<std::string> suppliers;
  for (const Partner* p : RequestSuppliers(*c, o, {"woco"})) suppliers.push_back(p->id);
  EXPECT_EQ(suppliers, (std::vector<std::string>{"politie", "om", "reclassering", "gemeente",
                                                 "woco", "buiten"}));
}

TEST(PolicyEngineTest, ExampleCovenantFlows) {
  auto c = Example();
  ASSERT_TRUE(c);
  // The contract's example rule: reclassering's running supervision to members.
  Decision d =
      Decide(*c, "briefing", "justitie.lopend_toezicht", "reclassering", "politie", false, false);
  EXPECT_TRUE(d.allowed);
  // Briefing: politie, om, reclassering and a gemeente each supply something.
  const Overlegvorm& b = *c->FindOverlegvorm("briefing");
  for (const char* s : {"politie", "om", "reclassering", "gemeente-leiden"}) {
    EXPECT_FALSE(SuppliableFields(*c, b, s).empty()) << s;
  }
  EXPECT_EQ(
      Decide(*c, "briefing", "gemeente.schuldhulp", "gemeente-gouda", "politie", false, false).as,
      Transform::kPresence);
  // The housing corporation takes part ad hoc and receives through @ad_hoc.
  d = Decide(*c, "briefing", "persoon.adres", "veiligheidshuis-hm", "woningcorporatie", true,
             false);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.as, Transform::kMunicipality);
  EXPECT_FALSE(Decide(*c, "briefing", "persoon.adres", "veiligheidshuis-hm", "woningcorporatie",
                      false, false)
                   .allowed);
  // Radicalisering: restricted, no ad hoc.
  EXPECT_FALSE(
      Decide(*c, "radicalisering", "persoon.naam", "veiligheidshuis-hm", "ggd", true, false)
          .allowed);
  // client: true and client: false rules both exist.
  EXPECT_TRUE(
      Decide(*c, "briefing", "persoon.naam", "veiligheidshuis-hm", "om", false, true).allowed);
  EXPECT_EQ(Decide(*c, "briefing", "casus.reden_melding", "politie", "om", false, true).reason,
            DenyReason::kClientPresent);
}

// briefing: gemeente sees only residents of Leiden; ad hoc partners only
// their own residents too (woco lives in Gouda's covenant, buiten has none).
std::shared_ptr<const Covenant> Residents() {
  std::string text = SmallCovenant(R"(
    {"id": "B1", "field": "toezicht", "from": ["reclassering"], "to": ["@members"], "as": "full"},
    {"id": "B2", "field": "notitie", "from": ["@members", "@ad_hoc"], "to": ["@participants"],
     "as": "full"},
    {"id": "B3", "field": "aantal", "from": ["@house"], "to": ["@house"], "as": "full"})");
  text = testing::Replaced(
      text, R"({"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true})",
      R"({"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true,
          "municipality": "Leiden"})");
  text = testing::Replaced(
      text, R"({"id": "woco", "name": "W", "chain": "overig",)",
      R"({"id": "woco", "municipality": "Gouda", "name": "W", "chain": "overig",)");
  return MustLoad(testing::Replaced(text,
                                    R"("ad_hoc": true, "restricted": false, "retention_days": 90,)",
                                    R"("ad_hoc": true, "restricted": false, "retention_days": 90,
         "residents_only": ["gemeente", "@ad_hoc"],)"));
}

TEST(PolicyEngineTest, SameMunicipalityTrimsAndFoldsAsciiCase) {
  EXPECT_TRUE(SameMunicipality("Leiden", "Leiden"));
  EXPECT_TRUE(SameMunicipality("Leiden", " leiden\t"));
  EXPECT_TRUE(SameMunicipality("ALPHEN AAN DEN RIJN", "Alphen aan den Rijn"));
  EXPECT_TRUE(SameMunicipality("'s-Hertogenbosch", "'S-HERTOGENBOSCH"));
  EXPECT_TRUE(SameMunicipality("Súdwest-Fryslân", "súdwest-fryslân"));
  EXPECT_FALSE(SameMunicipality("SÚDWEST-FRYSLÂN", "súdwest-fryslân"));  // ASCII folding only
  EXPECT_FALSE(SameMunicipality("Leiden", "Leiderdorp"));
  EXPECT_FALSE(SameMunicipality("Leiden", "Lei den"));
  EXPECT_FALSE(SameMunicipality("", ""));  // unknown is nobody's
  EXPECT_FALSE(SameMunicipality("  ", " "));
  EXPECT_FALSE(SameMunicipality("Leiden", ""));
  EXPECT_EQ(TrimAscii(" \t\r\nLeiden \v\f"), "Leiden");
}

TEST(PolicyEngineTest, ResidentsOnlyDeniesNonResidentsBeforeTheRules) {
  auto c = Residents();
  ASSERT_TRUE(c);
  // (field, from, to, to ad hoc, subject resident) -> allowed / reason
  Decision d =
      Decide(*c, "briefing", "toezicht", "reclassering", "gemeente", false, false, false, true);
  EXPECT_TRUE(d.allowed);
  d = Decide(*c, "briefing", "toezicht", "reclassering", "gemeente", false, false, false, false);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, DenyReason::kNotResident);
  EXPECT_EQ(d.rule, nullptr);
  EXPECT_EQ(DenyReasonCode(d.reason), "not_resident");
  // The default of the id form is "not known to be resident".
  EXPECT_EQ(Decide(*c, "briefing", "toezicht", "reclassering", "gemeente", false, false).reason,
            DenyReason::kNotResident);
  // Others see every subject whatever its residence.
  EXPECT_TRUE(
      Decide(*c, "briefing", "toezicht", "reclassering", "politie", false, false, false, false)
          .allowed);
  EXPECT_TRUE(Decide(*c, "briefing", "aantal", "huis", "huis", false, false, false, false).allowed);
  // @ad_hoc: an invitee only as an invitee.
  EXPECT_EQ(Decide(*c, "briefing", "notitie", "om", "woco", true, false, false, false).reason,
            DenyReason::kNotResident);
  EXPECT_TRUE(Decide(*c, "briefing", "notitie", "om", "woco", true, false, false, true).allowed);
  // A field no rule names stays "no rule" (the covenant, not the subject).
  EXPECT_EQ(Decide(*c, "briefing", "persoon.bsn", "huis", "gemeente", false, false).reason,
            DenyReason::kNoRuleForField);
  // Not named in the other overlegvorm.
  EXPECT_TRUE(Decide(*c, "rad", "notitie", "politie", "gemeente", false, false).allowed);
}

TEST(PolicyEngineTest, SubjectExistsForAndAskAbout) {
  auto c = Residents();
  ASSERT_TRUE(c);
  const Overlegvorm& o = *c->FindOverlegvorm("briefing");
  const int gemeente = c->PrincipalIndex("gemeente");
  EXPECT_TRUE(IsResident(*c, gemeente, " LEIDEN "));
  EXPECT_FALSE(IsResident(*c, gemeente, "Gouda"));
  EXPECT_FALSE(IsResident(*c, gemeente, ""));
  EXPECT_FALSE(IsResident(*c, c->PrincipalIndex("politie"), "Leiden"));  // no municipality
  EXPECT_FALSE(IsResident(*c, c->house_index(), "Leiden"));
  EXPECT_FALSE(IsResident(*c, -1, "Leiden"));
  EXPECT_TRUE(SubjectExistsFor(*c, o, gemeente, false, "Leiden"));
  EXPECT_FALSE(SubjectExistsFor(*c, o, gemeente, false, "Gouda"));
  EXPECT_FALSE(SubjectExistsFor(*c, o, gemeente, false, ""));
  EXPECT_TRUE(SubjectExistsFor(*c, o, c->PrincipalIndex("politie"), false, ""));
  EXPECT_TRUE(SubjectExistsFor(*c, o, c->house_index(), false, ""));
  // Suppliers: asked only about subjects that exist for them.
  EXPECT_TRUE(AskAbout(*c, o, "gemeente", false, "leiden"));
  EXPECT_FALSE(AskAbout(*c, o, "gemeente", false, "Gouda"));
  EXPECT_FALSE(AskAbout(*c, o, "gemeente", false, ""));
  EXPECT_TRUE(AskAbout(*c, o, "politie", false, ""));
  EXPECT_TRUE(AskAbout(*c, o, "woco", true, "Gouda"));
  EXPECT_FALSE(AskAbout(*c, o, "woco", true, "Leiden"));
  EXPECT_FALSE(AskAbout(*c, o, "woco", false, "Gouda"));  // not invited: supplies nothing
  EXPECT_FALSE(AskAbout(*c, o, "ggz", false, "Leiden"));  // supplies nothing
  EXPECT_FALSE(AskAbout(*c, o, "bakkerij", false, "Leiden"));
  auto ids = [](const std::vector<const Partner*>& v) {
    std::vector<std::string> out;
    for (const Partner* p : v) out.push_back(p->id);
    return out;
  };
  EXPECT_EQ(ids(RequestSuppliersAbout(*c, o, {"woco", "ggz"}, "Leiden")),
            (std::vector<std::string>{"politie", "om", "reclassering", "gemeente"}));
  EXPECT_EQ(ids(RequestSuppliersAbout(*c, o, {"woco", "ggz"}, "Gouda")),
            (std::vector<std::string>{"politie", "om", "reclassering", "woco"}));
  EXPECT_EQ(ids(RequestSuppliersAbout(*c, o, {"woco"}, "")),
            (std::vector<std::string>{"politie", "om", "reclassering"}));
  EXPECT_EQ(ids(RequestSuppliers(*c, o, {"woco"})),
            (std::vector<std::string>{"politie", "om", "reclassering", "gemeente", "woco"}));
}

// A non-signatory receives as an ad hoc invitee through @ad_hoc or
// @participants, never through @chain, by name or as a member.
TEST(PolicyEngineTest, NonSignatoryOnlyAsAdHocInvitee) {
  auto c = MustLoad(SmallCovenant(R"(
    {"id": "B1", "field": "notitie", "from": ["om"], "to": ["@participants"], "as": "full"},
    {"id": "B2", "field": "toezicht", "from": ["om"], "to": ["@chain:overig"], "as": "full"},
    {"id": "B3", "field": "aantal", "from": ["om"], "to": ["@ad_hoc"], "as": "full"})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(Decide(*c, "briefing", "notitie", "om", "woco", true, false).rule_id(), "B1");
  EXPECT_EQ(Decide(*c, "briefing", "notitie", "om", "woco", false, false).reason,
            DenyReason::kNotParticipant);
  EXPECT_EQ(Decide(*c, "briefing", "toezicht", "om", "woco", true, false).reason,
            DenyReason::kNonSignatory);
  EXPECT_EQ(Decide(*c, "briefing", "aantal", "om", "woco", true, false).rule_id(), "B3");
  // Restricted: nobody ad hoc, @participants is the members.
  EXPECT_EQ(Decide(*c, "rad", "notitie", "politie", "woco", true, false).reason,
            DenyReason::kAdHocNotAdmitted);
}

TEST(PolicyEngineTest, EveryReasonHasCodeAndText) {
  for (int r = 0; r <= static_cast<int>(DenyReason::kNotResident); ++r) {
    EXPECT_NE(DenyReasonCode(static_cast<DenyReason>(r)), "unknown");
    EXPECT_NE(DenyReasonText(static_cast<DenyReason>(r)), "unknown");
  }
}

TEST(PolicyEngineTest, RevealOrder) {
  EXPECT_LT(RevealRank(Transform::kPresence), RevealRank(Transform::kYear));
  EXPECT_LT(RevealRank(Transform::kYear), RevealRank(Transform::kAge));
  EXPECT_LT(RevealRank(Transform::kAge), RevealRank(Transform::kFull));
  EXPECT_LT(RevealRank(Transform::kPresence), RevealRank(Transform::kMunicipality));
  EXPECT_LT(RevealRank(Transform::kMunicipality), RevealRank(Transform::kFull));
}

}  // namespace
}  // namespace vh::policy
