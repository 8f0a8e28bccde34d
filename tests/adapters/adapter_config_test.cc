#include "adapters/adapter_config.h"

#include <gtest/gtest.h>

#include "adapters/field_mapping.h"

namespace vh::adapters {
namespace {

Json Pull() {
  return Json{{"partner", "politie"},
              {"kind", "https-pull"},
              {"url", "https://partner.example:9555/vhgate/answer"},
              {"ca", "certs/ca.crt"},
              {"cert", "certs/gw.crt"},
              {"key", "/abs/gw.key"},
              {"mapping", {{"toezicht", "justitie.lopend_toezicht"}}}};
}

Json Drop() {
  return Json{{"partner", "gemeente-leiden"},
              {"kind", "file-drop"},
              {"dir", "drop/leiden"},
              {"format", "csv"},
              {"mapping", {{"bsn", "persoon.bsn"}}}};
}

std::string Error(const Json& adapters) {
  auto r = ParseAdapterConfigs(adapters, "examples/gateway.json", "/etc/vhgate");
  return r.ok() ? "" : r.status().message();
}

TEST(AdapterConfigTest, ParsesBothKindsAndResolvesRelativePaths) {
  auto r = ParseAdapterConfigs(Json::array({Pull(), Drop()}), "gw.json", "/etc/vhgate");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  const AdapterConfig& p = (*r)[0];
  EXPECT_EQ(p.kind, AdapterKind::kHttpsPull);
  EXPECT_EQ(p.pull.ca, "/etc/vhgate/certs/ca.crt");
  EXPECT_EQ(p.pull.key, "/abs/gw.key");
  EXPECT_EQ(p.pull.timeout_ms, 3000);
  EXPECT_EQ(p.mapping.ToCovenant("toezicht"), "justitie.lopend_toezicht");
  const AdapterConfig& d = (*r)[1];
  EXPECT_EQ(d.kind, AdapterKind::kFileDrop);
  EXPECT_EQ(d.drop.dir, "/etc/vhgate/drop/leiden");
  EXPECT_EQ(d.drop.settle_seconds, 2);
  EXPECT_EQ(d.drop.match, "persoon.bsn");
}

TEST(AdapterConfigTest, ErrorsNameTheFileAndTheJsonPath) {
  Json bad = Pull();
  bad.erase("url");
  EXPECT_EQ(Error(Json::array({bad})), "examples/gateway.json: /adapters/0/url: missing");
  bad = Pull();
  bad["url"] = "http://partner.example/x";
  EXPECT_EQ(Error(Json::array({Drop(), bad})),
            "examples/gateway.json: /adapters/1/url: expected an https:// URL");
  bad = Drop();
  bad["format"] = "xml";
  EXPECT_EQ(Error(Json::array({bad})),
            "examples/gateway.json: /adapters/0/format: expected \"csv\" or \"json\"");
  bad = Pull();
  bad["timeout_ms"] = -5;
  EXPECT_NE(Error(Json::array({bad})).find("/adapters/0/timeout_ms: expected an integer"),
            std::string::npos);
  bad = Pull();
  bad["timout_ms"] = 100;  // a typo must not silently drop a timeout
  EXPECT_EQ(Error(Json::array({bad})), "examples/gateway.json: /adapters/0/timout_ms: unknown key");
  bad = Pull();
  bad["kind"] = "ftp";
  EXPECT_NE(Error(Json::array({bad})).find("/adapters/0/kind"), std::string::npos);
  EXPECT_EQ(Error(Json::object()), "examples/gateway.json: /adapters: expected an array");
}

TEST(AdapterConfigTest, MappingErrors) {
  Json bad = Pull();
  bad["mapping"] = {{"a", "justitie.lopend_toezicht"}, {"b", "justitie.lopend_toezicht"}};
  EXPECT_NE(Error(Json::array({bad})).find("/adapters/0/mapping/b: target"), std::string::npos);
  bad["mapping"] = {{"a", 3}};
  EXPECT_NE(Error(Json::array({bad})).find("/adapters/0/mapping/a: expected a non-empty string"),
            std::string::npos);
  bad["mapping"] = {{"a", "@nonsense"}};
  EXPECT_NE(Error(Json::array({bad})).find("unknown target"), std::string::npos);
}

TEST(AdapterConfigTest, ANotificationsDropTakesTheNamesOfTheApi) {
  Json d = Drop();
  d["mode"] = "notifications";
  d["mapping"] = {{"bsn", "persoon.bsn"}, {"Soort", "@category"}};
  auto r = ParseAdapterConfigs(Json::array({d}), "gw.json", "/etc/vhgate");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const AdapterConfig& c = (*r)[0];
  EXPECT_EQ(c.drop.mode, DropMode::kNotifications);
  EXPECT_EQ(c.mapping.ToCovenant("Soort"), "@category");
  EXPECT_EQ(c.mapping.ToCovenant("reason"), "@reason");
  EXPECT_EQ(c.mapping.ToCovenant("release_date"), "@release_date");
  EXPECT_EQ(c.mapping.ToCovenant("category"), "category") << "@category is mapped from Soort";
  d["mode"] = "meldingen";
  EXPECT_EQ(Error(Json::array({d})),
            "examples/gateway.json: /adapters/0/mode: expected \"answers\" or \"notifications\"");
  d.erase("mode");
  EXPECT_EQ(Error(Json::array({d})),
            "examples/gateway.json: /adapters/0/mapping/Soort: '@category' is for a file-drop with "
            "\"mode\": \"notifications\"");
  d["mapping"] = {{"x", "@kleur"}};
  EXPECT_NE(Error(Json::array({d})).find("unknown target '@kleur'"), std::string::npos);
}

TEST(AdapterConfigTest, TwoDropAdaptersMayNotShareADirectory) {
  Json other = Drop();
  other["partner"] = "gemeente-alphen";
  EXPECT_NE(Error(Json::array({Drop(), other})).find("/adapters/1/dir: already used"),
            std::string::npos);
}

TEST(FieldMappingTest, MapsBothWaysAndGathersAddressParts) {
  auto m = FieldMapping::Parse({{"straat", "persoon.adres/straat"},
                                {"pc", "persoon.adres/postcode"},
                                {"uitkering", "inkomen.uitkering"},
                                {"id", "@request"}},
                               "/m");
  ASSERT_TRUE(m.ok());
  Json out = m->ToCovenantFields({{"straat", "Teststraat"},
                                  {"pc", "9999 XX"},
                                  {"uitkering", true},
                                  {"id", "r-1"},
                                  {"inkomen.schulden_bedrag", 5}});
  EXPECT_EQ(out, (Json{{"persoon.adres", {{"straat", "Teststraat"}, {"postcode", "9999 XX"}}},
                       {"inkomen.uitkering", true},
                       {"inkomen.schulden_bedrag", 5}}));
  EXPECT_EQ(m->ToPartner("inkomen.uitkering"), "uitkering");
  EXPECT_EQ(m->ToPartner("persoon.naam"), "persoon.naam");
  EXPECT_EQ(*m->NameFor("@request"), "id");
}

}  // namespace
}  // namespace vh::adapters
