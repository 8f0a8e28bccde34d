#include "core/config.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace vh
