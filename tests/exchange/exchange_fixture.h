#pragma once
// ExchangeFixture: the set-up the typed exchange tests share. The exchange
// service through its real parts: the example covenant
// (examples/convenant.json), a real audit log and case store (SQLCipher
// files in a fresh temp dir named after the test) and fake time only; the
// actors of the example covenant; the audit log's events.
//
// A test's fixture derives from it, names its temp dir's prefix and may
// start the clock elsewhere; LoadCovenant swaps the covenant in force, as a
// reload does (covenant_text_ is the example's text, to change). The keys of
// both stores are kept, for tests that open the files themselves. Header
// only: each test target includes it once.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit_keys.h"
#include "audit/audit_log.h"
#include "core/clock.h"
#include "crypto/primitives.h"
#include "exchange/exchange_service.h"
#include "policy/covenant.h"
#include "policy/loader.h"
#include "store/case_store.h"
#include "tests/support/synthetic_bsn.h"
#include "tests/support/test_dir.h"

namespace vh::testing {

class ExchangeFixture : public ::testing::Test {
 protected:
  explicit ExchangeFixture(std::string dir_prefix, const char* clock_start = "2026-11-23T08:00:00Z")
      : clock_(*ParseUtc(clock_start)), dir_prefix_(std::move(dir_prefix)) {}

  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    dir_ = FreshTestDir(dir_prefix_);
    covenant_text_ = ReadText(SourceDir() + "/examples/convenant.json");
    ASSERT_NO_FATAL_FAILURE(LoadCovenant(covenant_text_));
    audit::AuditKeys keys = audit::AuditKeys::Random();
    audit_store_key_ = keys.store_key.Clone();
    case_key_ = crypto::SecretBytes::Random(32);
    audit::AuditLogOptions opts;
    opts.db_path = AuditPath();
    opts.checkpoint_path = (dir_ / "audit.checkpoints").string();
    auto a = audit::AuditLog::OpenWith(std::move(keys), opts, clock_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    audit_ = std::move(*a);
    auto s = store::CaseStore::Open(CasesPath(), case_key_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    cases_ = std::move(*s);
    service_ = std::make_unique<exchange::ExchangeService>(
        [this] {
          std::lock_guard<std::mutex> lock(mu_);
          return covenant_;
        },
        *audit_, *cases_, clock_);
  }
  void TearDown() override {
    service_.reset();
    cases_.reset();
    audit_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Swaps the covenant in force, as a reload does.
  void LoadCovenant(const std::string& text) {
    auto c = policy::LoadCovenantText(text, "convenant.json", nullptr);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    std::lock_guard<std::mutex> lock(mu_);
    covenant_ = *c;
  }
  std::string AuditPath() const { return (dir_ / "audit.db").string(); }
  std::string CasesPath() const { return (dir_ / "cases.db").string(); }

  // The example covenant's radicalisering circle lists this coordinator.
  static audit::Actor Coordinator() {
    return {"veiligheidshuis-hm", "coordinator", "Informatiecoordinator-E", "fp-c", "127.0.0.1:1"};
  }
  static audit::Actor Supplier(const std::string& p) {
    return {p, "supplier", p + "-system", "fp", "r"};
  }
  static audit::Actor Participant(const std::string& p) {
    return {p, "participant", p + " professional", "fp", "r"};
  }
  // The gateway itself (the retention sweep).
  static audit::Actor System() { return {"veiligheidshuis-hm", "system", "sweep", "", "gateway"}; }

  // Every event of `type` (all types when empty), as the house's privacy
  // officer reads them (no scope), oldest first.
  std::vector<audit::StoredEvent> AllEvents(const std::string& type = "") {
    audit::QueryFilter f;
    f.type = type;
    f.chronological_all = true;
    auto page = audit_->Query(f);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->events : std::vector<audit::StoredEvent>();
  }
  int CountEvents(const std::string& type) { return static_cast<int>(AllEvents(type).size()); }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::string covenant_text_;  // examples/convenant.json
  std::mutex mu_;
  std::shared_ptr<const policy::Covenant> covenant_;  // guarded by mu_ (LoadCovenant)
  crypto::SecretBytes audit_store_key_;
  crypto::SecretBytes case_key_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<store::CaseStore> cases_;
  std::unique_ptr<exchange::ExchangeService> service_;

 private:
  static std::string SourceDir() {
    if (const char* d = std::getenv("VH_SOURCE_DIR")) return d;
    return (std::filesystem::path(__FILE__).parent_path() / ".." / "..").string();
  }
  static std::string ReadText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::string dir_prefix_;
};

}  // namespace vh::testing
