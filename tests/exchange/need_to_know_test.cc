// Need-to-know in the exchange's typed API, with its real parts
// (the example covenant, a real audit log and case store) and fake time: the
// sweep closing and shredding a meeting nobody closed; the rendered view
// shared by the people who may see it and refused to those who may not, also
// after a reload changes the declaration; meeting-scoped pseudonyms; the
// subject's municipality from its address; every refusal an event.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "audit/audit_log.h"
#include "core/bsn.h"
#include "crypto/primitives.h"
#include "exchange/exchange_service.h"
#include "policy/covenant.h"
#include "policy/loader.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

std::string SourceDir() {
  if (const char* d = std::getenv("VH_SOURCE_DIR")) return d;
  return (std::filesystem::path(__FILE__).parent_path() / ".." / "..").string();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

audit::Actor Coordinator() {
  return {"veiligheidshuis-hm", "coordinator", "Informatiecoordinator-E", "fp-c", "r"};
}
audit::Actor Person(const std::string& partner, const std::string& cn) {
  return {partner, "participant", cn, "fp-" + cn, "r"};
}
audit::Actor System() { return {"veiligheidshuis-hm", "system", "sweep", "", "gateway"}; }

class NeedToKnowTest : public ::testing::Test {
 protected:
  NeedToKnowTest() : clock_(*ParseUtc("2026-11-23T08:00:00Z")) {}

  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("vh_ntk_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    text_ = ReadText(SourceDir() + "/examples/convenant.json");
    Load(text_);
    audit::AuditLogOptions opts;
    opts.db_path = (dir_ / "audit.db").string();
    opts.checkpoint_path = (dir_ / "audit.checkpoints").string();
    auto a = audit::AuditLog::OpenWith(audit::AuditKeys::Random(), opts, clock_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    audit_ = std::move(*a);
    auto s = store::CaseStore::Open((dir_ / "cases.db").string(), crypto::SecretBytes::Random(32));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    cases_ = std::move(*s);
    service_ = std::make_unique<ExchangeService>(
        [this] {
          std::lock_guard<std::mutex> lock(mu_);
          return covenant_;
        },
        *audit_, *cases_, clock_);
  }
  void TearDown() override {
    service_.reset();
    cases_.reset();
    audit_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Swaps the covenant in force, as a reload does.
  void Load(const std::string& text) {
    auto c = policy::LoadCovenantText(text, "convenant.json", nullptr);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    std::lock_guard<std::mutex> lock(mu_);
    covenant_ = *c;
  }
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
  int Count(const char* type) {
    audit::QueryFilter f;
    f.type = type;
    f.chronological_all = true;
    auto p = audit_->Query(f);
    return p.ok() ? static_cast<int>(p->events.size()) : -1;
  }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::string text_;
  std::mutex mu_;
  std::shared_ptr<const policy::Covenant> covenant_;  // guarded by mu_
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<store::CaseStore> cases_;
  std::unique_ptr<ExchangeService> service_;
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
  EXPECT_EQ(Count(audit::kMeetingClosed), 2 + 2) << "the coordinator's close and the sweep's";
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
  std::string changed = text_;
  const std::string marker = "\"declaration\": \"Ondergetekende";
  changed.replace(changed.find(marker), marker.size(),
                  "\"declaration\": \"Herzien: Ondergetekende");
  Load(changed);
  EXPECT_EQ(service_->DossierBody(d, id).status().reason(), "declaration_outdated");
  EXPECT_EQ(service_->GetDeclaration(l, id)->state, DeclarationState::kOutdated);
  EXPECT_EQ(service_->GetMeeting(d, id)->declaration, DeclarationState::kOutdated);
  EXPECT_EQ(service_->GetMeeting(Coordinator(), id)->ad_hoc[0].declaration_signed, false);
  const int refused = Count(audit::kAccessRefused);
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
