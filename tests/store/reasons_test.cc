// The reasons the case store keeps: a decline's or a
// failure's note and a retention extension's reason, each with its code in
// clear and its text sealed under the meeting's data key; an answer clears a
// request's note, shredding removes all of it; a store made before the code
// columns gains them.

#include <gtest/gtest.h>

#include "db/database.h"
#include "tests/store/store_fixture.h"
#include "tests/support/db_dump.h"

namespace vh::store {
namespace {

constexpr const char* kText = "CANARY-REDEN Jansen";

class ReasonsStoreTest : public testing::CaseStoreFixture {
 protected:
  ReasonsStoreTest() : CaseStoreFixture("vh_reasons_store") {}

  // Every cell of the decrypted database.
  std::string Dump() {
    auto db = db::Database::Open(path_, key_);
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return "";
    auto dump = testing::DecryptedDump(**db);
    EXPECT_TRUE(dump.ok());
    return dump.ok() ? *dump : "";
  }
  void MeetingWithRequests(const std::string& id) {
    NewMeeting m;
    m.meeting.id = id;
    m.meeting.overlegvorm = "briefing";
    m.meeting.title = "Briefing";
    m.meeting.starts_at = "2026-11-24T09:00:00.000Z";
    m.meeting.ends_at = "2026-11-24T12:00:00.000Z";
    m.participants = {{"politie", false}, {"om", false}};
    SubjectRecord s;
    s.ref = "S1";
    s.identity = Json::object();
    s.pseudonym = "pseudo-0";
    m.subjects.push_back(s);
    ASSERT_TRUE(store_->CreateMeeting(m, {}).ok());
    ASSERT_TRUE(store_
                    ->AddRequests({{"r-om", id, 0, "om", {"justitie.lopende_zaak"}, "d"},
                                   {"r-pol", id, 0, "politie", {"casus.bekend_bij_partner"}, "d"}})
                    .ok());
  }
};

TEST_F(ReasonsStoreTest, CodesInClearTextsSealedAnswersClearThemShreddingRemovesThem) {
  Open();
  MeetingWithRequests("m-1");
  ASSERT_TRUE(store_->SetRequestStatus("r-om", kRequestDeclined, {"onbekend", kText}, "t").ok());
  ASSERT_TRUE(store_->SetRequestStatus("r-pol", kRequestFailed, {"timeout", ""}, "t").ok());
  auto om = store_->GetRequest("r-om");
  ASSERT_TRUE(om.ok());
  EXPECT_EQ(om->note, kText);
  EXPECT_EQ(om->note_code, "onbekend");
  // The board reads the notes with the meeting's requests; a supplier's list
  // does not open them.
  auto all = store_->RequestsOfMeeting("m-1");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  for (const auto& r : *all) {
    EXPECT_EQ(r.note, r.id == "r-om" ? kText : "");
    EXPECT_EQ(r.note_code, r.id == "r-om" ? "onbekend" : "timeout");
  }
  auto listed = store_->RequestsOfSupplier("om");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].note, "");
  EXPECT_EQ((*listed)[0].note_code, "onbekend");
  std::string dump = Dump();
  EXPECT_NE(dump.find("onbekend"), std::string::npos) << "the code is in clear";
  EXPECT_EQ(dump.find("CANARY-REDEN"), std::string::npos) << "the text is sealed";

  // An answer replaces the failure: its note goes.
  ASSERT_TRUE(store_->StoreAnswer("r-pol", {}, "t2").ok());
  auto pol = store_->GetRequest("r-pol");
  EXPECT_EQ(pol->note, "");
  EXPECT_EQ(pol->note_code, "");

  ASSERT_TRUE(store_->Close("m-1", {}, "c", "2027-01-01T00:00:00.000Z").ok());
  ASSERT_TRUE(
      store_->ExtendRetention("m-1", "2028-01-01T00:00:00.000Z", {"rechtszaak", kText}).ok());
  auto m = store_->GetMeeting("m-1");
  EXPECT_EQ(m->extension_reason, kText);
  EXPECT_EQ(m->extension_code, "rechtszaak");
  dump = Dump();
  EXPECT_EQ(dump.find("CANARY-REDEN"), std::string::npos) << "the text is sealed";

  ASSERT_TRUE(store_->Shred("m-1", "2028-01-02T00:00:00.000Z").ok());
  m = store_->GetMeeting("m-1");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->extension_reason, "");
  EXPECT_EQ(m->extension_code, "");
  dump = Dump();
  for (const char* gone : {"r-om", "onbekend", "rechtszaak"}) {
    EXPECT_EQ(dump.find(gone), std::string::npos) << gone << " survived the shredding";
  }
}

TEST_F(ReasonsStoreTest, AStoreMadeBeforeCodesGainsTheColumns) {
  {
    // The tables as written before codes, with a request declined then.
    auto db = db::Database::Open(path_, key_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(
        (*db)
            ->Exec(
                "CREATE TABLE meetings(id TEXT PRIMARY KEY, overlegvorm TEXT NOT NULL, title BLOB,"
                " starts_at TEXT, ends_at TEXT, created_at TEXT, created_by TEXT, covenant_id TEXT,"
                " covenant_version TEXT, covenant_sha256 TEXT, state TEXT NOT NULL, client_present"
                " INTEGER NOT NULL DEFAULT 0, closed_at TEXT, retention_until TEXT, extended_until"
                " TEXT, extension_reason BLOB, shredded_at TEXT, wrapped_key BLOB);"
                "CREATE TABLE requests(id TEXT PRIMARY KEY, meeting TEXT NOT NULL, subject INTEGER"
                " NOT NULL, supplier TEXT NOT NULL, fields TEXT NOT NULL, deadline TEXT, status"
                " TEXT NOT NULL, created_at TEXT, answered_at TEXT, note BLOB, answers INTEGER NOT"
                " NULL DEFAULT 0, UNIQUE(meeting, subject, supplier));"
                "INSERT INTO meetings (id, overlegvorm, state) VALUES ('m-old', 'briefing',"
                " 'shredded');"
                "INSERT INTO requests (id, meeting, subject, supplier, fields, status) VALUES"
                " ('r-old', 'm-old', 0, 'om', '[]', 'declined');")
            .ok());
  }
  Open();
  auto old = store_->GetRequest("r-old");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->status, kRequestDeclined);
  EXPECT_EQ(old->note_code, "") << "declined before codes";
  EXPECT_EQ(store_->GetMeeting("m-old")->extension_code, "");
  Open();  // migrating twice is a no-op
  MeetingWithRequests("m-new");
  ASSERT_TRUE(store_->SetRequestStatus("r-om", kRequestDeclined, {"anders", kText}, "t").ok());
  EXPECT_EQ(store_->GetRequest("r-om")->note_code, "anders");
}

}  // namespace
}  // namespace vh::store
