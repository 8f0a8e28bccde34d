#include "db/database.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/primitives.h"

namespace vh::db {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    dir_ = std::filesystem::temp_directory_path() / ("vh_db_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string AllBytesOnDisk() {
    std::string all;
    for (auto& e : std::filesystem::directory_iterator(dir_)) {
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(DatabaseTest, RoundTripAndNothingReadableOnDisk) {
  auto key = crypto::SecretBytes::Random(32);
  const std::string canary = "CANARY-vhgate-7f3a91";
  {
    auto db = Database::Open(path_, key);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (a TEXT);").ok());
    auto st = (*db)->Prepare("INSERT INTO t (a) VALUES (?1);");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(st->Bind(1, canary).Run().ok());
    auto q = (*db)->Prepare("SELECT a FROM t;");
    ASSERT_TRUE(q.ok());
    auto row = q->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ(q->Text(0), canary);
  }
  EXPECT_EQ(AllBytesOnDisk().find(canary), std::string::npos);
  EXPECT_EQ(AllBytesOnDisk().find("CREATE TABLE"), std::string::npos);
}

TEST_F(DatabaseTest, WrongKeyIsRefusedNamingFile) {
  auto key = crypto::SecretBytes::Random(32);
  {
    auto db = Database::Open(path_, key);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (a TEXT);").ok());
  }
  auto other = crypto::SecretBytes::Random(32);
  auto db = Database::Open(path_, other);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find(path_), std::string::npos);
}

TEST_F(DatabaseTest, ConstraintViolationIsConflict) {
  auto key = crypto::SecretBytes::Random(32);
  auto db = Database::Open(path_, key);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (a TEXT PRIMARY KEY);").ok());
  auto st = (*db)->Prepare("INSERT INTO t (a) VALUES (?1);");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->Bind(1, "x").Run().ok());
  Status s = st->Bind(1, "x").Run();
  EXPECT_EQ(s.code(), Code::kConflict);
}

}  // namespace
}  // namespace vh::db
