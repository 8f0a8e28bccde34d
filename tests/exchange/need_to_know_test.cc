// Need-to-know in the exchange's typed API, with its real parts
// (the example covenant, a real audit log and case store) and fake time: the
// sweep closing and shredding a meeting nobody closed; the rendered view
// shared by the people who may see it and refused to those who may not, also
// after a reload changes the declaration; meeting-scoped pseudonyms; the
// subject's municipality from its address; every refusal an event.

#include <gtest/gtest.h>

#include "tests/exchange/exchange_fixture.h"

namespace vh::exchange {
namespace {

audit::Actor Person(const std::string& partner, const std::string& cn) {
  return {partner, "participant", cn, "fp-" + cn, "r"};
}

class NeedToKnowTest : public testing::ExchangeFixture {
 protected:
  NeedToKnowTest() : ExchangeFixture("vh_ntk") {}

  exchange::CreateMeeting Briefing(bool with_bsn = true) {
    exchange::CreateMeeting m;
    m.overlegvorm = "briefing";
    m.title = "Briefing";
    m.starts_at = *ParseUtc("2026-11-24T09:00:00Z");
    m.ends_at = *ParseUtc("2026-11-24T12:00:00Z");
    m.ad_hoc = {"woningcorporatie"};
    SubjectEntry s{"S1",
                   {{"persoon.naam", "Synthetisch Persoon"}},
                   "melding (synthetisch)",
                   std::nullopt,
                   std::nullopt};
    if (with_bsn) s.identity["persoon.bsn"] = "123456782";
    m.subjects = {s};
    return m;
  }
  std::string Create(const exchange::CreateMeeting& m) {
    auto r = service_->CreateMeeting(Coordinator(), m);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : "";
  }
};

TEST_F(NeedToKnowTest, TheSweepClosesAMeetingNobodyClosedAndShredsItAfterItsRetention) {
  const std::string forgotten = Create(Briefing());
  const std::string closed_in_time = Create(Briefing());
  // Within the day's grace after ends_at: still open, and a coordinator may close it.
  clock_.Set(*ParseUtc("2026-11-25T11:59:59Z"));
  auto run = service_->RunRetention(System());
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->closed.empty());
  ASSERT_TRUE(service_->Close(Coordinator(), closed_in_time, {{{"S1", "focus"}}}).ok());

  clock_.Set(*ParseUtc("2026-11-25T12:00:01Z"));
  run = service_->RunRetention(System());
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->closed.size(), 1u);
  EXPECT_EQ(run->closed[0].id, forgotten);
  EXPECT_EQ(run->closed[0].retention_until, *ParseUtc("2027-02-22T12:00:00Z")) << "ends_at + 90d";
  EXPECT_EQ(run->closed[0].outcomes, (std::vector<SubjectOutcome>{{"S1", "geen-besluit"}}));
  EXPECT_TRUE(run->shredded.empty());
  auto m = service_->GetMeeting(Coordinator(), forgotten);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, MeetingState::kClosed);
  EXPECT_EQ(m->subjects[0].outcome, "geen-besluit");
  EXPECT_EQ(CountEvents(audit::kMeetingClosed), 2 + 2) << "the coordinator's close and the sweep's";
  EXPECT_EQ(service_->RunRetention(System())->closed.size(), 0u) << "closed once";

  clock_.Set(*ParseUtc("2027-02-22T12:00:00Z"));
  run = service_->RunRetention(System());
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->shredded.size(), 1u);
  EXPECT_EQ(run->shredded[0].id, forgotten);
  EXPECT_EQ(cases_->GetMeeting(forgotten)->state, store::kMeetingShredded);
  EXPECT_EQ(cases_->GetMeeting(closed_in_time)->state, store::kMeetingClosed)
      << "its retention runs from its close";
}

TEST_F(NeedToKnowTest, AViewIsSharedByThoseWhoMaySeeItAndRefusedToOthers) {
  const std::string id = Create(Briefing());
  const audit::Actor d = Person("woningcorporatie", "Wijkconsulent-D");
  const audit::Actor l = Person("woningcorporatie", "Wijkconsulent-L");
  auto decl = service_->GetDeclaration(d, id);
  ASSERT_TRUE(decl.ok());
  EXPECT_EQ(decl->state, DeclarationState::kUnsigned);
  ASSERT_TRUE(service_->SignDeclaration(d, id, {decl->text_sha256}).ok());
  auto seen_by_d = service_->DossierBody(d, id);
  ASSERT_TRUE(seen_by_d.ok()) << seen_by_d.status().ToString();
  // The same person with another certificate has not signed with it.
  audit::Actor renewed = d;
  renewed.fingerprint = "fp-new";
  EXPECT_EQ(service_->DossierBody(renewed, id).status().reason(), "declaration_not_signed");
  EXPECT_EQ(service_->DossierBody(l, id).status().reason(), "declaration_not_signed");
  EXPECT_EQ(service_->GetMeeting(l, id)->limited, true);
  ASSERT_TRUE(service_->SignDeclaration(l, id, {decl->text_sha256}).ok());
  auto seen_by_l = service_->DossierBody(l, id);
  ASSERT_TRUE(seen_by_l.ok());
  EXPECT_EQ(*seen_by_l, *seen_by_d);
  EXPECT_EQ(*service_->DossierBody(Person("politie", "J.de-Vries"), id),
            *service_->DossierBody(Person("politie", "Wijkagent-M"), id))
      << "a member's view is the partner's";

  // A reload that changes the declaration: both outdated, the view too.
  std::string changed = covenant_text_;
  const std::string marker = "\"declaration\": \"Ondergetekende";
  changed.replace(changed.find(marker), marker.size(),
                  "\"declaration\": \"Herzien: Ondergetekende");
  LoadCovenant(changed);
  EXPECT_EQ(service_->DossierBody(d, id).status().reason(), "declaration_outdated");
  EXPECT_EQ(service_->GetDeclaration(l, id)->state, DeclarationState::kOutdated);
  EXPECT_EQ(service_->GetMeeting(d, id)->declaration, DeclarationState::kOutdated);
  EXPECT_EQ(service_->GetMeeting(Coordinator(), id)->ad_hoc[0].declaration_signed, false);
  const int refused = CountEvents(audit::kAccessRefused);
  EXPECT_EQ(refused, 3) << "every refusal is an event";
}

TEST_F(NeedToKnowTest, ASubjectWithoutBsnHasAPseudonymOfItsMeeting) {
  const std::string a = Create(Briefing(false));
  const std::string b = Create(Briefing(false));
  const std::string c = Create(Briefing(true));
  auto subject = [&](const std::string& id) { return cases_->Subjects(id)->at(0).pseudonym; };
  EXPECT_NE(subject(a), subject(b));
  EXPECT_EQ(subject(a), audit_->pseudonymizer().MeetingSubjectPseudonym(a, "S1"));
  EXPECT_EQ(subject(c), audit_->pseudonymizer().SubjectPseudonym("123456782"));
}

TEST_F(NeedToKnowTest, TheMunicipalityComesFromTheAddressWhenNotGiven) {
  exchange::CreateMeeting m = Briefing();
  m.subjects[0].identity["persoon.adres"] = {{"straat", "Voorbeeldstraat"},
                                             {"huisnummer", "1"},
                                             {"postcode", "2311 AA"},
                                             {"woonplaats", "Leiden"},
                                             {"gemeente", " Leiden "}};
  SubjectEntry other = m.subjects[0];
  other.ref = "S2";
  other.identity.erase("persoon.bsn");
  other.municipality = "Gouda";  // given: wins over the address
  other.suppliers = std::vector<std::string>{"politie", "gemeente-gouda"};
  m.subjects.push_back(other);
  const std::string id = Create(m);
  auto scopes = cases_->SubjectScopes(id);
  ASSERT_TRUE(scopes.ok());
  ASSERT_EQ(scopes->size(), 2u);
  EXPECT_EQ((*scopes)[0].municipality, "Leiden");
  EXPECT_FALSE((*scopes)[0].suppliers.has_value());
  EXPECT_EQ((*scopes)[1].municipality, "Gouda");
  EXPECT_EQ((*scopes)[1].suppliers, other.suppliers);
  auto sent = service_->CreateRequests(Coordinator(), id, {*ParseUtc("2026-11-24T08:00:00Z"), {}});
  ASSERT_TRUE(sent.ok());
  std::vector<std::string> s2;
  for (const auto& r : sent->requests) {
    if (r.subject == "S2") s2.push_back(r.supplier);
    if (r.supplier == "gemeente-leiden") {
      EXPECT_EQ(r.subject, "S1");
    }
  }
  EXPECT_EQ(s2, (std::vector<std::string>{"politie", "gemeente-gouda"}));
  auto meta = service_->GetMeeting(Person("gemeente-leiden", "Contactpersoon-Leiden"), id);
  ASSERT_TRUE(meta.ok());
  ASSERT_EQ(meta->subjects.size(), 1u);
  EXPECT_EQ(meta->subjects[0].ref, "S1");
}

}  // namespace
}  // namespace vh::exchange
