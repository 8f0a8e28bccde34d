// AuditLog::Append and AppendAsync with AppendRequest: several events in one
// request, views among them, completion once and on which thread; and the
// pseudonyms and value MACs of the Pseudonymizer the log hands out.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "audit/audit_log.h"
#include "audit/pseudonymizer.h"
#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {
using testing::OptionsIn;
using testing::SampleEvent;
using testing::SampleView;

class AuditAppendTest : public ::testing::Test {
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
  static Status Await(AuditLog& log, AppendRequest request, int* calls = nullptr) {
    std::promise<Status> done;
    auto result = done.get_future();
    log.AppendAsync(std::move(request), [&done, calls](Status s) {
      if (calls != nullptr) ++*calls;
      done.set_value(std::move(s));
    });
    return result.get();
  }
  testing::TempDir dir_{"append"};
  FakeClock clock_{testing::T0()};
  AuditKeys keys_;
};

// A request of plain events and a view, split over several commits
// (max_batch 1): one completion, every event durable and chained, the
// view's sets stored with it.
TEST_F(AuditAppendTest, ARequestOfSeveralEventsCompletesOnceWhenAllAreDurable) {
  AuditLogOptions o = OptionsIn(dir_, 0);
  o.max_batch = 1;
  auto log = OpenLog(o);
  testing::SampleViewEvent view = SampleView(5);
  AppendRequest request({SampleEvent(1), view.event, SampleEvent(2)});
  request.sets = view.sets;
  int calls = 0;
  ASSERT_TRUE(Await(*log, std::move(request), &calls).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(log->last_seq(), 3);
  QueryFilter by_subject;
  by_subject.subject = view.event.parts[0].subject;
  by_subject.type = kDossierDisclosed;
  auto page = log->Query(by_subject);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].seq, 2);
  EXPECT_FALSE(page->events[0].event.fields.empty()) << "its decision set was not stored";
  auto rep = log->Verify();
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->intact) << rep->problem;

  // The blocking form gives the seq of the request's last event.
  auto seq = log->Append(AppendRequest({SampleEvent(3), SampleEvent(4)}));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 5);
}

// A request refused before it is queued completes at once, on the caller's
// thread, and nothing of it is written.
TEST_F(AuditAppendTest, ARefusedRequestCompletesAtOnceOnTheCallersThread) {
  auto log = OpenLog(OptionsIn(dir_));
  auto refuse = [&](AppendRequest request) {
    bool called = false;
    std::thread::id on;
    Status got;
    log->AppendAsync(std::move(request), [&](Status s) {
      called = true;
      on = std::this_thread::get_id();
      got = std::move(s);
    });
    EXPECT_TRUE(called) << "not completed before AppendAsync returned";
    EXPECT_EQ(on, std::this_thread::get_id());
    return got;
  };
  Event unknown = SampleEvent(1);
  unknown.type = "made_up";
  EXPECT_EQ(refuse(AppendRequest({SampleEvent(2), unknown})).code(), Code::kInvalidArgument);
  EXPECT_EQ(refuse(AppendRequest()).code(), Code::kInvalidArgument);
  testing::SampleViewEvent view = SampleView(6);
  EXPECT_EQ(refuse(AppendRequest(view.event)).code(), Code::kInvalidArgument)
      << "a view without its sets";
  EXPECT_EQ(log->last_seq(), 0);
  // The same view with its sets, and again as a list made already.
  ASSERT_TRUE(Await(*log, AppendRequest::View(view.event, view.sets)).ok());
  auto list = MakePartList(view.event.parts);
  Event named = view.event;
  named.parts.clear();
  named.parts_list = list->hex;
  ASSERT_TRUE(Await(*log, AppendRequest::View(named, view.sets, list)).ok());
  EXPECT_EQ(log->last_seq(), 2);
}

// Completions of concurrent asynchronous appends all arrive, each once, on
// the log's threads, with the commits shared.
TEST_F(AuditAppendTest, ConcurrentAsyncAppendsEachCompleteOnce) {
  auto log = OpenLog(OptionsIn(dir_, 100));
  constexpr int kN = 200;
  std::atomic<int> ok{0}, calls{0};
  std::promise<void> all;
  for (int i = 0; i < kN; ++i) {
    log->AppendAsync(SampleEvent(i), [&](Status s) {
      if (s.ok()) ++ok;
      if (++calls == kN) all.set_value();
    });
  }
  all.get_future().wait();
  EXPECT_EQ(ok.load(), kN);
  EXPECT_EQ(log->last_seq(), kN);
  EXPECT_LT(log->stats().commits, kN);
}

TEST_F(AuditAppendTest, SubjectPseudonymNormalisesTheBsnAndIsKeyed) {
  auto log = OpenLog(OptionsIn(dir_));
  std::string p = log->pseudonymizer().SubjectPseudonym("123456782");
  EXPECT_EQ(p.size(), 64u);
  EXPECT_EQ(p, log->pseudonymizer().SubjectPseudonym("1234 56 782"));
  EXPECT_EQ(p, log->pseudonymizer().SubjectPseudonym("1234.56.782"));
  EXPECT_EQ(log->pseudonymizer().SubjectPseudonym("12345678"),
            log->pseudonymizer().SubjectPseudonym("012345678"));
  EXPECT_NE(p, log->pseudonymizer().SubjectPseudonym("123456783"));
  EXPECT_NE(log->pseudonymizer().SubjectPseudonym("ref-1"),
            log->pseudonymizer().SubjectPseudonym("ref-2"));
  EXPECT_EQ(p.find("123456782"), std::string::npos);
  testing::TempDir other_dir("append2");
  auto other = AuditLog::OpenWith(AuditKeys::Random(), OptionsIn(other_dir), clock_);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(p, (*other)->pseudonymizer().SubjectPseudonym("123456782")) << "pseudonym not keyed";
}

TEST_F(AuditAppendTest, ValueMacBindsFieldAndValue) {
  auto log = OpenLog(OptionsIn(dir_));
  std::string m = log->pseudonymizer().ValueMac("justitie.lopend_toezicht", Json(true));
  EXPECT_EQ(m, log->pseudonymizer().ValueMac("justitie.lopend_toezicht", Json(true)));
  EXPECT_NE(m, log->pseudonymizer().ValueMac("justitie.lopend_toezicht", Json(false)));
  EXPECT_NE(m, log->pseudonymizer().ValueMac("zorg.bekend", Json(true)));
  EXPECT_NE(log->pseudonymizer().ValueMac("a", Json("1")),
            log->pseudonymizer().ValueMac("a", Json(1)));
  EXPECT_NE(m, log->pseudonymizer().SubjectPseudonym("true"));
}

TEST_F(AuditAppendTest, ThePseudonymizerIsTheKeysAndKeepsPseudonymsAndMacsApart) {
  auto log = OpenLog(OptionsIn(dir_));
  Pseudonymizer same(keys_.pseudonym_key);
  EXPECT_EQ(same.SubjectPseudonym("123456782"), log->pseudonymizer().SubjectPseudonym("123456782"));
  EXPECT_EQ(same.ValueMac("zorg.bekend", Json(true)),
            log->pseudonymizer().ValueMacOfText("zorg.bekend", "true"));
  EXPECT_EQ(same.SubjectPseudonym("123456782").size(), 64u);
  Pseudonymizer other(crypto::SecretBytes::Random(crypto::kKeyBytes));
  EXPECT_NE(other.SubjectPseudonym("123456782"), same.SubjectPseudonym("123456782"));
  std::set<std::string> distinct = {same.SubjectPseudonym("x"), same.ValueMacOfText("", "x"),
                                    same.ValueMacOfText("x", "")};
  EXPECT_EQ(distinct.size(), 3u);
}

// A request of several events: every one is durable and chained when it
// returns; one unknown type refuses the whole call before anything is queued.
class AuditLogBatchTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitCrypto().ok()); }
  testing::TempDir dir_{"batch"};
  FakeClock clock_{testing::T0()};
};

TEST_F(AuditLogBatchTest, AppendsAllEventsOfOneCall) {
  auto log = AuditLog::OpenWith(AuditKeys::Random(), testing::OptionsIn(dir_, 10), clock_);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::vector<Event> events;
  for (int i = 0; i < 20; ++i) events.push_back(testing::SampleEvent(i));
  ASSERT_TRUE((*log)->Append(AppendRequest(events)).ok());
  EXPECT_EQ((*log)->last_seq(), 20);
  events[3].type = "not-an-event";
  EXPECT_EQ((*log)->Append(AppendRequest(events)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ((*log)->last_seq(), 20);
  auto rep = (*log)->Verify();
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_TRUE(rep->intact) << rep->problem;
  EXPECT_EQ(rep->events, 20);
}

}  // namespace
}  // namespace vh::audit
