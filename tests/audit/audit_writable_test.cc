// The audit log's one writable state: every failed write
// clears it, the next durable one sets it, and while it is clear the writer
// probes by itself, so it comes back when the store can write again even if
// nobody appends.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "audit/audit_log.h"
#include "tests/audit/audit_test_util.h"
#include "tests/support/wait_for.h"

namespace vh::audit {
namespace {

using namespace std::chrono_literals;
using vh::testing::WaitFor;

TEST(AuditWritableTest, AFailedWriteClearsItAndItRecoversByItself) {
  testing::TempDir dir("writable");
  FakeClock clock(std::chrono::system_clock::now());
  AuditKeys keys = AuditKeys::Random();
  AuditLogOptions o = testing::OptionsIn(dir, 1000);
  o.busy_timeout_ms = 100;
  auto log = AuditLog::OpenWith(keys.Clone(), o, clock);
  ASSERT_TRUE(log.ok()) << log.status().message();
  ASSERT_TRUE((*log)->Append(testing::SampleEvent(1)).ok());
  EXPECT_TRUE((*log)->stats().writable);

  // Another process holds the write lock past the busy timeout: the store
  // cannot write, as on a full disk.
  auto other = OpenAuditStore(o.db_path, keys.store_key);
  ASSERT_TRUE(other.ok()) << other.status().message();
  ASSERT_TRUE((*other)->Exec("BEGIN IMMEDIATE;").ok());
  auto refused = (*log)->Append(testing::SampleEvent(2));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "audit_unavailable");
  EXPECT_FALSE((*log)->stats().writable);

  // The lock goes; nobody appends. The writer's probe finds out.
  ASSERT_TRUE((*other)->Exec("ROLLBACK;").ok());
  EXPECT_TRUE(WaitFor([&] { return (*log)->stats().writable; }, 5s));
  ASSERT_TRUE((*log)->Append(testing::SampleEvent(3)).ok());
  auto verified = (*log)->Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->problem;
}

}  // namespace
}  // namespace vh::audit
