#include "audit/audit_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <future>
#include <set>
#include <thread>

#include "audit/event_index.h"
#include "audit/verifier.h"
#include "crypto/hex.h"
#include "tests/audit/audit_test_util.h"
#include "tests/support/wait_for.h"

namespace vh::audit {
namespace {
using testing::OptionsIn;
using testing::SampleEvent;
using testing::TempDir;
using vh::testing::WaitFor;

// The log verifies: readable and intact; otherwise the status or the problem.
::testing::AssertionResult Intact(const Result<VerifyReport>& rep) {
  if (!rep.ok()) return ::testing::AssertionFailure() << rep.status().ToString();
  if (!rep->intact) return ::testing::AssertionFailure() << rep->problem;
  return ::testing::AssertionSuccess();
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    keys_ = AuditKeys::Random();
  }
  std::unique_ptr<AuditLog> OpenLog(const AuditLogOptions& o) {
    auto log = AuditLog::OpenWith(keys_.Clone(), o, clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }
  TempDir dir_{"log"};
  FakeClock clock_{testing::T0()};
  AuditKeys keys_;
};

TEST_F(AuditLogTest, AppendsAChainThatVerifies) {
  auto log = OpenLog(OptionsIn(dir_, 10));
  for (int i = 0; i < 25; ++i) {
    auto seq = log->Append(SampleEvent(i));
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    EXPECT_EQ(*seq, i + 1);
  }
  auto rep = log->Verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->intact) << rep->problem;
  EXPECT_EQ(rep->events, 25);
  ASSERT_TRUE(rep->last_checkpoint.has_value());
  EXPECT_EQ(rep->last_checkpoint->seq, 20);
}

TEST_F(AuditLogTest, EachHashIsBlake2bOfPreviousHashAndCanonicalEvent) {
  auto log = OpenLog(OptionsIn(dir_));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Append(SampleEvent(i)).ok());
  QueryFilter f;
  auto page = log->Query(f);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 5u);
  crypto::Hash prev{};
  for (const auto& e : page->events) {
    EXPECT_EQ(e.prev_hash, prev);
    std::string canon =
        CanonicalEvent(e.seq, e.time, e.event.type, e.event.actor.partner, e.event.meeting,
                       e.event.subject, e.event.supplier, e.event.recipient, EventBody(e.event));
    std::string prev_bytes(reinterpret_cast<const char*>(prev.data()), prev.size());
    EXPECT_EQ(e.hash, crypto::ContentHash(prev_bytes + canon));
    prev = e.hash;
  }
  EXPECT_EQ(page->events[0].time, "2026-11-23T08:00:00.000Z");
}

TEST_F(AuditLogTest, ConcurrentAppendsShareCommitsAndGetDistinctSequenceNumbers) {
  auto log = OpenLog(OptionsIn(dir_, 100));
  constexpr int kThreads = 16, kEach = 40;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<int64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto s = log->Append(SampleEvent(t * 1000 + i));
        ASSERT_TRUE(s.ok());
        std::lock_guard<std::mutex> lock(mu);
        seqs.insert(*s);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), kThreads * kEach);
  AuditLog::Stats st = log->stats();
  EXPECT_EQ(st.events, kThreads * kEach);
  EXPECT_LT(st.commits, st.events) << "no two appends shared a commit";
  EXPECT_TRUE(Intact(log->Verify()));
}

TEST_F(AuditLogTest, ReopenContinuesTheChainAndClosingSignsACheckpoint) {
  auto o = OptionsIn(dir_, 1000);
  {
    auto log = OpenLog(o);
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(log->Append(SampleEvent(i)).ok());
  }
  auto file = ReadCheckpointFile(o.checkpoint_path);
  ASSERT_TRUE(file.ok());
  ASSERT_FALSE(file->checkpoints.empty());
  EXPECT_EQ(file->checkpoints.back().seq, 7);  // the close checkpoint
  EXPECT_TRUE(CheckpointSignatureValid(keys_.sign_public, file->checkpoints.back()));
  auto log = OpenLog(o);
  auto seq = log->Append(SampleEvent(8));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 8);
  auto rep = log->Verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->intact) << rep->problem;
  EXPECT_EQ(rep->events, 8);
}

TEST_F(AuditLogTest, CheckpointsAfterTheConfiguredSeconds) {
  auto o = OptionsIn(dir_, 0);
  o.checkpoint_seconds = 1;
  auto log = OpenLog(o);
  ASSERT_TRUE(log->Append(SampleEvent(1)).ok());
  // Due after a second; the writer thread may take a while to get there.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto f = ReadCheckpointFile(o.checkpoint_path);
        return f.ok() && !f->checkpoints.empty();
      },
      std::chrono::seconds(20)));
  auto file = ReadCheckpointFile(o.checkpoint_path);
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(file->checkpoints.size(), 1u);
  EXPECT_EQ(file->checkpoints[0].seq, 1);
}

// The writer reads the checkpoint file whole only when it is not as the
// writer left it: another process appended to it, or it was lost.
TEST_F(AuditLogTest, TheCheckpointFileIsReadAgainWhenSomethingElseChangedIt) {
  auto o = OptionsIn(dir_, 0);
  auto seqs_in_file = [&] {
    std::vector<int64_t> seqs;
    auto file = ReadCheckpointFile(o.checkpoint_path);
    EXPECT_TRUE(file.ok());
    if (file.ok()) {
      for (const auto& cp : file->checkpoints) seqs.push_back(cp.seq);
    }
    return seqs;
  };
  auto a = OpenLog(o);
  auto b = OpenLog(o);  // a second process on the same store
  int n = 0;
  for (auto* log : {a.get(), b.get(), a.get()}) {
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->Append(SampleEvent(n++)).ok());
    ASSERT_TRUE(log->CheckpointNow().ok());
  }
  // Each checkpoint once, in order, though both writers appended to the file.
  EXPECT_EQ(seqs_in_file(), (std::vector<int64_t>{3, 6, 9}));

  // A lost file is written again whole at the next checkpoint.
  std::filesystem::remove(o.checkpoint_path);
  ASSERT_TRUE(a->Append(SampleEvent(n++)).ok());
  ASSERT_TRUE(a->CheckpointNow().ok());
  EXPECT_EQ(seqs_in_file(), (std::vector<int64_t>{3, 6, 9, 10}));
  b.reset();
  a.reset();
  auto db = OpenAuditStore(o.db_path, keys_.store_key);
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE(Intact(VerifyStore(**db, keys_.sign_public, o.checkpoint_path)));
}

TEST_F(AuditLogTest, AForgedCheckpointFailsVerification) {
  auto o = OptionsIn(dir_, 5);
  {
    auto log = OpenLog(o);
    for (int i = 0; i < 12; ++i) ASSERT_TRUE(log->Append(SampleEvent(i)).ok());
  }
  // Someone with the store key but not the signing key adds a checkpoint line.
  auto file = ReadCheckpointFile(o.checkpoint_path);
  ASSERT_TRUE(file.ok());
  auto other = crypto::NewSigningKeyPair();
  Checkpoint forged = SignCheckpoint(other.secret_key, 12, file->checkpoints.back().hash,
                                     file->checkpoints.back().time);
  forged.seq = 10;
  ASSERT_TRUE(AppendCheckpointFile(o.checkpoint_path, forged).ok());
  auto db = OpenAuditStore(o.db_path, keys_.store_key);
  ASSERT_TRUE(db.ok());
  auto rep = VerifyStore(**db, keys_.sign_public, o.checkpoint_path);
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->intact);
  EXPECT_NE(rep->problem.find("invalid signature"), std::string::npos) << rep->problem;
}

TEST_F(AuditLogTest, QueryFiltersScopesAndPages) {
  auto log = OpenLog(OptionsIn(dir_, 50));
  for (int i = 0; i < 30; ++i) {
    clock_.Advance(std::chrono::minutes(1));
    ASSERT_TRUE(log->Append(SampleEvent(i, i % 2 ? "om" : "politie")).ok());
  }
  Event other = SampleEvent(99, "ggd");
  other.supplier = "ggd";
  other.recipient = "gemeente-leiden";
  ASSERT_TRUE(log->Append(other).ok());

  QueryFilter f;
  f.subject = "subj-3";
  auto page = log->Query(f);
  ASSERT_TRUE(page.ok());
  for (const auto& e : page->events) EXPECT_EQ(e.event.subject, "subj-3");
  EXPECT_EQ(page->events.size(), 3u);  // 3, 16, 29

  f = {};
  f.scope_partner = "om";
  page = log->Query(f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 15u);
  f.scope_partner = "reclassering";
  page = log->Query(f);
  EXPECT_EQ(page->events.size(), 30u);
  f.scope_partner = "gemeente-leiden";
  page = log->Query(f);
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].event.supplier, "ggd");

  f = {};
  f.limit = 7;
  std::vector<int64_t> all;
  for (;;) {
    page = log->Query(f);
    ASSERT_TRUE(page.ok());
    for (const auto& e : page->events) all.push_back(e.seq);
    if (page->next_cursor == 0) break;
    f.after_seq = page->next_cursor;
  }
  ASSERT_EQ(all.size(), 31u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<int64_t>(i + 1));

  f = {};
  f.from = testing::T0() + std::chrono::minutes(10);
  f.to = testing::T0() + std::chrono::minutes(13);
  page = log->Query(f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 3u);
}

// Queries read the indexed events through the query index and scan the
// unindexed tail: both parts must give what a plain scan gives, paged too.
TEST_F(AuditLogTest, QueriesFindIndexedAndUnindexedEventsAlike) {
  AuditLogOptions o = OptionsIn(dir_, 1000);
  o.index_every = 8;
  auto log = OpenLog(o);
  for (int i = 0; i < 61; ++i) {
    ASSERT_TRUE(log->Append(SampleEvent(i, i % 3 ? "om" : "politie")).ok());
  }
  {
    auto db = OpenAuditStore(o.db_path, keys_.store_key);
    ASSERT_TRUE(db.ok());
    auto upto = IndexedUpto(**db);
    ASSERT_TRUE(upto.ok());
    EXPECT_GE(*upto, 56);  // indexed in steps of at least 8 ...
    EXPECT_LT(*upto, 61);  // ... so a tail is left to scan
  }
  QueryFilter all;
  all.limit = 1000;
  auto every = log->Query(all);
  ASSERT_TRUE(every.ok());
  ASSERT_EQ(every->events.size(), 61u);

  auto expect = [&](const QueryFilter& f, auto&& match) {
    std::vector<int64_t> want, got;
    for (const auto& e : every->events) {
      if (match(e.event)) want.push_back(e.seq);
    }
    QueryFilter page = f;
    page.limit = 4;
    for (;;) {
      auto r = log->Query(page);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      for (const auto& e : r->events) got.push_back(e.seq);
      if (r->next_cursor == 0) break;
      page.after_seq = r->next_cursor;
    }
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(got, want);
  };
  QueryFilter f;
  f.subject = "subj-5";
  expect(f, [](const Event& e) { return e.subject == "subj-5"; });
  f = {};
  f.meeting = "m-3";
  expect(f, [](const Event& e) { return e.meeting == "m-3"; });
  f = {};
  f.partner = "politie";
  expect(f, [](const Event& e) { return e.actor.partner == "politie"; });
  f = {};
  f.scope_partner = "om";
  f.meeting = "m-2";
  expect(f, [](const Event& e) { return e.recipient == "om" && e.meeting == "m-2"; });
  f = {};
  f.subject = "subj-1";
  f.partner = "om";
  expect(f, [](const Event& e) { return e.subject == "subj-1" && e.actor.partner == "om"; });

  EXPECT_TRUE(Intact(log->Verify()));
}

// Under load the index grows in even steps: the count's checkpoints leave a
// short tail to the next step, and a forced checkpoint (the clock's, close,
// CheckpointNow) indexes all of it, whether or not it signs a new one.
TEST_F(AuditLogTest, OnlyAForcedCheckpointIndexesTheWholeTail) {
  AuditLogOptions o = OptionsIn(dir_, 10);
  o.index_every = 16;
  auto indexed_upto = [&] {
    auto db = OpenAuditStore(o.db_path, keys_.store_key);
    EXPECT_TRUE(db.ok());
    auto upto = IndexedUpto(**db);
    EXPECT_TRUE(upto.ok());
    return upto.ok() ? *upto : int64_t{-1};
  };
  auto log = OpenLog(o);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(log->Append(SampleEvent(i)).ok());
  // Count checkpoints at 10, 20 and 30 (one event each, one commit each):
  // one step of 16, the tail after it left.
  EXPECT_EQ(indexed_upto(), 16);
  // Nothing new to sign at 30, and still the whole tail.
  ASSERT_TRUE(log->CheckpointNow().ok());
  EXPECT_EQ(indexed_upto(), 30);
  ASSERT_TRUE(log->Append(SampleEvent(30)).ok());
  log.reset();  // the closing checkpoint
  EXPECT_EQ(indexed_upto(), 31);
}

TEST_F(AuditLogTest, ADossierViewIsOneEventFiledUnderEachOfItsSubjects) {
  AuditLogOptions o = OptionsIn(dir_, 1000);
  o.index_every = 8;
  auto log = OpenLog(o);
  std::set<std::string> distinct_sets;
  std::vector<testing::SampleViewEvent> views;
  for (int i = 0; i < 41; ++i) {
    views.push_back(testing::SampleView(i, i % 2 ? "om" : "politie"));
    for (const auto& set : views.back().sets) {
      distinct_sets.insert(crypto::ToHex(set->digest.data(), set->digest.size()));
    }
    ASSERT_TRUE(log->Append(AppendRequest::View(views.back().event, views.back().sets)).ok());
  }
  // A part whose set is not given is refused: no event names a set the
  // store would not hold.
  testing::SampleViewEvent lacking = testing::SampleView(99);
  lacking.sets.pop_back();
  EXPECT_EQ(log->Append(AppendRequest::View(lacking.event, lacking.sets)).status().code(),
            Code::kInvalidArgument);
  // Likewise a view given as a part list made already: it must name that
  // list, and every set of the list must be given.
  auto append_view = [&](Event e, std::shared_ptr<const PartList> list,
                         std::vector<std::shared_ptr<const DecisionSet>> sets) {
    std::promise<Status> done;
    log->AppendAsync(AppendRequest::View(std::move(e), std::move(sets), std::move(list)),
                     [&](Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  };
  testing::SampleViewEvent made = testing::SampleView(98);
  auto list = MakePartList(made.event.parts);
  Event named = made.event;
  named.parts.clear();
  named.parts_list = list->hex;
  Event other = named;
  other.parts_list = MakePartList(testing::SampleView(97).event.parts)->hex;
  EXPECT_EQ(append_view(other, list, made.sets).code(), Code::kInvalidArgument);
  EXPECT_EQ(append_view(made.event, list, made.sets).code(), Code::kInvalidArgument)
      << "parts and a list at once";
  auto fewer = made.sets;
  fewer.pop_back();
  EXPECT_EQ(append_view(named, list, fewer).code(), Code::kInvalidArgument);
  {
    auto db = OpenAuditStore(o.db_path, keys_.store_key);
    ASSERT_TRUE(db.ok());
    auto n = (*db)->Prepare("SELECT count(*) FROM decision_sets;");
    ASSERT_TRUE(n.ok());
    ASSERT_TRUE(*n->Step());
    EXPECT_EQ(n->Int(0), static_cast<int64_t>(distinct_sets.size())) << "each set stored once";
    EXPECT_LT(distinct_sets.size(), 41u * 3u);
    // Each distinct part list once too; the events name theirs (body and
    // subject column) and hold no parts themselves.
    std::set<std::string> distinct_lists;
    for (const auto& v : views) distinct_lists.insert(MakePartList(v.event.parts)->hex);
    auto lists = (*db)->Prepare("SELECT count(*) FROM part_lists;");
    ASSERT_TRUE(lists.ok());
    ASSERT_TRUE(*lists->Step());
    EXPECT_EQ(lists->Int(0), static_cast<int64_t>(distinct_lists.size()));
    EXPECT_LT(distinct_lists.size(), 41u);
    auto rows = (*db)->Prepare("SELECT subject, body FROM events ORDER BY seq;");
    ASSERT_TRUE(rows.ok());
    std::size_t named = 0;
    while (*rows->Step()) {
      if (!distinct_lists.count(rows->Text(0))) continue;
      ++named;
      EXPECT_NE(rows->Text(1).find("\"parts_list\":\"" + rows->Text(0) + "\""), std::string::npos);
      EXPECT_EQ(rows->Text(1).find("\"parts\":"), std::string::npos);
    }
    EXPECT_EQ(named, 41u);
    auto upto = IndexedUpto(**db);
    ASSERT_TRUE(upto.ok());
    EXPECT_GT(*upto, 8);  // part indexed, part tail
    EXPECT_LT(*upto, 41);
  }
  // Unfiltered: every part with its decisions filled in from its set.
  QueryFilter all;
  all.limit = 1000;
  auto every = log->Query(all);
  ASSERT_TRUE(every.ok());
  ASSERT_EQ(every->events.size(), 41u);
  for (std::size_t i = 0; i < 41; ++i) {
    const Event& e = every->events[i].event;
    ASSERT_EQ(e.parts.size(), 3u);
    EXPECT_EQ(e.parts[0].subject, views[i].event.parts[0].subject);
    ASSERT_EQ(e.parts[0].fields.size(), 2u);
    EXPECT_EQ(e.parts[0].fields[0].field, "justitie.lopend_toezicht");
    EXPECT_EQ(e.parts[0].fields[0].value_mac.size(), 64u);
    EXPECT_EQ(e.parts[0].from, (std::vector<std::string>{"reclassering", "politie"}));
  }
  // By subject, over the indexed part and the tail alike, page by page: the
  // views that showed this subject, each narrowed to it.
  for (int s : {0, 5, 12}) {
    const std::string subject = "subj-" + std::to_string(s);
    std::vector<int64_t> want, got;
    for (std::size_t i = 0; i < views.size(); ++i) {
      for (const auto& p : views[i].event.parts) {
        if (p.subject == subject) want.push_back(every->events[i].seq);
      }
    }
    QueryFilter f;
    f.subject = subject;
    f.limit = 2;
    for (;;) {
      auto r = log->Query(f);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      for (const auto& se : r->events) {
        got.push_back(se.seq);
        EXPECT_EQ(se.event.subject, subject);
        EXPECT_TRUE(se.event.parts.empty());
        ASSERT_EQ(se.event.fields.size(), 2u);
        EXPECT_EQ(se.event.detail["from"].size(), 2u);
        EXPECT_EQ(se.event.detail["shown"], 1);
        EXPECT_EQ(se.event.detail["phase"], "client_absent");
      }
      if (r->next_cursor == 0) break;
      f.after_seq = r->next_cursor;
    }
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(got, want) << subject;
  }
  // A pseudonym that is a prefix of another matches only itself.
  QueryFilter prefix;
  prefix.subject = "subj-1";
  auto p = log->Query(prefix);
  ASSERT_TRUE(p.ok());
  for (const auto& se : p->events) EXPECT_EQ(se.event.subject, "subj-1");
  EXPECT_TRUE(Intact(log->Verify()));
}

TEST_F(AuditLogTest, AnIndexOfAnEarlierVersionIsBuiltAgain) {
  AuditLogOptions o = OptionsIn(dir_, 1000);
  o.index_every = 4;
  auto write = [&] {
    auto log = OpenLog(o);
    for (int i = 0; i < 20; ++i) {
      testing::SampleViewEvent v = testing::SampleView(i);
      ASSERT_TRUE(log->Append(AppendRequest::View(v.event, v.sets)).ok());
    }
  };
  auto reopened_is_whole = [&](std::size_t writes) {
    auto log = OpenLog(o);
    EXPECT_TRUE(Intact(log->Verify()));
    QueryFilter f;
    f.subject = "subj-4";
    f.limit = 100;
    auto r = log->Query(f);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->events.size(), 5 * writes);  // views 0, 4, 9, 13 and 17 showed subj-4
    f = QueryFilter{};
    f.partner = "politie";
    f.limit = 100;
    r = log->Query(f);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->events.size(), 20 * writes) << "each view once";
  };
  auto tamper = [&](const std::string& sql) {
    auto db = OpenAuditStore(o.db_path, keys_.store_key);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec(sql).ok());
  };
  write();
  // As the version before view_partners left it: views filed under their
  // partners, view_subjects covering the whole log.
  tamper(
      "DROP TABLE view_partners; DROP TABLE event_keys_layout;"
      "INSERT INTO event_keys(k, seq) VALUES ('p:politie', 1);"
      "INSERT INTO view_subjects(subject, meeting) VALUES ('subj-x', 'm-9');");
  reopened_is_whole(1);
  // As the version before view_subjects left it.
  tamper(
      "DROP TABLE view_subjects; DROP TABLE view_partners; DROP TABLE event_keys_layout;"
      "INSERT INTO event_keys(k, seq) VALUES ('s:subj-0', 1);");
  reopened_is_whole(1);
  // An earlier binary run against the store after this one: it indexed
  // (moving event_keys_state alone) in its own way.
  write();
  tamper(
      "INSERT INTO event_keys(k, seq) VALUES ('p:politie', 40);"
      "UPDATE event_keys_state SET upto = upto + 1;");
  reopened_is_whole(2);
}

// Views written before part lists held their parts inline and their
// subjects space-separated in the subject column: such a store still
// verifies, and its views are still found by subject, with their decisions.
TEST_F(AuditLogTest, ViewsOfTheEarlierInlineFormAreStillRead) {
  AuditLogOptions o = OptionsIn(dir_, 1000);
  o.index_every = 4;
  const testing::SampleViewEvent earlier = testing::SampleView(7);
  {
    auto log = OpenLog(o);
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(log->Append(SampleEvent(i)).ok());
    // Its sets, through a view of the current form.
    ASSERT_TRUE(log->Append(AppendRequest::View(earlier.event, earlier.sets)).ok());
  }
  {
    // Appended as the earlier writer did, chained onto the head.
    auto db = OpenAuditStore(o.db_path, keys_.store_key);
    ASSERT_TRUE(db.ok());
    auto head = (*db)->Prepare("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1;");
    ASSERT_TRUE(head.ok());
    ASSERT_TRUE(*head->Step());
    const int64_t seq = head->Int(0) + 1;
    crypto::Hash prev{};
    const std::string prev_blob = head->Blob(1);
    std::copy(prev_blob.begin(), prev_blob.end(), prev.begin());
    const Event& e = earlier.event;
    const std::string time = "2026-01-02T03:04:05.000Z";
    const std::string subjects = SubjectColumn(e);
    const std::string body = EventBody(e);
    ASSERT_NE(subjects.find(' '), std::string::npos);
    ASSERT_NE(body.find("\"parts\":["), std::string::npos);
    crypto::Hash h = ChainHash(prev, CanonicalEvent(seq, time, e.type, e.actor.partner, e.meeting,
                                                    subjects, e.supplier, e.recipient, body));
    auto ins = (*db)->Prepare(
        "INSERT INTO events(seq, time, type, actor_partner, meeting, subject, supplier, "
        "recipient, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);");
    ASSERT_TRUE(ins.ok());
    ins->Bind(1, seq).Bind(2, time).Bind(3, e.type).Bind(4, e.actor.partner).Bind(5, e.meeting);
    ins->Bind(6, subjects).Bind(7, e.supplier).Bind(8, e.recipient).Bind(9, body);
    ins->BindBlob(10, std::string_view(reinterpret_cast<const char*>(prev.data()), prev.size()));
    ins->BindBlob(11, std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
    ASSERT_TRUE(ins->Run().ok());
  }
  auto log = OpenLog(o);  // indexes the tail, the inline view with it
  EXPECT_TRUE(Intact(log->Verify()));
  for (const SubjectPart& part : earlier.event.parts) {
    QueryFilter f;
    f.subject = part.subject;
    f.type = kDossierDisclosed;
    auto r = log->Query(f);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->events.size(), 2u) << "the current and the earlier form";
    for (const auto& se : r->events) {
      EXPECT_EQ(se.event.subject, part.subject);
      EXPECT_EQ(se.event.fields.size(), 2u);
    }
  }
}

TEST_F(AuditLogTest, TheWalIsCopiedIntoTheStoreOutsideTheWritersCommits) {
  AuditLogOptions o = OptionsIn(dir_, 100000);
  o.wal_checkpoint_frames = 32;
  auto log = OpenLog(o);
  const auto before = std::filesystem::file_size(o.db_path);
  // Each append is its own commit: at least one WAL frame each. SQLite's own
  // checkpoint would wait for 1000 frames.
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(log->Append(SampleEvent(i)).ok());
  bool copied = false;
  for (int i = 0; i < 100 && !copied; ++i) {
    copied = std::filesystem::file_size(o.db_path) > before;
    if (!copied) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(copied) << "the WAL thread did not checkpoint";
  EXPECT_TRUE(Intact(log->Verify()));
}

TEST_F(AuditLogTest, RefusesUnknownEventTypes) {
  auto log = OpenLog(OptionsIn(dir_));
  Event e = SampleEvent(1);
  e.type = "made_up";
  EXPECT_EQ(log->Append(e).status().code(), Code::kInvalidArgument);
}

TEST_F(AuditLogTest, DeclineReasonCanaryIsNowhereOnDisk) {
  const std::string canary = "CANARY-decline-reason-7f3a9c";
  auto o = OptionsIn(dir_, 3);
  auto log = OpenLog(o);
  for (int i = 0; i < 20; ++i) {
    Event e = SampleEvent(i);
    e.type = kRequestDeclined;
    e.detail = {{"reason", canary + " cliënt is niet bekend bij ons"}};
    ASSERT_TRUE(log->Append(e).ok());
  }
  auto scan = [&](const char* when) {
    int files = 0;
    for (auto& f : std::filesystem::recursive_directory_iterator(dir_.path())) {
      if (!f.is_regular_file()) continue;
      ++files;
      std::string bytes = testing::Slurp(f.path());
      EXPECT_EQ(bytes.find(canary), std::string::npos) << f.path() << " " << when;
      EXPECT_EQ(bytes.find("niet bekend"), std::string::npos) << f.path() << " " << when;
      EXPECT_EQ(bytes.find("reclassering"), std::string::npos) << f.path() << " " << when;
      EXPECT_EQ(bytes.find("SQLite format"), std::string::npos) << f.path() << " " << when;
    }
    EXPECT_GE(files, 2) << when;
  };
  scan("while open (WAL)");
  // And it is readable with the key.
  QueryFilter f;
  auto page = log->Query(f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events[0].event.detail["reason"].get<std::string>().substr(0, canary.size()),
            canary);
  log.reset();
  scan("after close");
}

TEST_F(AuditLogTest, WrongStoreKeyIsRefusedNamingTheStore) {
  auto o = OptionsIn(dir_);
  { auto log = OpenLog(o); }
  AuditKeys wrong = keys_.Clone();
  wrong.store_key = crypto::SecretBytes::Random(32);
  auto log = AuditLog::OpenWith(std::move(wrong), o, clock_);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find(o.db_path), std::string::npos);
}

TEST_F(AuditLogTest, FailsClosedWhileTheStoreIsLockedAndRecovers) {
  auto o = OptionsIn(dir_);
  o.busy_timeout_ms = 200;
  auto log = OpenLog(o);
  ASSERT_TRUE(log->Append(SampleEvent(1)).ok());
  auto other = OpenAuditStore(o.db_path, keys_.store_key);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("BEGIN EXCLUSIVE;").ok());
  Status s = log->Append(SampleEvent(2)).status();
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_EQ(s.reason(), "audit_unavailable");
  (*other)->Rollback();
  auto seq = log->Append(SampleEvent(3));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 2) << "the refused event must not be in the log";
  EXPECT_TRUE(Intact(log->Verify()));
}

TEST_F(AuditLogTest, FailsClosedWhenTheDiskIsFull) {
  auto o = OptionsIn(dir_, 0);
  auto log = OpenLog(o);
  ASSERT_TRUE(log->Append(SampleEvent(1)).ok());
  // A file size limit makes every write past the current size fail (EFBIG),
  // which is what a full disk looks like to SQLite.
  ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit old {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  struct rlimit tiny = old;
  tiny.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
  int refused = 0;
  for (int i = 0; i < 50; ++i) {
    Event e = SampleEvent(i);
    e.detail = {{"pad", std::string(2000, 'x')}};
    Status s = log->Append(e).status();
    if (!s.ok()) {
      EXPECT_EQ(s.code(), Code::kUnavailable);
      ++refused;
    }
  }
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  EXPECT_GT(refused, 0);
  ASSERT_TRUE(log->Append(SampleEvent(2)).ok());
  EXPECT_TRUE(Intact(log->Verify()));
}

// Appends complete once the syncer has made their commit durable with an
// fdatasync of the WAL. A WAL taken away beneath SQLite (which goes on
// writing into the open, unlinked file) can no longer be made durable: the
// append is refused, and so is every later one, without writing, until a
// restart.
TEST_F(AuditLogTest, AWalThatCannotBeSyncedFailsClosedForGood) {
  auto o = OptionsIn(dir_, 0);
  auto log = OpenLog(o);
  ASSERT_TRUE(log->Append(SampleEvent(1)).ok());
  ASSERT_TRUE(std::filesystem::remove(o.db_path + "-wal"));
  Status s = log->Append(SampleEvent(2)).status();
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_EQ(s.reason(), "audit_unavailable");
  EXPECT_NE(s.message().find("could not be synced"), std::string::npos) << s.message();
  const auto before = log->stats();
  EXPECT_EQ(log->Append(SampleEvent(3)).status().code(), Code::kUnavailable);
  EXPECT_EQ(log->stats().commits, before.commits) << "nothing is written once the WAL failed";
  EXPECT_GT(log->stats().failures, before.failures);
}

}  // namespace
}  // namespace vh::audit
