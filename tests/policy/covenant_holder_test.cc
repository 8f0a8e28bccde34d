#include "policy/covenant_holder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/policy/test_util.h"

namespace vh::policy {
namespace {

using ::testing::HasSubstr;
using ::vh::policy::testing::SmallCovenant;

class CovenantHolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vh_policy_holder_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "c.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& text) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::filesystem::path dir_;
  std::string path_;
};

const char* kHolderRule = R"({"id": "B1", "field": "toezicht", "from": ["reclassering"],
                         "to": ["@members"], "as": "full"})";

TEST_F(CovenantHolderTest, OpenFailsNamingTheProblem) {
  Write("{}");
  auto h = CovenantHolder::Open(path_);
  ASSERT_FALSE(h.ok());
  EXPECT_THAT(h.status().message(), HasSubstr(path_ + ": /convenant: missing"));
  auto missing = CovenantHolder::Open((dir_ / "none.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot read"));
}

TEST_F(CovenantHolderTest, ReloadSwapsAndBadFileKeepsTheOld) {
  Write(SmallCovenant(kHolderRule));
  auto h = CovenantHolder::Open(path_);
  ASSERT_TRUE(h.ok()) << h.status().message();
  auto first = (*h)->Get();
  const std::string first_sha = first->sha256();

  Write(SmallCovenant(std::string(kHolderRule) + R"(, {"id": "B2", "field": "aantal",
        "from": ["politie"], "to": ["@members"], "as": "full"})"));
  auto r = (*h)->Reload();
  ASSERT_TRUE(r.ok());
  EXPECT_NE((*h)->Get()->sha256(), first_sha);
  EXPECT_EQ((*h)->Get()->FindOverlegvorm("briefing")->rules.size(), 2u);
  EXPECT_TRUE((*h)->last_problems().empty());
  // The old snapshot is untouched.
  EXPECT_EQ(first->sha256(), first_sha);
  EXPECT_EQ(first->FindOverlegvorm("briefing")->rules.size(), 1u);

  const std::string good_sha = (*h)->Get()->sha256();
  Write(SmallCovenant(R"({"id": "B1", "field": "nope", "from": ["om"], "to": [], "as": "full"})"));
  r = (*h)->Reload();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ((*h)->Get()->sha256(), good_sha);
  EXPECT_EQ((*h)->last_problems().size(), 2u);
  EXPECT_THAT(r.status().message(), HasSubstr("/overlegvormen/0/rules/0/field: unknown field"));
  EXPECT_THAT(r.status().message(), HasSubstr("/overlegvormen/0/rules/0/to: empty 'to'"));
}

TEST_F(CovenantHolderTest, ConcurrentReadersDuringReload) {
  Write(SmallCovenant(kHolderRule));
  auto h = CovenantHolder::Open(path_);
  ASSERT_TRUE(h.ok());
  CovenantHolder* holder = h->get();
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        auto c = holder->Get();
        ASSERT_TRUE(c);
        ASSERT_EQ(c->sha256().size(), 64u);
        ++reads;
      }
    });
  }
  for (int i = 0; i < 20 || reads.load() < 100; ++i) ASSERT_TRUE(holder->Reload().ok());
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
}

// Each thread keeps the snapshot it last saw: a reload reaches every thread
// at its next Get, and two holders read on one thread never lend each other
// theirs (also a holder made where another was, after it went).
TEST_F(CovenantHolderTest, EveryThreadSeesAReloadAtItsNextGet) {
  Write(SmallCovenant(kHolderRule));
  auto h = CovenantHolder::Open(path_);
  ASSERT_TRUE(h.ok());
  CovenantHolder* holder = h->get();
  const std::string first_sha = holder->Get()->sha256();
  std::string seen_before, seen_after;
  std::atomic<int> step{0};
  std::thread other([&] {
    seen_before = holder->Get()->sha256();
    step = 1;
    while (step.load() != 2) std::this_thread::yield();
    seen_after = holder->Get()->sha256();
  });
  while (step.load() != 1) std::this_thread::yield();
  Write(SmallCovenant(std::string(kHolderRule) + R"(, {"id": "B2", "field": "aantal",
        "from": ["politie"], "to": ["@members"], "as": "full"})"));
  ASSERT_TRUE(holder->Reload().ok());
  step = 2;
  other.join();
  const std::string second_sha = holder->Get()->sha256();
  EXPECT_NE(second_sha, first_sha);
  EXPECT_EQ(seen_before, first_sha);
  EXPECT_EQ(seen_after, second_sha);

  // Another holder of the first file, read in turns on this thread.
  Write(SmallCovenant(kHolderRule));
  auto again = CovenantHolder::Open(path_);
  ASSERT_TRUE(again.ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*again)->Get()->sha256(), first_sha);
    EXPECT_EQ(holder->Get()->sha256(), second_sha);
  }
  // A holder in the place of one that went has a snapshot of its own.
  again->reset();
  auto third = CovenantHolder::Open(path_);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)->Get()->FindOverlegvorm("briefing")->rules.size(), 1u);
  third->reset();
  auto fourth = std::make_unique<CovenantHolder>(path_, holder->Get());
  EXPECT_EQ(fourth->Get()->sha256(), second_sha);
  // A snapshot outlives the holder's reloads and the holder.
  auto kept = holder->Get();
  ASSERT_TRUE(holder->Reload().ok());
  h->reset();
  EXPECT_EQ(kept->sha256(), second_sha);
}

}  // namespace
}  // namespace vh::policy
