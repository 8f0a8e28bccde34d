// The case store's need-to-know rows (store/need_to_know.cc): a subject's
// municipality and suppliers, the meeting's staff, sealed and shredded with
// the meeting; declarations that bind the signer's certificate, also in a
// store made before fingerprints; open meetings past their end.

#include <gtest/gtest.h>

#include "db/database.h"
#include "tests/store/store_fixture.h"

namespace vh::store {
namespace {

class NeedToKnowStoreTest : public testing::CaseStoreFixture {
 protected:
  NeedToKnowStoreTest() : CaseStoreFixture("vh_ntk_store") {}

  static NewMeeting Meeting(const std::string& id, const std::string& ends_at) {
    NewMeeting m;
    m.meeting.id = id;
    m.meeting.overlegvorm = "briefing";
    m.meeting.title = "Briefing";
    m.meeting.starts_at = "2026-11-24T09:00:00.000Z";
    m.meeting.ends_at = ends_at;
    m.meeting.created_at = "2026-11-23T08:00:00.000Z";
    m.participants = {{"politie", false}};
    for (int i = 0; i < 2; ++i) {
      SubjectRecord s;
      s.index = i;
      s.ref = "S" + std::to_string(i + 1);
      s.identity = Json::object();
      s.pseudonym = "pseudo-" + std::to_string(i);
      m.subjects.push_back(s);
    }
    return m;
  }
};

TEST_F(NeedToKnowStoreTest, ScopesAndStaffAreSealedKeptAndShredded) {
  Open();
  NewMeeting m = Meeting("m-1", "2026-11-24T12:00:00.000Z");
  m.scopes = {{1, "CANARY-GEMEENTE-Oegstgeest", std::vector<std::string>{"politie", "om"}}};
  m.staff = std::vector<std::string>{"CANARY-CN-Staflid"};
  ASSERT_TRUE(store_->CreateMeeting(m, {}).ok());
  Open();  // survives a reopen
  auto scopes = store_->SubjectScopes("m-1");
  ASSERT_TRUE(scopes.ok()) << scopes.status().ToString();
  ASSERT_EQ(scopes->size(), 1u);
  EXPECT_EQ((*scopes)[0], m.scopes[0]);
  auto staff = store_->Staff("m-1");
  ASSERT_TRUE(staff.ok());
  EXPECT_EQ(*staff, m.staff);
  // A meeting that names none: no scope, no staff (not an empty list).
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-2", "2026-11-24T12:00:00.000Z"), {}).ok());
  EXPECT_TRUE(store_->SubjectScopes("m-2")->empty());
  EXPECT_FALSE(store_->Staff("m-2")->has_value());
  store_.reset();
  const std::string disk = AllBytesOnDisk();
  EXPECT_EQ(disk.find("CANARY-GEMEENTE"), std::string::npos);
  EXPECT_EQ(disk.find("CANARY-CN"), std::string::npos);

  Open();
  ASSERT_TRUE(
      store_->Close("m-1", {}, "2026-11-25T00:00:00.000Z", "2026-11-26T00:00:00.000Z").ok());
  ASSERT_TRUE(store_->Shred("m-1", "2026-11-27T00:00:00.000Z").ok());
  EXPECT_TRUE(store_->SubjectScopes("m-1")->empty());
  EXPECT_FALSE(store_->Staff("m-1")->has_value());
}

TEST_F(NeedToKnowStoreTest, DeclarationsBindTheCertificateAlsoInAnOlderStore) {
  {
    // A store as written before fingerprints: its declarations table without
    // the column, one signature in it.
    auto db = db::Database::Open(path_, key_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TABLE declarations(meeting TEXT NOT NULL, partner TEXT NOT NULL,"
                           " cn TEXT NOT NULL, text_sha256 TEXT NOT NULL, signed_at TEXT NOT NULL,"
                           " PRIMARY KEY(meeting, partner, cn));"
                           "INSERT INTO declarations VALUES ('m-1', 'woningcorporatie', 'D', 'ab',"
                           " '2026-11-23T08:00:00.000Z');")
                    .ok());
  }
  Open();
  auto d = store_->Declarations("m-1");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].fingerprint, "") << "an earlier signature binds no certificate";
  ASSERT_TRUE(store_
                  ->AddDeclaration("m-1", {"woningcorporatie", "D", "cd",
                                           "2026-11-24T08:00:00.000Z", std::string(64, 'f')})
                  .ok());
  ASSERT_TRUE(store_
                  ->AddDeclaration("m-1", {"woningcorporatie", "L", "cd",
                                           "2026-11-24T08:01:00.000Z", std::string(64, 'e')})
                  .ok());
  Open();  // migrating twice is a no-op
  d = store_->Declarations("m-1");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 2u) << "one per person; signing again replaces the person's";
  for (const auto& x : *d) {
    EXPECT_EQ(x.text_sha256, "cd");
    EXPECT_EQ(x.fingerprint, std::string(64, x.cn == "D" ? 'f' : 'e'));
  }
}

TEST_F(NeedToKnowStoreTest, OpenMeetingsPastTheirEnd) {
  Open();
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-past", "2026-01-01T12:00:00.000Z"), {}).ok());
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-later", "2026-06-01T12:00:00.000Z"), {}).ok());
  ASSERT_TRUE(store_->CreateMeeting(Meeting("m-closed", "2026-01-01T12:00:00.000Z"), {}).ok());
  ASSERT_TRUE(
      store_->Close("m-closed", {}, "2026-01-02T00:00:00.000Z", "2026-04-01T00:00:00.000Z").ok());
  auto due = store_->UnclosedEndedBy("2026-03-01T00:00:00.000Z");
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, "m-past");
  EXPECT_EQ((*due)[0].ends_at, "2026-01-01T12:00:00.000Z");
  EXPECT_EQ(store_->UnclosedEndedBy("2026-06-01T12:00:00.000Z")->size(), 2u) << "at its end";
}

}  // namespace
}  // namespace vh::store
