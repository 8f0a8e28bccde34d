// The JSON Schemas of docs/schemas/ and the loaders in step: every example
// validates; every key a loader accepts is in its schema and every key of a
// schema is one the loader accepts (core/config.h ConfigKeys; the adapters'
// and the covenant's key lists read from their loaders' source); a value
// taken from the schema's own examples and defaults loads.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "adapters/adapter_config.h"
#include "core/config.h"
#include "gateway/json_schema.h"
#include "policy/loader.h"

namespace vh::gw {
namespace {

using ::testing::IsEmpty;

std::string Source(const std::string& rel) {
  const char* dir = std::getenv("VH_SOURCE_DIR");
  return std::string(dir ? dir : ".") + "/" + rel;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Json ParseFile(const std::string& path) {
  JsonLimits lim;
  lim.max_bytes = 1 << 24;
  lim.allow_comments = true;
  auto j = ParseJson(ReadAll(path), lim);
  EXPECT_TRUE(j.ok()) << path << ": " << j.status().ToString();
  return j.ok() ? *j : Json();
}

std::string Describe(const std::vector<SchemaProblem>& problems) {
  std::string out;
  for (const SchemaProblem& p : problems) out += p.pointer + ": " + p.reason + "\n";
  return out;
}

Json Schema(std::string_view text) {
  auto j = ParseJson(text, JsonLimits{.max_bytes = 1 << 20});
  EXPECT_TRUE(j.ok());
  return j.ok() ? *j : Json();
}

std::set<std::string> Keys(const Json& properties) {
  std::set<std::string> out;
  for (auto it = properties.begin(); it != properties.end(); ++it) out.insert(it.key());
  return out;
}

// The string literals of every `<call>(...{"a", "b"}...)` in `source`, one set per call.
std::vector<std::set<std::string>> KeyListsOf(const std::string& source, const std::string& call) {
  std::vector<std::set<std::string>> out;
  for (std::size_t at = source.find(call); at != std::string::npos;
       at = source.find(call, at + 1)) {
    std::size_t open = source.find('{', at);
    // A call passes the list before its closing parenthesis; a definition does not.
    if (open == std::string::npos || open > source.find(')', at)) continue;
    std::size_t close = source.find('}', open);
    std::string list = source.substr(open, close - open);
    std::set<std::string> keys;
    static const std::regex kLiteral("\"([^\"]*)\"");
    for (std::sregex_iterator it(list.begin(), list.end(), kLiteral), end; it != end; ++it) {
      keys.insert((*it)[1]);
    }
    if (!keys.empty()) out.push_back(keys);
  }
  return out;
}

// Every `properties` key anywhere in a schema.
void AllPropertyKeys(const Json& node, std::set<std::string>* out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "properties" && it->is_object()) {
        for (const std::string& k : Keys(*it)) out->insert(k);
      }
      AllPropertyKeys(*it, out);
    }
  } else if (node.is_array()) {
    for (const Json& e : node) AllPropertyKeys(e, out);
  }
}

TEST(SchemaTest, BothSchemasCompile) {
  for (std::string_view text : {GatewayConfigSchemaText(), CovenantSchemaText()}) {
    auto compiled = CompiledSchema::Compile(Schema(text));
    EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  }
  // The embedded text is the file in docs/schemas/.
  EXPECT_TRUE(GatewayConfigSchemaText() ==
              ReadAll(Source("docs/schemas/gateway-config.schema.json")));
  EXPECT_TRUE(CovenantSchemaText() == ReadAll(Source("docs/schemas/covenant.schema.json")));
}

TEST(SchemaTest, ExamplesValidate) {
  Json config = ParseFile(Source("examples/gateway.json"));
  EXPECT_THAT(Describe(ValidateGatewayConfig(config)), IsEmpty());
  // With the demo's adapters.
  config["adapters"] = ParseFile(Source("examples/partner/adapters.example.json"))["adapters"];
  EXPECT_THAT(Describe(ValidateGatewayConfig(config)), IsEmpty());
  EXPECT_THAT(Describe(ValidateCovenant(ParseFile(Source("examples/convenant.json")))), IsEmpty());

  // The complete example of docs/covenant-format.md, which the loader takes too.
  std::string doc = ReadAll(Source("docs/covenant-format.md"));
  std::size_t at = doc.find("```json", doc.find("## A complete small example"));
  ASSERT_NE(at, std::string::npos);
  at += 7;
  std::string text = doc.substr(at, doc.find("```", at) - at);
  auto j = ParseJson(text, JsonLimits{.allow_comments = true});
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_THAT(Describe(ValidateCovenant(*j)), IsEmpty());
  std::vector<std::string> problems;
  EXPECT_TRUE(policy::LoadCovenantText(text, "doc", &problems).ok()) << problems[0];
}

TEST(SchemaTest, ConfigKeysAreTheLoadersKeys) {
  Json schema = Schema(GatewayConfigSchemaText());
  EXPECT_EQ(Keys(schema["properties"]),
            std::set<std::string>(ConfigKeys("").begin(), ConfigKeys("").end()));
  for (const char* section : {"tls", "audit", "retention", "limits", "log"}) {
    const std::vector<std::string>& known = ConfigKeys(section);
    EXPECT_EQ(Keys(schema["properties"][section]["properties"]),
              std::set<std::string>(known.begin(), known.end()))
        << section;
  }
}

// A configuration the loader takes, with each key of the schema set to the
// first of its examples (or its default): the schema and LoadConfig agree.
TEST(SchemaTest, EveryConfigKeyWithItsExampleLoads) {
  Json schema = Schema(GatewayConfigSchemaText());
  const Json base = {{"listen", "127.0.0.1:8443"},
                     {"metrics_listen", "127.0.0.1:9443"},
                     {"policy", "c.json"},
                     {"data_dir", "d"},
                     {"keys_dir", "k"},
                     {"tls", {{"cert", "a"}, {"key", "b"}, {"client_ca", "c"}, {"crl", "d"}}}};
  auto dir = std::filesystem::temp_directory_path() / ("vh_schema_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto example = [](const Json& prop) -> std::optional<Json> {
    if (prop.contains("examples")) return prop["examples"][0];
    if (prop.contains("default")) return prop["default"];
    return std::nullopt;
  };
  int tried = 0;
  auto try_config = [&](const Json& config, const std::string& what) {
    ++tried;
    EXPECT_THAT(Describe(ValidateGatewayConfig(config)), IsEmpty()) << what;
    std::string path = (dir / "gateway.json").string();
    std::ofstream(path) << config.dump();
    auto loaded = LoadConfig(path);
    EXPECT_TRUE(loaded.ok()) << what << ": " << loaded.status().ToString();
  };
  for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) {
    if (it->contains("properties")) {
      for (auto sub = (*it)["properties"].begin(); sub != (*it)["properties"].end(); ++sub) {
        auto value = example(*sub);
        ASSERT_TRUE(value) << "/" << it.key() << "/" << sub.key() << " has no example or default";
        Json config = base;
        config[it.key()][sub.key()] = *value;
        try_config(config, "/" + it.key() + "/" + sub.key());
      }
    } else if (auto value = example(*it)) {
      Json config = base;
      config[it.key()] = *value;
      try_config(config, "/" + it.key());
    }
  }
  EXPECT_GE(tried, 15);
  // And a key of neither is refused by both.
  Json config = base;
  config["limits"] = {{"max_conections", 5}};
  EXPECT_EQ(Describe(ValidateGatewayConfig(config)), "/limits/max_conections: unknown key\n");
  std::ofstream((dir / "gateway.json").string()) << config.dump();
  EXPECT_FALSE(LoadConfig((dir / "gateway.json").string()).ok());
  std::filesystem::remove_all(dir);
}

TEST(SchemaTest, AdapterKeysAreTheLoadersKeys) {
  Json schema = Schema(GatewayConfigSchemaText());
  const Json& defs = schema["definitions"];
  // adapter_config.cc: c.Known(e, ptr, {...}) for https-pull, then for file-drop.
  auto lists = KeyListsOf(ReadAll(Source("adapters/adapter_config.cc")), "c.Known(");
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(Keys(defs["httpsPullAdapter"]["properties"]), lists[0]) << "https-pull";
  EXPECT_EQ(Keys(defs["fileDropAdapter"]["properties"]), lists[1]) << "file-drop";

  // Each key with a value the schema allows is one the loader takes.
  for (const char* kind : {"httpsPullAdapter", "fileDropAdapter"}) {
    const Json& def = defs[kind];
    Json entry = Json::object();
    for (const Json& key : def["required"]) {
      const std::string& k = key.get_ref<const std::string&>();
      entry[k] = k == "url" ? Json("https://127.0.0.1:9555/x") : Json("x");
    }
    entry["kind"] = def["properties"]["kind"]["const"];
    if (entry.contains("format")) entry["format"] = "csv";
    for (auto it = def["properties"].begin(); it != def["properties"].end(); ++it) {
      Json e = entry;
      if (it->contains("default")) {
        e[it.key()] = (*it)["default"];
      } else if (it.key() == "comment") {
        e[it.key()] = "text";
      } else if (it.key() == "mapping") {
        e[it.key()] = {{"bsn", "persoon.bsn"}};
      } else if (it.key() == "ignore_columns") {
        e[it.key()] = Json::array({"Naam"});
      } else {
        continue;  // the required ones, set above
      }
      Json config = {{"adapters", Json::array({e})}};
      EXPECT_THAT(Describe(ValidateGatewayConfig(config)),
                  ::testing::Not(::testing::HasSubstr("/adapters")))
          << kind << " " << it.key();
      auto parsed = adapters::ParseAdapterConfigs(config["adapters"], "gateway.json", "/tmp");
      EXPECT_TRUE(parsed.ok()) << kind << " " << it.key() << ": " << parsed.status().ToString();
    }
  }
}

TEST(SchemaTest, CovenantKeysAreTheLoadersKeys) {
  // The union of the CheckKeys lists of policy/loader*.cc and of the schema's properties.
  std::set<std::string> loader;
  for (const char* file :
       {"policy/loader.cc", "policy/loader_lists.cc", "policy/loader_overlegvorm.cc"}) {
    for (const auto& list : KeyListsOf(ReadAll(Source(file)), "CheckKeys(")) {
      loader.insert(list.begin(), list.end());
    }
  }
  ASSERT_GT(loader.size(), 30u);
  std::set<std::string> schema;
  AllPropertyKeys(Schema(CovenantSchemaText()), &schema);
  for (const std::string& k : schema) EXPECT_TRUE(loader.count(k)) << k << ": schema only";
  for (const std::string& k : loader) EXPECT_TRUE(schema.count(k)) << k << ": loader only";
}

TEST(SchemaTest, ProblemsNameThePlaceAndWhatWasExpected) {
  Json config = {{"listen", 8443},
                 {"policy", ""},
                 {"tls", {{"cert", "a"}, {"key", "b"}, {"client_ca", "c"}}},
                 {"adapters", Json::array({{{"partner", "p"}, {"kind", "ftp"}}})},
                 {"audit", {{"checkpoint_every", 0}}}};
  std::string d = Describe(ValidateGatewayConfig(config));
  for (const char* line :
       {"/listen: expected a non-empty string\n", "/policy: expected a non-empty string\n",
        "/tls/crl: missing\n", "/metrics_listen: missing\n", "/data_dir: missing\n",
        "/adapters/0/kind: expected \"https-pull\" or \"file-drop\"\n",
        "/audit/checkpoint_every: expected an integer from 1 to 1000000000\n"}) {
    EXPECT_NE(d.find(line), std::string::npos) << line << " in\n" << d;
  }
  Json covenant = ParseFile(Source("examples/convenant.json"));
  covenant["partners"][0]["oin"] = "123";
  covenant["fields"][0]["category"] = "geheim";
  d = Describe(ValidateCovenant(covenant));
  EXPECT_NE(d.find("/partners/0/oin: expected a string matching \"^[0-9]{20}$\" or null\n"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("/fields/0/category: expected \"identificerend\", \"gewoon\", \"bijzonder\", "
                   "\"strafrechtelijk\" or \"bsn\"\n"),
            std::string::npos)
      << d;
}

}  // namespace
}  // namespace vh::gw
