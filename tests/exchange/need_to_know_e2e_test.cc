// Need-to-know per person and per subject end to end: the real
// `vhgate serve` over mutual TLS with the example certificates and covenant.
// Residents only (requests, metadata, dossier, the partner's audit trail),
// per-subject suppliers, the circle and the meeting's staff, declarations
// per person and per text.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/exchange/need_to_know_util.h"

namespace vh::testing {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class NeedToKnowE2ETest : public ::testing::Test {
 protected:
  // A copy of the example covenant, so that a test can change its
  // declaration text and reload it.
  static void SetUpTestSuite() {
    original_ = ReadText(GatewayHarness::SourceDir() + "/examples/convenant.json");
    covenant_ = std::filesystem::temp_directory_path() /
                ("vh_ntk_covenant_" + std::to_string(::getpid()) + ".json");
    std::ofstream(covenant_) << original_;
    HarnessOptions o;
    o.covenant = covenant_.string();
    gw_ = new GatewayHarness(o);
  }
  static void TearDownTestSuite() {
    if (gw_) gw_->Stop();
    delete gw_;
    gw_ = nullptr;
    std::filesystem::remove(covenant_);
  }
  void SetUp() override { ASSERT_TRUE(gw_->Running()) << gw_->Log(); }

  static GatewayHarness* gw_;
  static std::filesystem::path covenant_;
  static std::string original_;
};

GatewayHarness* NeedToKnowE2ETest::gw_ = nullptr;
std::filesystem::path NeedToKnowE2ETest::covenant_;
std::string NeedToKnowE2ETest::original_;

// A gemeente is asked nothing and shown nothing about a subject that
// does not live there; a subject of unknown municipality exists for no
// residents-only partner; its privacy officer's trail names only residents.
TEST_F(NeedToKnowE2ETest, AGemeenteIsAskedAndShownOnlyItsResidents) {
  Json gouda = NtkSubject("S2", 72);
  // Without `municipality`: the gemeente of the address the coordinator gave.
  gouda["identity"]["persoon.adres"] = {{"straat", "Voorbeeldstraat"},
                                        {"huisnummer", "1"},
                                        {"postcode", "2801 AA"},
                                        {"woonplaats", "Gouda"},
                                        {"gemeente", "Gouda"}};
  const std::string id = NtkCreate(
      *gw_, NtkMeeting("briefing", {NtkSubject("S1", 71, "Leiden"), gouda, NtkSubject("S3", 73)}));
  ASSERT_FALSE(id.empty());
  const auto asked = NtkAskedAbout(NtkSendRequests(*gw_, id));
  EXPECT_EQ(asked.at("gemeente-leiden"), std::vector<std::string>{"S1"});
  EXPECT_EQ(asked.at("gemeente-gouda"), std::vector<std::string>{"S2"});
  EXPECT_EQ(asked.count("gemeente-alphen"), 0u) << "no resident of Alphen on the agenda";
  EXPECT_EQ(asked.at("politie").size(), 3u);
  // The supplier's own list holds its residents only.
  auto open = NtkOpenRequests(*gw_, "gemeente-leiden.supplier", id);
  EXPECT_EQ(open.size(), 1u);
  EXPECT_TRUE(open.count("S1"));
  EXPECT_TRUE(NtkOpenRequests(*gw_, "gemeente-alphen.supplier", id).empty());
  ASSERT_EQ(gw_->Put("gemeente-leiden.supplier", "/v1/requests/" + open["S1"] + "/answer",
                     {{"fields", {{"gemeente.schuldhulp", true}}}})
                .status,
            200);

  // Metadata and the dossier: only the residents.
  HttpResult meta = gw_->Get("gemeente-leiden.participant", "/v1/meetings/" + id);
  ASSERT_EQ(meta.status, 200) << meta.body;
  EXPECT_EQ(NtkRefs(meta.json()), std::vector<std::string>{"S1"});
  HttpResult dossier = gw_->Get("gemeente-leiden.participant", "/v1/meetings/" + id + "/dossier");
  ASSERT_EQ(dossier.status, 200) << dossier.body;
  EXPECT_EQ(NtkRefs(dossier.json()), std::vector<std::string>{"S1"});
  EXPECT_EQ(dossier.body.find("Gouda"), std::string::npos);
  // A subject of unknown municipality is nobody's resident.
  HttpResult alphen = gw_->Get("gemeente-alphen.participant", "/v1/meetings/" + id + "/dossier");
  ASSERT_EQ(alphen.status, 200) << alphen.body;
  EXPECT_TRUE(NtkRefs(alphen.json()).empty()) << alphen.body;
  EXPECT_TRUE(
      NtkRefs(gw_->Get("gemeente-alphen.participant", "/v1/meetings/" + id).json()).empty());
  // Partners that are not residents-only see every subject; the address
  // shows as its municipality (B04).
  HttpResult pol = gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier");
  ASSERT_EQ(pol.status, 200);
  const Json pd = pol.json();
  EXPECT_EQ(NtkRefs(pd), (std::vector<std::string>{"S1", "S2", "S3"}));
  EXPECT_EQ(pd["subjects"][1]["fields"]["persoon.adres"][0]["value"], "Gouda");

  // gemeente-leiden's privacy officer: events about its resident only.
  const Json sent = NtkEvents(*gw_, kNtkHouseOfficer, "type=request_sent&meeting=" + id);
  std::set<std::string> all_subjects;
  for (const auto& e : sent) all_subjects.insert(e["subject"].get<std::string>());
  ASSERT_EQ(all_subjects.size(), 3u);
  const Json mine = NtkEvents(*gw_, "gemeente-leiden.privacy-officer", "meeting=" + id);
  std::set<std::string> seen;
  int views = 0;
  for (const auto& e : mine) {
    if (!e["subject"].get<std::string>().empty()) seen.insert(e["subject"]);
    if (e["type"] == "dossier_disclosed" && e["recipient"] == "gemeente-leiden") {
      ++views;
      ASSERT_EQ(e["parts"].size(), 1u) << "the view names only the subject it could show";
      seen.insert(e["parts"][0]["subject"].get<std::string>());
    }
  }
  EXPECT_EQ(views, 1);
  EXPECT_EQ(seen.size(), 1u) << "one subject, the resident";
  const std::string dumped = mine.dump();
  int named = 0;
  for (const auto& s : all_subjects) named += dumped.find(s) != std::string::npos ? 1 : 0;
  EXPECT_EQ(named, 1) << "no event the officer reads names a non-resident";
  // Asked about the non-resident, the officer's report is empty.
  HttpResult rep =
      gw_->Get("gemeente-leiden.privacy-officer", "/v1/audit/report?bsn=" + SyntheticBsn(72));
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_TRUE(rep.json()["entries"].empty()) << rep.body;

  // Naming a partner for a subject that does not exist for it: 422.
  Json bad =
      NtkMeeting("briefing", {NtkSubject("S1", 71, "Leiden"), NtkSubject("S2", 72, "Gouda")});
  bad["subjects"][1]["suppliers"] = {"politie", "gemeente-leiden"};
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "not_resident",
                 "/subjects/1/suppliers/1");
  bad = NtkMeeting("briefing", {NtkSubject("S1", 71, "  ")});
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "empty",
                 "/subjects/0/municipality");
  bad["subjects"][0]["municipality"] = 7;
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "wrong_type",
                 "/subjects/0/municipality");
}

// Per subject, only the partners the coordinator names are asked;
// the request's meeting-wide suppliers narrow further.
TEST_F(NeedToKnowE2ETest, PerSubjectSuppliersNarrowWhoIsAsked) {
  Json s1 = NtkSubject("S1", 74, "Leiden");
  s1["suppliers"] = {"politie", "om", "gemeente-leiden"};
  const std::string id =
      NtkCreate(*gw_, NtkMeeting("briefing", {s1, NtkSubject("S2", 75, "Leiden")}));
  ASSERT_FALSE(id.empty());
  auto first = NtkAskedAbout(
      NtkSendRequests(*gw_, id, {{"deadline", "2099-01-01T08:00:00Z"}, {"suppliers", {"om"}}}));
  EXPECT_EQ(first.size(), 1u);
  EXPECT_EQ(first["om"], (std::vector<std::string>{"S1", "S2"}));
  auto rest = NtkAskedAbout(NtkSendRequests(*gw_, id));
  for (const auto& [supplier, refs] : rest) {
    const bool named = supplier == "politie" || supplier == "gemeente-leiden";
    const std::vector<std::string> want =
        named ? std::vector<std::string>{"S1", "S2"} : std::vector<std::string>{"S2"};
    EXPECT_EQ(refs, want) << supplier;
  }
  EXPECT_TRUE(rest.count("reclassering") && rest.count("gemeente-leiden"));

  Json bad = NtkMeeting("briefing", {s1});
  bad["subjects"][0]["suppliers"] = {"politie", "bakkerij"};
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "unknown_partner",
                 "/subjects/0/suppliers/1");
  bad["subjects"][0]["suppliers"] = {"uwv"};  // not invited: supplies nothing here
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "nothing_to_supply",
                 "/subjects/0/suppliers/0");
  bad["subjects"][0]["suppliers"] = {"om", "om"};
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "duplicate",
                 "/subjects/0/suppliers/1");
  bad["subjects"][0]["suppliers"] = "om";
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "wrong_type",
                 "/subjects/0/suppliers");
}

// In a meeting of an overlegvorm with a circle only its certificates
// take part, the house's included; elsewhere a meeting may name its staff.
TEST_F(NeedToKnowE2ETest, TheCircleAndTheStaffAdmitOnlyTheirCertificates) {
  const Json rad = NtkMeeting("radicalisering", {NtkSubject("S1", 76, "Leiden")});
  NtkExpectError(gw_->Post("veiligheidshuis-hm.coordinator-2", "/v1/meetings", rad), 403,
                 "not_in_circle");
  EXPECT_EQ(NtkRefusals(*gw_, "Informatiecoordinator-O", "not_in_circle"), 1);
  const std::string id = NtkCreate(*gw_, rad);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(gw_->Get("politie.participant", "/v1/meetings/" + id + "/dossier").status, 200);
  EXPECT_EQ(gw_->Get("veiligheidshuis-hm.participant", "/v1/meetings/" + id + "/dossier").status,
            200);
  // A member's certificate outside the circle, and the house's.
  for (const char* who : {"politie.participant-2", "veiligheidshuis-hm.participant-2"}) {
    NtkExpectError(gw_->Get(who, "/v1/meetings/" + id + "/dossier"), 403, "not_in_circle");
    NtkExpectError(gw_->Get(who, "/v1/meetings/" + id), 403, "not_in_circle");
  }
  NtkExpectError(gw_->Get("veiligheidshuis-hm.coordinator-2", "/v1/meetings/" + id), 403,
                 "not_in_circle");
  NtkExpectError(gw_->Put("veiligheidshuis-hm.coordinator-2", "/v1/meetings/" + id + "/phase",
                          {{"client_present", true}}),
                 403, "not_in_circle");
  EXPECT_EQ(NtkRefusals(*gw_, "Wijkagent-M", "not_in_circle"), 2);
  EXPECT_EQ(NtkRefusals(*gw_, "Procesregisseur-N", "not_in_circle"), 2);
  EXPECT_EQ(NtkRefusals(*gw_, "Informatiecoordinator-O", "not_in_circle"), 3);

  // Staff: only the house CNs named take part; without a list, all do.
  Json with_staff = NtkMeeting("briefing", {NtkSubject("S1", 77, "Leiden")});
  with_staff["staff"] = {"Procesregisseur-F"};
  const std::string staffed = NtkCreate(*gw_, with_staff);
  ASSERT_FALSE(staffed.empty());
  EXPECT_EQ(gw_->Get(kNtkCoordinator, "/v1/meetings/" + staffed).json()["staff"],
            Json::array({"Procesregisseur-F"}));
  EXPECT_EQ(
      gw_->Get("veiligheidshuis-hm.participant", "/v1/meetings/" + staffed + "/dossier").status,
      200);
  NtkExpectError(
      gw_->Get("veiligheidshuis-hm.participant-2", "/v1/meetings/" + staffed + "/dossier"), 403,
      "not_in_staff");
  EXPECT_EQ(NtkRefusals(*gw_, "Procesregisseur-N", "not_in_staff"), 1);
  EXPECT_EQ(gw_->Get("politie.participant-2", "/v1/meetings/" + staffed + "/dossier").status, 200)
      << "staff concerns the house only";
  const std::string open = NtkCreate(*gw_, NtkMeeting("briefing", {NtkSubject("S1", 78)}));
  EXPECT_EQ(
      gw_->Get("veiligheidshuis-hm.participant-2", "/v1/meetings/" + open + "/dossier").status,
      200);
  Json bad = rad;
  bad["staff"] = {"Procesregisseur-F"};
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "staff_with_circle",
                 "/staff");
  bad = with_staff;
  bad["staff"] = {"Procesregisseur-F", "Procesregisseur-F"};
  NtkExpectError(gw_->Post(kNtkCoordinator, "/v1/meetings", bad), 422, "duplicate", "/staff/1");
}

// Each person signs, for the text in force; before signing and after
// the end an ad hoc participant sees only when the meeting is.
TEST_F(NeedToKnowE2ETest, DeclarationsArePerPersonAndPerText) {
  const std::string id =
      NtkCreate(*gw_, NtkMeeting("briefing", {NtkSubject("S1", 79, "Leiden")}, true));
  ASSERT_FALSE(id.empty());
  const std::string d = "woningcorporatie.participant", l = "woningcorporatie.participant-2";
  HttpResult meta = gw_->Get(d, "/v1/meetings/" + id);
  ASSERT_EQ(meta.status, 200) << meta.body;
  Json limited = meta.json();
  EXPECT_EQ(limited.size(), 5u) << meta.body;
  for (const char* key : {"id", "overlegvorm", "starts_at", "ends_at"}) {
    EXPECT_TRUE(limited.contains(key)) << key;
  }
  EXPECT_EQ(limited["declaration"], "unsigned");
  HttpResult decl = gw_->Get(d, "/v1/meetings/" + id + "/declaration");
  ASSERT_EQ(decl.status, 200);
  EXPECT_EQ(decl.json()["declaration"], "unsigned");
  const std::string sha = decl.json()["text_sha256"];
  ASSERT_EQ(gw_->Post(d, "/v1/meetings/" + id + "/declarations", {{"text_sha256", sha}}).status,
            201);
  EXPECT_EQ(gw_->Get(d, "/v1/meetings/" + id + "/dossier").status, 200);
  Json full = gw_->Get(d, "/v1/meetings/" + id).json();
  EXPECT_EQ(full["declaration"], "signed");
  EXPECT_TRUE(full.contains("subjects"));
  EXPECT_EQ(gw_->Get(d, "/v1/meetings/" + id + "/declaration").json()["signed"], true);

  // Another employee of the same partner: nothing until they sign themselves.
  NtkExpectError(gw_->Get(l, "/v1/meetings/" + id + "/dossier"), 403, "declaration_not_signed");
  EXPECT_EQ(NtkRefusals(*gw_, "Wijkconsulent-L", "declaration_not_signed"), 1);
  EXPECT_EQ(gw_->Get(l, "/v1/meetings/" + id).json()["declaration"], "unsigned");
  EXPECT_EQ(gw_->Get(l, "/v1/meetings/" + id + "/declaration").json()["declaration"], "unsigned");
  ASSERT_EQ(gw_->Post(l, "/v1/meetings/" + id + "/declarations", {{"text_sha256", sha}}).status,
            201);
  EXPECT_EQ(gw_->Get(l, "/v1/meetings/" + id + "/dossier").status, 200);

  // A reload that changes the declaration text: everyone signs again.
  std::string changed = original_;
  const std::string marker = "\"declaration\": \"Ondergetekende";
  ASSERT_NE(changed.find(marker), std::string::npos);
  changed.replace(changed.find(marker), marker.size(),
                  "\"declaration\": \"Herzien: Ondergetekende");
  std::ofstream(covenant_) << changed;
  ASSERT_EQ(gw_->Call("veiligheidshuis-hm.admin", "POST", "/v1/admin/policy/reload").status, 200);
  NtkExpectError(gw_->Get(d, "/v1/meetings/" + id + "/dossier"), 403, "declaration_outdated");
  EXPECT_EQ(NtkRefusals(*gw_, "Wijkconsulent-D", "declaration_outdated"), 1);
  Json outdated = gw_->Get(d, "/v1/meetings/" + id).json();
  EXPECT_EQ(outdated["declaration"], "outdated");
  EXPECT_FALSE(outdated.contains("subjects"));
  HttpResult now_decl = gw_->Get(d, "/v1/meetings/" + id + "/declaration");
  EXPECT_EQ(now_decl.json()["declaration"], "outdated");
  NtkExpectError(gw_->Post(d, "/v1/meetings/" + id + "/declarations", {{"text_sha256", sha}}), 422,
                 "declaration_mismatch", "/text_sha256");
  ASSERT_EQ(gw_->Post(d, "/v1/meetings/" + id + "/declarations",
                      {{"text_sha256", now_decl.json()["text_sha256"]}})
                .status,
            201);
  EXPECT_EQ(gw_->Get(d, "/v1/meetings/" + id + "/dossier").status, 200);
  NtkExpectError(gw_->Get(l, "/v1/meetings/" + id + "/dossier"), 403, "declaration_outdated");
  std::ofstream(covenant_) << original_;
  ASSERT_EQ(gw_->Call("veiligheidshuis-hm.admin", "POST", "/v1/admin/policy/reload").status, 200);

  // After the end: even a signed person sees only when the meeting was.
  const std::string ended =
      NtkCreate(*gw_, NtkMeeting("briefing", {NtkSubject("S1", 80, "Leiden")}, true,
                                 "2020-01-01T09:00:00Z", "2020-01-01T12:00:00Z"));
  ASSERT_EQ(gw_->Post(d, "/v1/meetings/" + ended + "/declarations", {{"text_sha256", sha}}).status,
            201);
  Json after = gw_->Get(d, "/v1/meetings/" + ended).json();
  EXPECT_EQ(after["declaration"], "signed");
  EXPECT_FALSE(after.contains("subjects")) << after.dump();
  NtkExpectError(gw_->Get(d, "/v1/meetings/" + ended + "/dossier"), 403, "meeting_ended");
}

}  // namespace
}  // namespace vh::testing
