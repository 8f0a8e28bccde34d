// DropDir: a folder the partner writes, taken only through descriptors.
#include "adapters/drop_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/adapters/test_util.h"

namespace vh::adapters {
namespace {

namespace fs = std::filesystem;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteFile;

TEST(DropDirTest, ReadsRegularFilesOnlyAndNeverPastTheBound) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/drop";
  auto d = DropDir::Open(dir);
  ASSERT_TRUE(d.ok()) << d.status().message();
  WriteFile(dir + "/a.csv", "abc");
  WriteFile(tmp.path() + "/key", "SECRET");
  fs::create_symlink(tmp.path() + "/key", dir + "/link.csv");
  fs::create_symlink("/dev/zero", dir + "/zero.csv");
  ASSERT_EQ(::mkfifo((dir + "/fifo.csv").c_str(), 0600), 0);
  WriteFile(dir + "/big.csv", std::string(100, 'x'));

  auto a = (*d)->Read("a.csv", 10);
  EXPECT_EQ(a.outcome, DropDir::Contents::kOk);
  EXPECT_EQ(a.text, "abc");
  EXPECT_NE(a.ino, 0u);
  for (const char* name : {"link.csv", "zero.csv", "fifo.csv", "missing.csv"}) {
    EXPECT_EQ((*d)->Read(name, 1 << 20).outcome, DropDir::Contents::kGone) << name;
  }
  auto big = (*d)->Read("big.csv", 10);
  EXPECT_EQ(big.outcome, DropDir::Contents::kTooLarge);
  EXPECT_TRUE(big.text.empty());

  std::vector<DropDir::Entry> listed;
  ASSERT_TRUE((*d)->List([](const std::string&) { return true; }, &listed));
  std::vector<std::string> names;
  for (const auto& e : listed) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a.csv", "big.csv"}));
}

// A file is moved only while its name still refers to the file that was
// read, and never over another.
TEST(DropDirTest, MovesOnlyTheFileThatWasReadAndOverwritesNothing) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/drop";
  auto d = DropDir::Open(dir);
  ASSERT_TRUE(d.ok());
  WriteFile(dir + "/x.csv", "one");
  auto read = (*d)->Read("x.csv", 10);
  fs::rename(dir + "/x.csv", dir + "/x.csv.old");
  WriteFile(dir + "/x.csv", "two");  // swapped after the read
  std::string why;
  EXPECT_EQ((*d)->MoveTo("x.csv", read.ino, DropDir::Sub::kDone, &why), "");
  EXPECT_EQ(why, "replaced");
  EXPECT_EQ(ReadAll(dir + "/x.csv"), "two");

  auto again = (*d)->Read("x.csv", 10);
  WriteFile(dir + "/done/x.csv", "earlier");
  std::string moved = (*d)->MoveTo("x.csv", again.ino, DropDir::Sub::kDone, &why);
  ASSERT_FALSE(moved.empty());
  EXPECT_NE(moved, "x.csv");
  EXPECT_EQ(ReadAll(dir + "/done/x.csv"), "earlier");
  EXPECT_EQ(ReadAll(dir + "/done/" + moved), "two");
}

TEST(DropDirTest, AReportReplacesALinkInsteadOfWritingThroughIt) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/drop";
  auto d = DropDir::Open(dir);
  ASSERT_TRUE(d.ok());
  WriteFile(tmp.path() + "/key", "SECRET");
  fs::create_symlink(tmp.path() + "/key", dir + "/rejected/x.error.txt");
  fs::create_symlink(tmp.path() + "/key", dir + "/rejected/.x.error.txt.tmp");
  ASSERT_TRUE((*d)->WriteReport(DropDir::Sub::kRejected, "x.error.txt", "report\n"));
  EXPECT_EQ(ReadAll(tmp.path() + "/key"), "SECRET");
  EXPECT_FALSE(fs::is_symlink(dir + "/rejected/x.error.txt"));
  EXPECT_EQ(ReadAll(dir + "/rejected/x.error.txt"), "report\n");
  EXPECT_FALSE(fs::exists(dir + "/rejected/.x.error.txt.tmp"));
}

}  // namespace
}  // namespace vh::adapters
