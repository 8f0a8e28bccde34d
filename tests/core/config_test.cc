#include "core/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vh {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("vh_config_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& text) {
    auto p = (dir_ / "gateway.json").string();
    std::ofstream(p) << text;
    return p;
  }
  std::filesystem::path dir_;
};

constexpr const char* kGood = R"({
  // comments allowed
  "listen": "127.0.0.1:8443", "metrics_listen": "127.0.0.1:9090",
  "policy": "convenant.json", "data_dir": "../data", "keys_dir": "/abs/keys",
  "tls": {"cert": "c.crt", "key": "c.key", "client_ca": "ca.crt", "crl": "crl.pem"}
})";

TEST_F(ConfigTest, LoadsAndResolvesRelativePaths) {
  auto c = LoadConfig(Write(kGood));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen.port, 8443);
  EXPECT_EQ(c->policy, (dir_ / "convenant.json").string());
  EXPECT_EQ(c->data_dir, (dir_.parent_path() / "data").string());
  EXPECT_EQ(c->keys_dir, "/abs/keys");
  EXPECT_EQ(c->tls.crl, (dir_ / "crl.pem").string());
}

TEST_F(ConfigTest, MissingKeyIsNamed) {
  std::string text = kGood;
  text.replace(text.find("\"crl\": \"crl.pem\""), 16, "\"x\": \"y\"");
  auto c = LoadConfig(Write(text));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/tls/x: unknown key"), std::string::npos);
}

TEST_F(ConfigTest, BadPortIsNamed) {
  std::string text = kGood;
  text.replace(text.find("8443"), 4, "99999");
  auto c = LoadConfig(Write(text));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/listen: port out of range"), std::string::npos)
      << c.status().message();
}

TEST_F(ConfigTest, MetricsOnTheListenPortIsNamed) {
  // config check said ok and serve then failed as if another process held
  // the port.
  std::string text = kGood;
  text.replace(text.find("127.0.0.1:9090"), 14, "0.0.0.0:8443");
  auto c = LoadConfig(Write(text));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/metrics_listen: the same address and port as listen"),
            std::string::npos)
      << c.status().message();
}

TEST_F(ConfigTest, UnreadableFileIsNamed) {
  auto c = LoadConfig((dir_ / "nope.json").string());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("nope.json"), std::string::npos);
}

TEST_F(ConfigTest, SyntaxErrorNamesLineAndColumn) {
  std::string path = Write("{\n  \"listen\": \"127.0.0.1:8443\"\n  \"metrics_listen\": \"x\"\n}");
  auto c = LoadConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), path + ":3:3: unexpected string literal; expected ',' or '}'");
}

TEST_F(ConfigTest, SchemaHintIsAccepted) {
  std::string text = kGood;
  text.replace(text.find("\"listen\""), 0, "\"$schema\": \"gateway-config.schema.json\", ");
  auto c = LoadConfig(Write(text));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
}

TEST_F(ConfigTest, LimitsForHandshakesAndConnectionsPerAddress) {
  std::string text = kGood;
  text.replace(
      text.rfind('}'), 1,
      ", \"limits\": {\"handshake_timeout_ms\": 1500, \"max_connections_per_address\": 8}}");
  auto c = LoadConfig(Write(text));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->handshake_timeout_ms, 1500);
  EXPECT_EQ(c->max_connections_per_address, 8);
  text = kGood;
  text.replace(text.rfind('}'), 1, ", \"limits\": {\"handshake_timeout_ms\": 5}}");
  c = LoadConfig(Write(text));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/limits/handshake_timeout_ms: expected an integer >= 100"),
            std::string::npos)
      << c.status().message();
}

// data_dir 0755 with 0644 files in it: the gateway's own.
TEST_F(ConfigTest, SecureDataDirTakesOthersOffTheDirectoryAndItsFiles) {
  const std::string data = (dir_ / "data").string();
  std::filesystem::create_directories(data + "/adapters");
  std::ofstream(data + "/audit.db") << "x";
  std::ofstream(data + "/adapters/file-drop-x.ledger") << "x";
  std::filesystem::create_symlink("/etc/hostname", data + "/link");
  for (const std::string& p : {data, data + "/adapters"}) ::chmod(p.c_str(), 0755);
  for (const std::string& p : {data + "/audit.db", data + "/adapters/file-drop-x.ledger"}) {
    ::chmod(p.c_str(), 0644);
  }
  struct stat target {};
  ::stat("/etc/hostname", &target);
  ASSERT_TRUE(SecureDataDir(data).ok());
  auto mode = [](const std::string& p) {
    struct stat st {};
    ::lstat(p.c_str(), &st);
    return st.st_mode & 0777;
  };
  EXPECT_EQ(mode(data), 0700u);
  EXPECT_EQ(mode(data + "/adapters"), 0700u);
  EXPECT_EQ(mode(data + "/audit.db"), 0600u);
  EXPECT_EQ(mode(data + "/adapters/file-drop-x.ledger"), 0600u);
  struct stat after {};
  ::stat("/etc/hostname", &after);
  EXPECT_EQ(after.st_mode, target.st_mode) << "followed a link";
  // Created when missing, 0700 whatever the umask.
  const std::string fresh = (dir_ / "fresh" / "data").string();
  ASSERT_TRUE(SecureDataDir(fresh).ok());
  EXPECT_EQ(mode(fresh), 0700u);
}

}  // namespace
}  // namespace vh
