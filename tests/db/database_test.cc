#include "db/database.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/primitives.h"
#include "tests/support/test_dir.h"

namespace vh::db {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    dir_ = testing::FreshTestDir("vh_db");
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string AllBytesOnDisk() const { return testing::AllBytesIn(dir_); }
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

// A cached statement is prepared once and reused; a handle that read one row
// of several leaves no read open behind it: a writer on another connection
// can still truncate the WAL, which waits for no reader.
TEST_F(DatabaseTest, CachedStatementsAreReusedAndLeaveNoReadOpen) {
  auto key = crypto::SecretBytes::Random(32);
  auto db = Database::Open(path_, key);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (a INTEGER);").ok());
  Statement* first = nullptr;
  for (int i = 0; i < 3; ++i) {
    auto ins = (*db)->PrepareCached("INSERT INTO t (a) VALUES (?1);");
    ASSERT_TRUE(ins.ok());
    if (i == 0) first = &**ins;
    EXPECT_EQ(&**ins, first) << "the same statement again";
    ASSERT_TRUE((*ins)->Bind(1, int64_t{i}).Run().ok());
  }
  for (int round = 0; round < 2; ++round) {
    auto q = (*db)->PrepareCached("SELECT a FROM t ORDER BY a;");
    ASSERT_TRUE(q.ok());
    auto row = (*q)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*q)->Int(0), 0) << "a reused statement starts from the first row";
  }
  auto other = Database::Open(path_, key);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("INSERT INTO t (a) VALUES (9);").ok());
  auto cp = (*other)->Prepare("PRAGMA wal_checkpoint(TRUNCATE);");
  ASSERT_TRUE(cp.ok());
  auto row = cp->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(cp->Int(0), 0) << "not blocked by a reader";
}

}  // namespace
}  // namespace vh::db
