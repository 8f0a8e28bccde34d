#include "crypto/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "crypto/primitives.h"

namespace vh::crypto {
namespace {

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = std::filesystem::temp_directory_path() / ("vh_keys_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    ASSERT_TRUE(EnsurePrivateDir(dir_.string()).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(KeyFileTest, WritesHexMode0600AndLoadsBack) {
  auto key = SecretBytes::Random(32);
  auto path = (dir_ / "store.key").string();
  ASSERT_TRUE(WriteKeyFile(path, key).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = LoadKeyFile(path, 32);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(ConstantTimeEqual(back->data(), key.data(), 32));
  // Refuses to overwrite.
  EXPECT_FALSE(WriteKeyFile(path, key).ok());
}

TEST_F(KeyFileTest, RefusesGroupReadableNamingFileNotContent) {
  auto key = SecretBytes::Random(32);
  auto path = (dir_ / "store.key").string();
  ASSERT_TRUE(WriteKeyFile(path, key).ok());
  ::chmod(path.c_str(), 0640);
  auto r = LoadKeyFile(path, 32);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_NE(r.status().message().find("group or others"), std::string::npos);
}

TEST_F(KeyFileTest, RefusesWrongLengthAndNonHex) {
  auto path = (dir_ / "short.key").string();
  { std::ofstream(path) << "abcd\n"; }
  ::chmod(path.c_str(), 0600);
  EXPECT_FALSE(LoadKeyFile(path, 32).ok());
  auto path2 = (dir_ / "junk.key").string();
  { std::ofstream(path2) << "not hex at all"; }
  ::chmod(path2.c_str(), 0600);
  auto r = LoadKeyFile(path2, 32);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not hex"), std::string::npos);
  EXPECT_FALSE(LoadKeyFile((dir_ / "missing.key").string(), 32).ok());
}

TEST_F(KeyFileTest, RefusesOpenDirectory) {
  auto open_dir = dir_ / "open";
  std::filesystem::create_directories(open_dir);
  ::chmod(open_dir.c_str(), 0755);
  EXPECT_FALSE(EnsurePrivateDir(open_dir.string()).ok());
}

}  // namespace
}  // namespace vh::crypto
