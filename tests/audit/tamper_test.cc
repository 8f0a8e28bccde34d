// The kinds of tampering audit/verifier.h detects, each applied 100 times at
// random positions by an insider who holds the store key (through the SQLCipher
// API), and verification must catch every one and name the right event.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <random>

#include "audit/audit_log.h"
#include "audit/event_index.h"
#include "audit/verifier.h"
#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

constexpr int kEvents = 200;
constexpr int kCasesPerKind = 100;

class TamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    keys_ = new AuditKeys(AuditKeys::Random());
    pristine_ = new TempDir("pristine");
    FakeClock clock(testing::T0());
    auto o = testing::OptionsIn(*pristine_, 20);
    auto log = AuditLog::OpenWith(keys_->Clone(), o, clock);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    // Copies of the whole store as it was after every second event: the
    // "earlier copies" a rollback restores.
    for (int i = 1; i <= kEvents; ++i) {
      clock.Advance(std::chrono::seconds(7));
      if (i % 5 == 0) {  // every fifth a dossier view naming decision sets
        testing::SampleViewEvent v = testing::SampleView(i);
        ASSERT_TRUE(
            (*log)->Append(AppendRequest::View(std::move(v.event), std::move(v.sets))).ok());
      } else {
        ASSERT_TRUE((*log)->Append(testing::SampleEvent(i)).ok());
      }
      if (i % 2 == 0 && i < kEvents) {
        fs::path snap = pristine_->path() / ("snap-" + std::to_string(i));
        fs::create_directories(snap);
        for (const char* f : {"audit.db", "audit.db-wal"}) {
          if (fs::exists(pristine_->path() / f)) fs::copy_file(pristine_->path() / f, snap / f);
        }
      }
    }
    log->reset();  // signs the closing checkpoint, folds the WAL into audit.db
  }
  static void TearDownTestSuite() {
    delete pristine_;
    delete keys_;
  }

  void SetUp() override { Restore(); }

  // A fresh copy of the pristine store in work_.
  void Restore() {
    for (const char* f : {"audit.db", "audit.db-wal", "audit.db-shm", "audit.checkpoints"}) {
      fs::remove(work_.path() / f);
    }
    fs::copy_file(pristine_->path() / "audit.db", work_.path() / "audit.db");
    fs::copy_file(pristine_->path() / "audit.checkpoints", work_.path() / "audit.checkpoints");
  }
  std::unique_ptr<db::Database> Tamper() {
    auto db = OpenAuditStore(work_.Sub("audit.db"), keys_->store_key);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    // The insider needs no durability; the test needs speed.
    EXPECT_TRUE((*db)->Exec("PRAGMA synchronous = OFF;").ok());
    return std::move(*db);
  }
  VerifyReport Verify() {
    auto db = OpenAuditStore(work_.Sub("audit.db"), keys_->store_key);
    EXPECT_TRUE(db.ok());
    auto rep = VerifyStore(**db, keys_->sign_public, work_.Sub("audit.checkpoints"));
    EXPECT_TRUE(rep.ok()) << rep.status().ToString();
    return rep.ok() ? *rep : VerifyReport{};
  }
  void Exec(db::Database& db, const std::string& sql) {
    Status s = db.Exec(sql);
    ASSERT_TRUE(s.ok()) << sql << ": " << s.ToString();
  }
  int Rand(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  using TamperWith = std::function<void(db::Database&, const std::string& hex, int how)>;
  void ExpectCaughtAtFirstUse(const std::vector<std::pair<std::string, int64_t>>& first_use,
                              const char* what, const TamperWith& tamper,
                              const std::function<bool(int)>& at_first_use);

  static AuditKeys* keys_;
  static TempDir* pristine_;
  TempDir work_{"work"};
  std::mt19937 rng_{20261123};
};
AuditKeys* TamperTest::keys_ = nullptr;
TempDir* TamperTest::pristine_ = nullptr;

TEST_F(TamperTest, PristineCopyVerifies) {
  VerifyReport rep = Verify();
  EXPECT_TRUE(rep.intact) << rep.problem;
  EXPECT_EQ(rep.events, kEvents);
}

TEST_F(TamperTest, ChangedFieldIsCaught) {
  const char* kColumns[] = {"time",    "type",     "actor_partner", "meeting",
                            "subject", "supplier", "recipient",     "body"};
  for (int c = 0; c < kCasesPerKind; ++c) {
    Restore();
    int k = Rand(1, kEvents);
    std::string col = kColumns[Rand(0, 7)];
    {
      auto db = Tamper();
      if (col == "body" && Rand(0, 1)) {
        // A semantic change: the accepted field now reads "withheld" (in a
        // dossier view: it names another part list).
        Exec(*db,
             "UPDATE events SET body = replace(replace(body, '\"accepted\"', "
             "'\"withheld\"'), '\"parts_list\":\"', '\"parts_list\":\"0') WHERE seq = " +
                 std::to_string(k) + ";");
      } else if (col == "time") {
        Exec(*db, "UPDATE events SET time = '2020-01-01T00:00:00.000Z' WHERE seq = " +
                      std::to_string(k) + ";");
      } else {
        Exec(*db, "UPDATE events SET " + col + " = " + col +
                      " || 'x' WHERE seq = " + std::to_string(k) + ";");
      }
      ASSERT_EQ(db->Changes(), 1);
    }
    VerifyReport rep = Verify();
    ASSERT_FALSE(rep.intact) << "case " << c << ": change of " << col << " at " << k;
    EXPECT_EQ(rep.first_bad_seq, k) << rep.problem;
  }
}

TEST_F(TamperTest, DeletedEventIsCaught) {
  for (int c = 0; c < kCasesPerKind; ++c) {
    Restore();
    int k = Rand(1, kEvents - 1);
    bool renumber = c % 2 == 1;  // a careful insider closes the gap
    {
      auto db = Tamper();
      Exec(*db, "DELETE FROM events WHERE seq = " + std::to_string(k) + ";");
      if (renumber) {
        Exec(*db, "UPDATE events SET seq = -seq WHERE seq > " + std::to_string(k) + ";");
        Exec(*db, "UPDATE events SET seq = -seq - 1 WHERE seq < 0;");
      }
    }
    VerifyReport rep = Verify();
    ASSERT_FALSE(rep.intact) << "case " << c << ": delete at " << k;
    EXPECT_EQ(rep.first_bad_seq, k) << rep.problem;
  }
}

TEST_F(TamperTest, InsertedEventIsCaught) {
  for (int c = 0; c < kCasesPerKind; ++c) {
    Restore();
    int k = Rand(1, kEvents);  // the new event goes before existing event k
    {
      auto db = Tamper();
      // The insider computes a correct hash for the forged event, chained
      // onto event k-1, and shifts the rest up.
      crypto::Hash prev{};
      if (k > 1) {
        auto st = db->Prepare("SELECT hash FROM events WHERE seq = " + std::to_string(k - 1));
        ASSERT_TRUE(st.ok());
        ASSERT_TRUE(*st->Step());
        std::string h = st->Blob(0);
        std::copy(h.begin(), h.end(), prev.begin());
      }
      Exec(*db, "UPDATE events SET seq = -seq WHERE seq >= " + std::to_string(k) + ";");
      Exec(*db, "UPDATE events SET seq = -seq + 1 WHERE seq < 0;");
      Event e = testing::SampleEvent(9999, "om");
      std::string body = EventBody(e);
      std::string time = "2026-11-23T08:00:00.000Z";
      crypto::Hash h = ChainHash(prev, CanonicalEvent(k, time, e.type, e.actor.partner, e.meeting,
                                                      e.subject, e.supplier, e.recipient, body));
      auto ins =
          db->Prepare("INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);");
      ASSERT_TRUE(ins.ok());
      ins->Bind(1, int64_t{k})
          .Bind(2, time)
          .Bind(3, e.type)
          .Bind(4, e.actor.partner)
          .Bind(5, e.meeting)
          .Bind(6, e.subject)
          .Bind(7, e.supplier)
          .Bind(8, e.recipient)
          .Bind(9, body)
          .BindBlob(10, std::string_view(reinterpret_cast<const char*>(prev.data()), 32))
          .BindBlob(11, std::string_view(reinterpret_cast<const char*>(h.data()), 32));
      ASSERT_TRUE(ins->Run().ok());
    }
    VerifyReport rep = Verify();
    ASSERT_FALSE(rep.intact) << "case " << c << ": insert at " << k;
    // The forged event itself chains; the next one no longer does (or, when
    // k is a checkpointed event, the forged one already differs from it).
    EXPECT_TRUE(rep.first_bad_seq == k + 1 || rep.first_bad_seq == k)
        << "insert at " << k << ": " << rep.problem;
  }
}

TEST_F(TamperTest, ReorderedEventsAreCaught) {
  for (int c = 0; c < kCasesPerKind; ++c) {
    Restore();
    int i = Rand(1, kEvents - 1);
    int j = c % 2 ? i + 1 : Rand(i + 1, kEvents);  // half adjacent swaps
    {
      auto db = Tamper();
      // Swap the two rows whole (content, hashes and all) by their seq.
      std::string si = std::to_string(i), sj = std::to_string(j);
      Exec(*db, "UPDATE events SET seq = -1 WHERE seq = " + si + ";");
      Exec(*db, "UPDATE events SET seq = " + si + " WHERE seq = " + sj + ";");
      Exec(*db, "UPDATE events SET seq = " + sj + " WHERE seq = -1;");
    }
    VerifyReport rep = Verify();
    ASSERT_FALSE(rep.intact) << "case " << c << ": swap " << i << " and " << j;
    EXPECT_EQ(rep.first_bad_seq, i) << rep.problem;
  }
}

TEST_F(TamperTest, TruncatedTailIsCaught) {
  for (int c = 0; c < kCasesPerKind; ++c) {
    Restore();
    int k = Rand(0, kEvents - 1);  // keep events 1..k
    {
      auto db = Tamper();
      Exec(*db, "DELETE FROM events WHERE seq > " + std::to_string(k) + ";");
      if (c % 2) {  // and the store's own checkpoints past it
        Exec(*db, "DELETE FROM checkpoints WHERE seq > " + std::to_string(k) + ";");
      }
    }
    VerifyReport rep = Verify();
    ASSERT_FALSE(rep.intact) << "case " << c << ": truncate after " << k;
    EXPECT_EQ(rep.first_bad_seq, k + 1) << rep.problem;
    EXPECT_NE(rep.problem.find("truncated"), std::string::npos) << rep.problem;
  }
}

TEST_F(TamperTest, RollbackToAnEarlierCopyIsCaught) {
  std::vector<int> snaps;
  for (int i = 2; i < kEvents; i += 2) snaps.push_back(i);
  for (int c = 0; c < kCasesPerKind; ++c) {
    Restore();
    int at = snaps[static_cast<std::size_t>(Rand(0, static_cast<int>(snaps.size()) - 1))];
    fs::path snap = pristine_->path() / ("snap-" + std::to_string(at));
    for (const char* f : {"audit.db", "audit.db-wal"}) {
      fs::remove(work_.path() / f);
      if (fs::exists(snap / f)) fs::copy_file(snap / f, work_.path() / f);
    }
    // The copy is intact in itself ...
    VerifyReport rep = Verify();
    ASSERT_FALSE(rep.intact) << "case " << c << ": rollback to " << at;
    // ... but the checkpoint file remembers more than it holds.
    EXPECT_EQ(rep.first_bad_seq, at + 1) << rep.problem;
  }
}

// The query index is derived data outside the chain; an insider who deletes,
// moves or adds an entry would hide an event from queries and from a
// person's access report. Verification compares it with the events.
TEST_F(TamperTest, QueryIndexTamperingIsCaught) {
  for (int c = 0; c < kCasesPerKind; ++c) {
    Restore();
    int k = Rand(1, kEvents);
    std::string s = std::to_string(k);
    int how = c % 3;
    int64_t expect = k;
    {
      auto db = Tamper();
      if (how == 0 && k % 5 == 0) {
        // A dossier view disappears from one of its subjects' reports, and
        // so does every view of that meeting for that subject: verification
        // names the first of them.
        const Event view = testing::SampleView(k).event;
        const SubjectPart& part = view.parts[static_cast<std::size_t>(c) % 3];
        for (int i = 5; i <= k; i += 5) {
          const Event other = testing::SampleView(i).event;
          bool has = other.meeting == view.meeting &&
                     std::any_of(other.parts.begin(), other.parts.end(),
                                 [&](const SubjectPart& p) { return p.subject == part.subject; });
          if (has) {
            expect = i;
            break;
          }
        }
        Exec(*db, "DELETE FROM view_subjects WHERE subject = '" + part.subject +
                      "' AND meeting = '" + view.meeting + "';");
      } else if (how == 1 && k % 5 == 0 && c % 2 == 0) {
        // Every view of that meeting disappears from its partner's queries:
        // verification names the first of them.
        const Event view = testing::SampleView(k).event;
        for (int i = 5; i <= k; i += 5) {
          if (testing::SampleView(i).event.meeting == view.meeting) {
            expect = i;
            break;
          }
        }
        Exec(*db, "DELETE FROM view_partners WHERE partner = '" + view.recipient +
                      "' AND meeting = '" + view.meeting + "';");
      } else if (how == 0) {  // the event disappears from its subject's report
        Exec(*db, "DELETE FROM event_keys WHERE seq = " + s + " AND k LIKE 's:%';");
      } else if (how == 1) {  // filed under another meeting
        Exec(*db, "UPDATE event_keys SET k = 'm:other' WHERE seq = " + s + " AND k LIKE 'm:%';");
      } else {  // an extra entry: the event shows up for another partner
        Exec(*db, "INSERT INTO event_keys(k, seq) VALUES ('p:zorgverzekeraar', " + s + ");");
      }
      ASSERT_EQ(db->Changes(), 1);
    }
    VerifyReport rep = Verify();
    ASSERT_FALSE(rep.intact) << "case " << c << ": index tampering " << how << " at " << k;
    EXPECT_EQ(rep.first_bad_seq, expect) << rep.problem;
    EXPECT_NE(rep.problem.find("query index"), std::string::npos) << rep.problem;
  }
}

// Which dossier view names which part list and which decision set first.
struct FirstUses {
  std::vector<std::pair<std::string, int64_t>> lists, sets;
};
FirstUses FirstUsesIn(db::Database& db) {
  FirstUses out;
  auto add = [](std::vector<std::pair<std::string, int64_t>>* v, const std::string& hex,
                int64_t seq) {
    bool seen = false;
    for (const auto& [h, s] : *v) seen = seen || h == hex;
    if (!seen) v->emplace_back(hex, seq);
  };
  auto st = db.Prepare(
      "SELECT seq, body FROM events WHERE type = 'dossier_disclosed' "
      "ORDER BY seq;");
  EXPECT_TRUE(st.ok());
  std::optional<db::Statement> get;
  for (;;) {
    auto r = st->Step();
    EXPECT_TRUE(r.ok());
    if (!r.ok() || !*r) break;
    Event e;
    EXPECT_TRUE(ParseEventBody(st->Text(1), &e).ok());
    EXPECT_FALSE(e.parts_list.empty()) << "a view names its part list";
    add(&out.lists, e.parts_list, st->Int(0));
    auto parts = ReadPartList(db, e.parts_list, &get);
    EXPECT_TRUE(parts.ok() && *parts);
    if (!parts.ok() || !*parts) break;
    for (const auto& p : **parts) add(&out.sets, p.set, st->Int(0));
  }
  return out;
}

// For kCasesPerKind cases: a stored body (a set or a list) picked from
// `first_use`, tampered with by `tamper(db, hex, how)` (how = case % 3), must
// fail verification at the first event naming it (`at_first_use(how)`, else
// at no event), naming `what`.
void TamperTest::ExpectCaughtAtFirstUse(
    const std::vector<std::pair<std::string, int64_t>>& first_use, const char* what,
    const TamperWith& tamper, const std::function<bool(int)>& at_first_use) {
  ASSERT_GT(first_use.size(), 10u);
  for (int c = 0; c < kCasesPerKind; ++c) {
    Restore();
    const auto& [hex, seq] = first_use[Rand(0, static_cast<int>(first_use.size()) - 1)];
    const int how = c % 3;
    {
      auto db = Tamper();
      tamper(*db, hex, how);
      ASSERT_EQ(db->Changes(), 1);
    }
    VerifyReport rep = Verify();
    ASSERT_FALSE(rep.intact) << "case " << c << ": " << what << " tampering " << how;
    EXPECT_EQ(rep.first_bad_seq, at_first_use(how) ? seq : 0) << rep.problem;
    EXPECT_NE(rep.problem.find(what), std::string::npos) << rep.problem;
  }
}

// A dossier view's event names its part list, and the list its subjects'
// decision sets, by digest; an insider who deletes a set, or rewrites one
// (say "disclosed" into "withheld"), is caught at the first event naming it.
TEST_F(TamperTest, DecisionSetTamperingIsCaught) {
  std::vector<std::pair<std::string, int64_t>> first_use;
  {
    auto db = Tamper();
    first_use = FirstUsesIn(*db).sets;
  }
  ExpectCaughtAtFirstUse(
      first_use, "decision set",
      [this](db::Database& db, const std::string& set, int how) {
        const std::string where = " WHERE hex(digest) = upper('" + set + "');";
        if (how == 0) {
          Exec(db, "DELETE FROM decision_sets" + where);
        } else if (how == 1) {
          Exec(db,
               "UPDATE decision_sets SET body = replace(body, '\"disclosed\"', "
               "'\"withheld\"')" +
                   where);
        } else {
          Exec(db, "UPDATE decision_sets SET body = replace(body, 'politie', 'om')" + where);
        }
      },
      [](int) { return true; });
}

// Likewise a part list (which subjects a view showed, how many fields each,
// which sets): deleted or rewritten, it is caught at the first view naming
// it. A subject taken out of part_list_subjects would hide the views of that
// list from the subject's queries and access report: caught as well.
TEST_F(TamperTest, PartListTamperingIsCaught) {
  std::vector<std::pair<std::string, int64_t>> first_use;
  {
    auto db = Tamper();
    first_use = FirstUsesIn(*db).lists;
  }
  ExpectCaughtAtFirstUse(
      first_use, "part list",
      [this](db::Database& db, const std::string& list, int how) {
        const std::string where = " WHERE hex(digest) = upper('" + list + "');";
        if (how == 0) {
          Exec(db, "DELETE FROM part_lists" + where);
        } else if (how == 1) {
          Exec(db,
               "UPDATE part_lists SET body = replace(body, '\"shown\":1', '\"shown\":0')" + where);
        } else {
          const std::string of = " WHERE list = '" + list + "'";
          Exec(db, "DELETE FROM part_list_subjects" + of +
                       " AND subject = (SELECT subject FROM "
                       "part_list_subjects" +
                       of + " LIMIT 1);");
        }
      },
      [](int how) { return how != 2; });  // the subject table is checked as a whole
}

}  // namespace
}  // namespace vh::audit
