#pragma once
// CaseStoreFixture: the set-up the case store tests share. A store file
// cases.db in a fresh temp dir named after the test, under a random key;
// Open() (re)opens it as store_, so a test may first write the file in an
// older form. Header only: each test target includes it once.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "crypto/primitives.h"
#include "store/case_store.h"
#include "tests/support/test_dir.h"

namespace vh::testing {

class CaseStoreFixture : public ::testing::Test {
 protected:
  explicit CaseStoreFixture(std::string dir_prefix) : dir_prefix_(std::move(dir_prefix)) {}

  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    dir_ = FreshTestDir(dir_prefix_);
    path_ = (dir_ / "cases.db").string();
    key_ = crypto::SecretBytes::Random(32);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // (Re)opens the store: a reopen runs its migrations again.
  void Open() {
    store_.reset();
    auto s = store::CaseStore::Open(path_, key_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  // The bytes of every file in the test's dir (the database, its WAL).
  std::string AllBytesOnDisk() const { return AllBytesIn(dir_); }

  std::filesystem::path dir_;
  std::string path_;
  crypto::SecretBytes key_;
  std::unique_ptr<store::CaseStore> store_;

 private:
  std::string dir_prefix_;
};

}  // namespace vh::testing
