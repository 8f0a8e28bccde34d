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

}  // namespace
}  // namespace vh::policy
