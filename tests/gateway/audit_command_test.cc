// keys init, the key-file checks at open, and `vhgate audit
// verify|query|report|text-mac` through the command line, in process, on real
// files.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/audit_keys.h"
#include "audit/audit_log.h"
#include "audit/pseudonymizer.h"
#include "audit/report.h"
#include "core/config.h"
#include "crypto/keyring.h"
#include "gateway/commands/command_line.h"
#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

constexpr const char* kCovenant = R"json({
  // a small covenant: labels, purposes, one restricted overlegvorm
  "convenant": {"id": "vh-test", "version": "1", "title": "Test", "valid_from": "2016-01-01"},
  "house": "vh-huis",
  "partners": [{"id": "politie", "name": "Nationale Politie", "chain": "straf", "signatory": true},
               {"id": "reclassering", "name": "Reclassering Nederland", "chain": "straf",
                "signatory": true}],
  "fields": [{"id": "justitie.lopend_toezicht", "label": "Lopend reclasseringstoezicht",
              "type": "boolean", "category": "strafrechtelijk"}],
  "overlegvormen": [
    {"id": "briefing", "name": "Briefing (weegoverleg)", "purpose": "Weging van meldingen",
     "members": ["politie", "reclassering"], "ad_hoc": false, "retention_days": 90,
     "restricted": false, "rules": []},
    {"id": "radicalisering", "name": "Casusoverleg radicalisering",
     "purpose": "Aanpak van radicalisering", "members": ["politie", "reclassering"],
     "ad_hoc": false, "retention_days": 90, "restricted": true,
     "circle": [{"partner": "politie", "cn": "J.de-Vries"}], "rules": []}]
})json";

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto().ok());
    Write("convenant.json", kCovenant);
    WriteConfig();
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.Sub(name)) << text;
  }
  void WriteConfig() {
    Write("gateway.json", R"({"listen": "127.0.0.1:0", "metrics_listen": "127.0.0.1:0",
      "policy": "convenant.json", "data_dir": "data", "keys_dir": "keys",
      "tls": {"cert": "c", "key": "k", "client_ca": "ca", "crl": "crl"},
      "audit": {"checkpoint_every": 5, "checkpoint_seconds": 60}})");
  }
  std::string ConfigPath() { return dir_.Sub("gateway.json"); }
  Config LoadedConfig() {
    auto c = LoadConfig(ConfigPath());
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return *c;
  }
  int Keys(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.insert(args.begin(), "keys");
    return gw::RunCommandLine(args, out_, err_);
  }
  int Audit(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.insert(args.begin(), "audit");
    return gw::RunCommandLine(args, out_, err_);
  }
  static int Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
  }
  // Events for subject BSN 123456782: disclosed in a briefing and in a
  // restricted overlegvorm, plus one for someone else.
  void Seed() {
    ASSERT_EQ(Keys({"init", "--config", ConfigPath()}), 0) << err_.str();
    SystemClock clock;
    auto log = AuditLog::Open(LoadedConfig(), clock);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    std::string subj = (*log)->pseudonymizer().SubjectPseudonym("123456782");
    for (const char* ov : {"briefing", "radicalisering"}) {
      // A dossier view shown to politie; this person is one of its subjects.
      testing::SampleViewEvent v = testing::SampleView(1);
      v.event.overlegvorm = ov;
      v.event.purpose = "";
      v.event.parts[1].subject = subj;
      ASSERT_TRUE((*log)->Append(AppendRequest::View(v.event, v.sets)).ok());
    }
    Event other = testing::SampleEvent(2);
    other.subject = (*log)->pseudonymizer().SubjectPseudonym("111222333");
    ASSERT_TRUE((*log)->Append(other).ok());
  }

  TempDir dir_{"cli"};
  std::ostringstream out_, err_;
};

TEST_F(AuditCliTest, KeysInitCreatesPrivateKeyFilesOnceAndKeepsThem) {
  ASSERT_EQ(Keys({"init", "--config", ConfigPath()}), 0) << err_.str();
  std::string keys = dir_.Sub("keys");
  EXPECT_EQ(Mode(keys), 0700);
  for (const char* f : {crypto::kAuditStoreKeyFile, crypto::kAuditSignKeyFile,
                        crypto::kPseudonymKeyFile, crypto::kCaseStoreKeyFile}) {
    EXPECT_EQ(Mode(keys + "/" + f), 0600) << f;
  }
  EXPECT_EQ(Mode(keys + "/" + crypto::kAuditSignPubFile), 0644);
  std::string before = testing::Slurp(keys + "/" + crypto::kAuditStoreKeyFile);
  EXPECT_EQ(before.size(), 65u);  // 64 hex + newline
  ASSERT_EQ(Keys({"init", "--config", ConfigPath()}), 0);
  EXPECT_EQ(testing::Slurp(keys + "/" + crypto::kAuditStoreKeyFile), before);
  EXPECT_NE(out_.str().find("kept"), std::string::npos);
  EXPECT_EQ(out_.str().find(before.substr(0, 16)), std::string::npos) << "key printed";
  auto loaded = LoadAuditKeys(LoadedConfig());
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
}

TEST_F(AuditCliTest, OpenRefusesAGroupReadableKeyFileNamingIt) {
  ASSERT_EQ(Keys({"init", "--config", ConfigPath()}), 0);
  std::string sign = dir_.Sub("keys") + "/" + crypto::kAuditSignKeyFile;
  ASSERT_EQ(::chmod(sign.c_str(), 0640), 0);
  SystemClock clock;
  auto log = AuditLog::Open(LoadedConfig(), clock);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find(sign), std::string::npos) << log.status().message();
  EXPECT_NE(log.status().message().find("group or others"), std::string::npos);
}

TEST_F(AuditCliTest, StoreKeyFromAPassphraseFileWithArgon2id) {
  Write("passphrase", "correct horse battery staple\n");
  ::chmod(dir_.Sub("passphrase").c_str(), 0600);
  ::setenv("VH_AUDIT_PASSPHRASE_FILE", dir_.Sub("passphrase").c_str(), 1);
  ASSERT_EQ(Keys({"init", "--config", ConfigPath()}), 0) << err_.str();
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("keys") + "/" + crypto::kAuditStoreKeyFile));
  std::string kdf = testing::Slurp(dir_.Sub("keys") + "/" + crypto::kAuditStoreKdfFile);
  EXPECT_NE(kdf.find("argon2id13"), std::string::npos);
  EXPECT_NE(kdf.find("salt"), std::string::npos);
  SystemClock clock;
  {
    auto log = AuditLog::Open(LoadedConfig(), clock);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ASSERT_TRUE((*log)->Append(testing::SampleEvent(1)).ok());
  }
  Write("passphrase", "another passphrase entirely\n");
  auto log = AuditLog::Open(LoadedConfig(), clock);
  ::unsetenv("VH_AUDIT_PASSPHRASE_FILE");
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("audit.db"), std::string::npos) << log.status().message();
}

// The same through the configuration: audit.store_passphrase_file, relative
// to the config file.
TEST_F(AuditCliTest, StoreKeyFromThePassphraseFileTheConfigNames) {
  ::unsetenv("VH_AUDIT_PASSPHRASE_FILE");
  Write("passphrase", "correct horse battery staple\n");
  ::chmod(dir_.Sub("passphrase").c_str(), 0600);
  Write("gateway.json", R"({"listen": "127.0.0.1:0", "metrics_listen": "127.0.0.1:0",
    "policy": "convenant.json", "data_dir": "data", "keys_dir": "keys",
    "tls": {"cert": "c", "key": "k", "client_ca": "ca", "crl": "crl"},
    "audit": {"checkpoint_every": 5, "store_passphrase_file": "passphrase"}})");
  ASSERT_EQ(Keys({"init", "--config", ConfigPath()}), 0) << err_.str();
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("keys") + "/" + crypto::kAuditStoreKeyFile));
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("keys") + "/" + crypto::kAuditStoreKdfFile));
  SystemClock clock;
  {
    auto log = AuditLog::Open(LoadedConfig(), clock);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ASSERT_TRUE((*log)->Append(testing::SampleEvent(1)).ok());
  }
  ASSERT_EQ(::chmod(dir_.Sub("passphrase").c_str(), 0644), 0);
  auto log = AuditLog::Open(LoadedConfig(), clock);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("passphrase"), std::string::npos) << log.status().message();

  Write("gateway.json", R"({"listen": "127.0.0.1:0", "metrics_listen": "127.0.0.1:0",
    "policy": "convenant.json", "data_dir": "data", "keys_dir": "keys",
    "tls": {"cert": "c", "key": "k", "client_ca": "ca", "crl": "crl"},
    "audit": {"store_passphrase_file": 7}})");
  auto bad = LoadConfig(ConfigPath());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/audit/store_passphrase_file"), std::string::npos)
      << bad.status().message();
}

TEST_F(AuditCliTest, VerifyExitsZeroWhenIntactAndOneNamingTheEvent) {
  Seed();
  ASSERT_EQ(Audit({"verify", "--config", ConfigPath()}), 0) << out_.str() << err_.str();
  EXPECT_NE(out_.str().find("intact"), std::string::npos);
  // An insider with the store key changes event 2.
  {
    auto key = LoadStoreKey(LoadedConfig());
    ASSERT_TRUE(key.ok());
    auto db = OpenAuditStore(dir_.Sub("data/audit.db"), *key);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("UPDATE events SET recipient = 'om' WHERE seq = 2;").ok());
  }
  EXPECT_EQ(Audit({"verify", "--config", ConfigPath()}), 1);
  EXPECT_NE(out_.str().find("event 2:"), std::string::npos) << out_.str();
  EXPECT_EQ(Audit({"verify"}), 2);
}

TEST_F(AuditCliTest, VerifyOfAStoreDamagedOnDiskExitsOne) {
  Seed();
  const std::string db = dir_.Sub("data/audit.db");
  ASSERT_FALSE(fs::exists(db + "-wal") && fs::file_size(db + "-wal") > 0);
  const auto size = fs::file_size(db);
  ASSERT_GT(size, 2u * audit::kAuditPageSize);
  {
    // One byte of the last page flipped, as a failing disk would.
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(size - 100));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(static_cast<std::streamoff>(size - 100));
    f.write(&c, 1);
  }
  EXPECT_EQ(Audit({"verify", "--config", ConfigPath()}), 1) << out_.str() << err_.str();
  EXPECT_NE(out_.str().find("NOT INTACT: the store's pages do not check"), std::string::npos)
      << out_.str() << err_.str();
}

TEST_F(AuditCliTest, QueryByBsnPrintsThatPersonsEventsAndIsItselfAudited) {
  Seed();
  ASSERT_EQ(Audit({"query", "--config", ConfigPath(), "--bsn", "1234.56.782"}), 0) << err_.str();
  std::istringstream lines(out_.str());
  std::string line;
  int n = 0;
  std::string subject;
  while (std::getline(lines, line)) {
    auto j = ParseJson(line);
    ASSERT_TRUE(j.ok()) << line;
    subject = (*j)["subject"];
    EXPECT_EQ((*j)["type"], "dossier_disclosed");
    ++n;
  }
  EXPECT_EQ(n, 2);
  ASSERT_EQ(Audit({"query", "--config", ConfigPath(), "--type", "audit_query"}), 0);
  EXPECT_NE(out_.str().find("\"command\":\"query\""), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find(subject), std::string::npos);
  EXPECT_EQ(out_.str().find("123456782"), std::string::npos) << "BSN in the audit log";
}

TEST_F(AuditCliTest, ReportInPlainDutchWithRestrictedEntriesWithheldFromTheSubjectsCopy) {
  Seed();
  ASSERT_EQ(Audit({"report", "--config", ConfigPath(), "--bsn", "123456782"}), 0) << err_.str();
  auto officer = ParseJson(out_.str());
  ASSERT_TRUE(officer.ok()) << out_.str();
  ASSERT_EQ((*officer)["entries"].size(), 2u);
  const Json& first = (*officer)["entries"][0];
  EXPECT_EQ(first["partner_name"], "Nationale Politie");
  EXPECT_EQ(first["overlegvorm_name"], "Briefing (weegoverleg)");
  EXPECT_EQ(first["purpose"], "Weging van meldingen");
  EXPECT_EQ(first["fields"][0]["label"], "Lopend reclasseringstoezicht");
  std::string text = first["text"];
  EXPECT_NE(text.find("kreeg Nationale Politie"), std::string::npos) << text;
  EXPECT_NE(text.find("regel B1"), std::string::npos) << text;
  EXPECT_TRUE((*officer)["entries"][1]["restricted"].get<bool>());

  ASSERT_EQ(Audit({"report", "--config", ConfigPath(), "--bsn", "123456782", "--copy", "subject"}),
            0);
  auto copy = ParseJson(out_.str());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ((*copy)["entries"].size(), 1u);
  EXPECT_TRUE(copy->contains("withheld_note"));
  EXPECT_EQ(out_.str().find("Casusoverleg radicalisering"), std::string::npos);

  ASSERT_EQ(Audit({"report", "--config", ConfigPath(), "--bsn", "123456782", "--format", "html"}),
            0);
  EXPECT_NE(out_.str().find("<!DOCTYPE html>"), std::string::npos);
  EXPECT_NE(out_.str().find("Lopend reclasseringstoezicht"), std::string::npos);
  EXPECT_NE(out_.str().find("beperkte kring"), std::string::npos);
}

// A --bsn that fails the 11-proef is a usage error naming the flag, in one
// line without the number: never an empty answer ("nothing was shared").
TEST_F(AuditCliTest, ABsnThatFailsTheElevenTestExitsTwoNamingTheFlag) {
  Seed();
  for (const char* command : {"query", "report"}) {
    EXPECT_EQ(Audit({command, "--config", ConfigPath(), "--bsn", "123456789"}), 2) << command;
    const std::string err = err_.str();
    EXPECT_EQ(out_.str(), "") << command;
    EXPECT_NE(err.find("--bsn"), std::string::npos) << err;
    EXPECT_EQ(err.find("123456789"), std::string::npos) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
  // Unknown flags are refused too, naming them; the filters are the HTTP
  // route's (audit/audit_service.h kQueryFilters).
  EXPECT_EQ(Audit({"query", "--config", ConfigPath(), "--colour", "red"}), 2);
  EXPECT_NE(err_.str().find("--colour"), std::string::npos) << err_.str();
  EXPECT_EQ(Audit({"query", "--config", ConfigPath(), "--limit", "0"}), 2);
  // Neither was recorded nor answered: the log holds one query, Seed's none.
  ASSERT_EQ(Audit({"query", "--config", ConfigPath(), "--type", "audit_query"}), 0);
  EXPECT_EQ(out_.str(), "");
}

// The log holds no free text: an officer who holds a
// reason proves it is the one given by its MAC, which text-mac computes from
// a file (never the command line), recorded without the text.
TEST_F(AuditCliTest, TextMacOfAReasonInAFileIsRecordedWithoutTheText) {
  Seed();
  const std::string reason = "Jan Kanarie is hier niet bekend";
  Write("reden.txt", reason + "\n");
  ASSERT_EQ(Audit({"text-mac", "--config", ConfigPath(), "--purpose", "reason", "--id", "r-1",
                   "--text-file", dir_.Sub("reden.txt")}),
            0)
      << err_.str();
  auto keys = LoadAuditKeys(LoadedConfig());
  ASSERT_TRUE(keys.ok());
  const Pseudonymizer macs(keys->pseudonym_key);
  EXPECT_EQ(out_.str(), macs.TextMac(kReasonMac, "r-1", reason) + "\n") << "one newline dropped";
  ASSERT_EQ(Audit({"text-mac", "--config", ConfigPath(), "--purpose", "reason", "--id", "r-1",
                   "--text-file", dir_.Sub("reden.txt"), "--exact"}),
            0);
  EXPECT_EQ(out_.str(), macs.TextMac(kReasonMac, "r-1", reason + "\n") + "\n");

  EXPECT_EQ(Audit({"text-mac", "--config", ConfigPath(), "--purpose", "naam", "--id", "r-1",
                   "--text-file", dir_.Sub("reden.txt")}),
            2);
  EXPECT_NE(err_.str().find("--purpose"), std::string::npos) << err_.str();
  EXPECT_EQ(Audit({"text-mac", "--config", ConfigPath(), "--purpose", "reason", "--id",
                   "Jan Kanarie", "--text-file", dir_.Sub("reden.txt")}),
            2);
  EXPECT_EQ(err_.str().find("Kanarie"), std::string::npos) << err_.str();
  EXPECT_EQ(Audit({"text-mac", "--config", ConfigPath(), "--purpose", "reason", "--id", "r-1",
                   "--text-file", dir_.Sub("missing.txt")}),
            2);

  ASSERT_EQ(Audit({"query", "--config", ConfigPath(), "--type", "audit_query"}), 0);
  const std::string recorded = out_.str();
  EXPECT_EQ(std::count(recorded.begin(), recorded.end(), '\n'), 2) << recorded;
  EXPECT_NE(recorded.find("\"text_mac\":true"), std::string::npos) << recorded;
  EXPECT_NE(recorded.find("\"id\":\"r-1\""), std::string::npos) << recorded;
  EXPECT_EQ(recorded.find("Kanarie"), std::string::npos) << "the text in the audit log";
}

}  // namespace
}  // namespace vh::audit
