#include "crypto/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/config.h"
#include "crypto/keyring.h"
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

// The one reader of secret files: bounded, private, no symlinks, the content
// never in a message.
TEST_F(KeyFileTest, ReadSecretFileIsBoundedPrivateAndFollowsNoSymlink) {
  auto path = (dir_ / "passphrase").string();
  { std::ofstream(path) << "correct horse battery staple\n"; }
  ::chmod(path.c_str(), 0600);
  auto text = ReadSecretFile(path, 64);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(text->data()), text->size()),
            "correct horse battery staple\n");
  // At the limit it reads; one byte past it, it refuses.
  EXPECT_TRUE(ReadSecretFile(path, text->size()).ok());
  auto longer = ReadSecretFile(path, text->size() - 1);
  ASSERT_FALSE(longer.ok());
  EXPECT_EQ(longer.status().reason(), "key_file");
  EXPECT_NE(longer.status().message().find("longer than"), std::string::npos);
  EXPECT_EQ(longer.status().message().find("horse"), std::string::npos) << "content in a message";
  // A symlink to it is refused, even though the target is private.
  auto link = (dir_ / "link").string();
  ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
  auto linked = ReadSecretFile(link, 64);
  ASSERT_FALSE(linked.ok());
  EXPECT_NE(linked.status().message().find(link), std::string::npos);
  // Group-readable, a directory, a missing file: refused, naming the file.
  ::chmod(path.c_str(), 0640);
  auto open = ReadSecretFile(path, 64);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("group or others"), std::string::npos);
  EXPECT_FALSE(ReadSecretFile(dir_.string(), 64).ok());
  EXPECT_FALSE(ReadSecretFile((dir_ / "missing").string(), 64).ok());
}

TEST(KeyringTest, NamesEveryKeyFileOnceAndTheCaseStoreKeyPath) {
  std::set<std::string> names(kKeyFiles.begin(), kKeyFiles.end());
  EXPECT_EQ(names.size(), kKeyFiles.size());
  EXPECT_TRUE(names.count("case-store.key") && names.count("audit-store.key"));
  Config config;
  config.keys_dir = "/etc/vhgate/keys";
  EXPECT_EQ(CaseStoreKeyPath(config), "/etc/vhgate/keys/case-store.key");
  EXPECT_EQ(KeyFilePath("keys", kAuditSignPubFile), "keys/audit-sign.pub");
}

}  // namespace
}  // namespace vh::crypto
