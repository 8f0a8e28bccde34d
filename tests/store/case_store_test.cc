#include "store/case_store.h"

#include <gtest/gtest.h>

#include "crypto/primitives.h"
#include "tests/store/store_fixture.h"
#include "tests/support/synthetic_bsn.h"

namespace vh::store {
namespace {

using testing::SyntheticBsn;

class CaseStoreTest : public testing::CaseStoreFixture {
 protected:
  CaseStoreTest() : CaseStoreFixture("vh_store") {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CaseStoreFixture::SetUp());
    Open();
  }
  NewMeeting Meeting(const std::string& id, const std::string& bsn) {
    NewMeeting m;
    m.meeting.id = id;
    m.meeting.overlegvorm = "briefing";
    m.meeting.title = "Briefing week 47";
    m.meeting.starts_at = "2026-11-24T09:00:00.000Z";
    m.meeting.ends_at = "2026-11-24T12:00:00.000Z";
    m.meeting.created_at = "2026-11-23T08:00:00.000Z";
    m.meeting.created_by = "veiligheidshuis-hm";
    m.participants = {{"politie", false}, {"woningcorporatie", true}};
    SubjectRecord s;
    s.index = 0;
    s.ref = "CANARY-REF-4411";
    s.identity = Json{{"persoon.bsn", bsn}, {"persoon.naam", "CANARY-NAAM-Jansen"}};
    s.reason = "CANARY-REASON";
    s.pseudonym = "pseudo-0";
    m.subjects.push_back(s);
    return m;
  }
};

TEST(NewIdTest, PrefixedAndUnique) {
  std::string a = NewId("m"), b = NewId("m");
  EXPECT_EQ(a.substr(0, 2), "m-");
  EXPECT_EQ(a.size(), 2u + 32u);
  EXPECT_NE(a, b);
}

TEST_F(CaseStoreTest, MeetingRoundTripAndNothingReadableOnDisk) {
  const std::string bsn = SyntheticBsn(1);
  auto m = Meeting("m-1", bsn);
  AnswerRecord house{0, "veiligheidshuis-hm", "persoon.naam", "CANARY-NAAM-Jansen", "", "t"};
  ASSERT_TRUE(store_->CreateMeeting(m, {house}).ok());

  auto got = store_->GetMeeting("m-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->title, "Briefing week 47");
  EXPECT_EQ(got->state, kMeetingOpen);
  EXPECT_FALSE(got->client_present);
  auto parts = store_->Participants("m-1");
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_TRUE((*parts)[1].ad_hoc);
  auto subs = store_->Subjects("m-1");
  ASSERT_TRUE(subs.ok());
  ASSERT_EQ(subs->size(), 1u);
  EXPECT_EQ((*subs)[0].ref, "CANARY-REF-4411");
  EXPECT_EQ((*subs)[0].identity["persoon.bsn"], bsn);
  auto answers = store_->Answers("m-1");
  ASSERT_TRUE(answers.ok());
  ASSERT_EQ(answers->size(), 1u);
  EXPECT_EQ((*answers)[0].value, "CANARY-NAAM-Jansen");

  store_.reset();
  const std::string disk = AllBytesOnDisk();
  for (const std::string& canary :
       {std::string("CANARY-REF"), std::string("CANARY-NAAM"), std::string("CANARY-REASON"), bsn,
        std::string("Briefing week 47")}) {
    EXPECT_EQ(disk.find(canary), std::string::npos) << "plaintext on disk";
  }
}

TEST_F(CaseStoreTest, WrongKeyIsRefused) {
  store_.reset();
  auto other = crypto::SecretBytes::Random(32);
  auto s = CaseStore::Open(path_, other);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(path_), std::string::npos);
}

TEST_F(CaseStoreTest, ValuesSurviveReopen) {
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-2", SyntheticBsn(2)), {}).ok());
  store_.reset();
  auto s = CaseStore::Open(path_, key_);
  ASSERT_TRUE(s.ok());
  auto subs = (*s)->Subjects("m-2");
  ASSERT_TRUE(subs.ok()) << subs.status().ToString();
  EXPECT_EQ((*subs)[0].ref, "CANARY-REF-4411");
}

TEST_F(CaseStoreTest, RequestsAnswersAndIdentityDropped) {
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-3", SyntheticBsn(3)), {}).ok());
  RequestRecord a{"r-a", "m-3", 0, "politie", {"politie.bekend"}, "2026-11-24T08:00:00.000Z"};
  RequestRecord b{"r-b", "m-3", 0, "om", {"om.zaak"}, "2026-11-24T08:00:00.000Z"};
  ASSERT_TRUE(store_->AddRequests({a, b}).ok());
  // The same supplier and subject twice is a conflict.
  RequestRecord dup = a;
  dup.id = "r-dup";
  EXPECT_EQ(store_->AddRequests({dup}).code(), Code::kConflict);

  auto mine = store_->RequestsOfSupplier("politie");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].status, kRequestOpen);
  EXPECT_EQ((*mine)[0].fields, std::vector<std::string>{"politie.bekend"});

  ASSERT_TRUE(store_
                  ->StoreAnswer("r-a", {{0, "politie", "politie.bekend", true, "r-a", ""}},
                                "2026-11-23T09:00:00.000Z")
                  .ok());
  auto subs = store_->Subjects("m-3");
  ASSERT_TRUE(subs.ok());
  EXPECT_FALSE((*subs)[0].identity.is_null()) << "om has not answered yet";

  ASSERT_TRUE(
      store_->SetRequestStatus("r-b", kRequestDeclined, {.text = "CANARY-DECLINE"}, "t").ok());
  subs = store_->Subjects("m-3");
  EXPECT_TRUE((*subs)[0].identity.is_null()) << "no request needs the identity any more";
  auto rb = store_->GetRequest("r-b");
  ASSERT_TRUE(rb.ok());
  EXPECT_EQ(rb->status, kRequestDeclined);
  EXPECT_EQ(rb->note, "CANARY-DECLINE");

  // A second answer replaces the first.
  ASSERT_TRUE(store_->StoreAnswer("r-a", {}, "2026-11-23T10:00:00.000Z").ok());
  auto answers = store_->Answers("m-3");
  ASSERT_TRUE(answers.ok());
  EXPECT_TRUE(answers->empty());
  auto ra = store_->GetRequest("r-a");
  EXPECT_EQ(ra->answers, 2);
}

TEST_F(CaseStoreTest, BeforeCommitFailureRollsBack) {
  auto fail = [] { return Status::Unavailable("audit_unavailable", "cannot write"); };
  Status s = store_->CreateMeeting(Meeting("m-4", SyntheticBsn(4)), {}, fail);
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ(store_->GetMeeting("m-4").status().code(), Code::kNotFound);
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-4", SyntheticBsn(4)), {}).ok());
  EXPECT_EQ(store_->SetPhase("m-4", true, fail).code(), Code::kUnavailable);
  EXPECT_FALSE(store_->GetMeeting("m-4")->client_present);
  ASSERT_TRUE(store_->SetPhase("m-4", true).ok());
  EXPECT_TRUE(store_->GetMeeting("m-4")->client_present);
}

TEST_F(CaseStoreTest, CloseRetentionAndShred) {
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-5", SyntheticBsn(5)), {}).ok());
  ASSERT_TRUE(store_->AddRequests({{"r-5", "m-5", 0, "politie", {"politie.bekend"}, "d"}}).ok());
  ASSERT_TRUE(
      store_->StoreAnswer("r-5", {{0, "politie", "politie.bekend", true, "r-5", ""}}, "t").ok());
  EXPECT_EQ(store_->ExtendRetention("m-5", "2027-06-01T00:00:00.000Z", {.text = "x"}).code(),
            Code::kConflict);
  ASSERT_TRUE(
      store_->Close("m-5", {{0, "focus"}}, "2026-11-24T12:00:00.000Z", "2027-02-22T12:00:00.000Z")
          .ok());
  EXPECT_EQ(store_->Close("m-5", {}, "x", "y").code(), Code::kConflict);
  EXPECT_EQ(store_->StoreAnswer("r-5", {}, "t").code(), Code::kConflict);
  auto subs = store_->Subjects("m-5");
  EXPECT_EQ((*subs)[0].outcome, "focus");
  EXPECT_TRUE((*subs)[0].identity.is_null());

  auto due = store_->DueForShredding("2027-02-22T12:00:00.000Z");
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 1u);
  ASSERT_TRUE(
      store_->ExtendRetention("m-5", "2027-06-01T00:00:00.000Z", {.text = "CANARY-WOB"}).ok());
  EXPECT_EQ(store_->GetMeeting("m-5")->extension_reason, "CANARY-WOB");
  due = store_->DueForShredding("2027-02-22T12:00:00.000Z");
  EXPECT_TRUE(due->empty());
  due = store_->DueForShredding("2027-06-01T00:00:00.000Z");
  ASSERT_EQ(due->size(), 1u);

  ASSERT_TRUE(store_->Shred("m-5", "2027-06-01T00:00:00.000Z").ok());
  auto m = store_->GetMeeting("m-5");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, kMeetingShredded);
  EXPECT_TRUE(m->title.empty());
  EXPECT_EQ(store_->Subjects("m-5")->size(), 0u);
  EXPECT_EQ(store_->Answers("m-5")->size(), 0u);
  EXPECT_EQ(store_->GetRequest("r-5").status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->DueForShredding("2099-01-01T00:00:00.000Z")->empty());
  store_.reset();
  EXPECT_EQ(AllBytesOnDisk().find("CANARY"), std::string::npos);
}

TEST_F(CaseStoreTest, ShreddedMeetingKeyIsGoneAfterReopen) {
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-6", SyntheticBsn(6)), {}).ok());
  ASSERT_TRUE(store_->Close("m-6", {}, "a", "b").ok());
  ASSERT_TRUE(store_->Shred("m-6", "c").ok());
  store_.reset();
  auto s = CaseStore::Open(path_, key_);
  ASSERT_TRUE(s.ok());
  auto m = (*s)->GetMeeting("m-6");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->state, kMeetingShredded);
  EXPECT_EQ(m->shredded_at, "c");
}

}  // namespace
}  // namespace vh::store
