// Free text and the audit log end to end: the real
// `vhgate serve` process, mutual TLS, the example covenant. A supplier
// declines with a reason that names a synthetic person and BSN, another
// answers with a field name the covenant does not know; neither text is in
// any event the house's privacy officer can query or anywhere in the
// decrypted audit store. The coordinator reads the reason on the request
// board (from the case store) while the meeting lives; `vhgate retention
// run` shreds the meeting and the sealed reason goes with it. The typed
// tests (codes, MACs, retention and failure reasons): free_text_test.cc.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "audit/audit_log.h"
#include "crypto/key_file.h"
#include "crypto/primitives.h"
#include "db/database.h"
#include "tests/exchange/need_to_know_util.h"
#include "tests/support/db_dump.h"
#include "tests/support/gateway_harness.h"
#include "tests/support/wait_for.h"

namespace vh::testing {
namespace {

constexpr const char* kCanaryName = "Kanarie Pietersen";
constexpr const char* kCanaryField = "kanarie_pietersen_veld";

class FreeTextE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    gw_ = std::make_unique<GatewayHarness>();
    ASSERT_TRUE(gw_->Running()) << gw_->Log();
    // The retention sweep runs once at start (then hourly): let it pass
    // before a meeting that ended long ago exists, so that only `vhgate
    // retention run` below closes and shreds it.
    ASSERT_TRUE(WaitFor(
        [&] { return gw_->Log().find("\"event\":\"retention_swept\"") != std::string::npos; },
        std::chrono::seconds(20)))
        << gw_->Log();
  }
  std::string Path(const char* key) {
    std::filesystem::path p = gw_->config()[key].get<std::string>();
    return (p.is_relative() ? std::filesystem::path(gw_->dir()) / p : p)
        .lexically_normal()
        .string();
  }
  // A store decrypted with its key file: every cell of every table.
  std::string Dump(const std::string& db_file, const std::string& key_file, bool audit) {
    auto key = crypto::LoadKeyFile(Path("keys_dir") + "/" + key_file, 32);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    if (!key.ok()) return "";
    auto db = audit ? audit::OpenAuditStore(Path("data_dir") + "/" + db_file, *key)
                    : db::Database::Open(Path("data_dir") + "/" + db_file, *key);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return "";
    auto dump = DecryptedDump(**db);
    EXPECT_TRUE(dump.ok()) << dump.status().ToString();
    return dump.ok() ? *dump : "";
  }
  std::string AuditDump() { return Dump("audit.db", "audit-store.key", true); }
  std::string CasesDump() { return Dump("cases.db", "case-store.key", false); }
  // Every event, as the house's privacy officer queries them over HTTP.
  std::string OfficerView() {
    HttpResult r = gw_->Get(kNtkHouseOfficer, "/v1/audit/events?limit=1000");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }

  std::unique_ptr<GatewayHarness> gw_;
};

TEST_F(FreeTextE2ETest, ReasonsAndUnknownFieldNamesStayOutOfTheLogAndGoWithTheMeeting) {
  const std::string bsn = SyntheticBsn(71);
  const std::string meeting =
      NtkCreate(*gw_, NtkMeeting("briefing", {NtkSubject("S1", 71, "Leiden")}, false,
                                 "2020-01-01T09:00:00Z", "2020-01-01T12:00:00Z"));
  ASSERT_FALSE(meeting.empty());
  NtkSendRequests(*gw_, meeting);
  const std::string om = NtkOpenRequests(*gw_, "om.supplier", meeting)["S1"];
  const std::string politie = NtkOpenRequests(*gw_, "politie.supplier", meeting)["S1"];
  ASSERT_FALSE(om.empty() || politie.empty());

  const std::string reason =
      std::string(kCanaryName) + " (BSN " + bsn + ") is bij het OM niet bekend";
  HttpResult d = gw_->Post("om.supplier", "/v1/requests/" + om + "/decline", {{"reason", reason}});
  ASSERT_EQ(d.status, 200) << d.body;
  HttpResult a =
      gw_->Put("politie.supplier", "/v1/requests/" + politie + "/answer",
               {{"fields", {{"casus.bekend_bij_partner", true}, {kCanaryField, "synthetisch"}}}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.body.find(kCanaryField), std::string::npos) << "the supplier is told: " << a.body;

  // Nowhere in the log: not in what the house's officer reads, not in the
  // decrypted store.
  const std::string officer = OfficerView();
  ASSERT_NE(officer.find("request_declined"), std::string::npos) << officer;
  const std::string audit = AuditDump();
  ASSERT_NE(audit.find(meeting), std::string::npos) << "the dump reads the store";
  for (const std::string& text : {std::string("Kanarie"), std::string("kanarie"), bsn}) {
    EXPECT_EQ(officer.find(text), std::string::npos) << text << " in an event";
    EXPECT_EQ(audit.find(text), std::string::npos) << text << " in the audit store";
  }
  HttpResult declined = gw_->Get(kNtkHouseOfficer, "/v1/audit/events?type=request_declined");
  ASSERT_EQ(declined.status, 200);
  const Json events = declined.json()["events"];
  ASSERT_EQ(events.size(), 1u) << declined.body;
  const Json& detail = events[0]["detail"];
  EXPECT_EQ(detail.value("code", ""), "anders") << "no code given";
  EXPECT_EQ(detail.value("reason_mac", "").size(), 64u) << detail.dump();

  // While the meeting lives the coordinator reads the reason from the case
  // store, where it is sealed under the meeting's key.
  HttpResult board = gw_->Get(kNtkCoordinator, "/v1/meetings/" + meeting + "/requests");
  ASSERT_EQ(board.status, 200) << board.body;
  int shown = 0;
  const Json rows = board.json()["requests"];  // kept alive for the loop
  for (const auto& row : rows) {
    if (row["id"] != om) continue;
    ++shown;
    EXPECT_EQ(row.value("reason", ""), reason);
    EXPECT_EQ(row.value("reason_code", ""), "anders");
  }
  EXPECT_EQ(shown, 1) << board.body;
  std::string cases = CasesDump();
  ASSERT_NE(cases.find(om), std::string::npos) << "the dump reads the store";
  EXPECT_EQ(cases.find("Kanarie"), std::string::npos) << "the reason is not sealed";

  // `vhgate retention run` closes the meeting nobody closed and, its
  // retention long past, shreds it: the request and its reason are gone.
  // (The gateway is stopped meanwhile: its snapshot cache follows its own
  // writes only.)
  ASSERT_EQ(gw_->Stop(), 0);
  std::string out, err;
  ASSERT_EQ(gw_->RunCli({"retention", "run"}, &out, &err), 0) << out << err;
  EXPECT_NE(out.find("shredded " + meeting), std::string::npos) << out << err;
  std::string error;
  ASSERT_TRUE(gw_->Start(&error)) << error;
  HttpResult m = gw_->Get(kNtkCoordinator, "/v1/meetings/" + meeting);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.json()["state"], "shredded") << m.body;
  cases = CasesDump();
  EXPECT_EQ(cases.find(om), std::string::npos) << "the declined request survived the shredding";
  EXPECT_EQ(gw_->Get(kNtkCoordinator, "/v1/meetings/" + meeting + "/requests").body.find(reason),
            std::string::npos);
  EXPECT_EQ(OfficerView().find("Kanarie"), std::string::npos);
  EXPECT_EQ(AuditDump().find("Kanarie"), std::string::npos);
  EXPECT_EQ(gw_->RunCli({"audit", "verify"}, &out, &err), 0) << out << err;
  EXPECT_EQ(gw_->Stop(), 0);
  EXPECT_EQ(gw_->Log().find("Kanarie"), std::string::npos) << "the reason in the gateway log";
}

}  // namespace
}  // namespace vh::testing
