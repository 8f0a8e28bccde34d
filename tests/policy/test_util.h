#pragma once
// Helpers for the policy tests: the example covenant and a small inline one.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "policy/loader.h"

namespace vh::policy::testing {

inline std::string SourceDir() {
  const char* d = std::getenv("VH_SOURCE_DIR");
  return d ? d : ".";
}

inline std::string ExamplePath() { return SourceDir() + "/examples/convenant.json"; }

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::shared_ptr<const Covenant> Example() {
  std::vector<std::string> problems;
  auto c = LoadCovenantFile(ExamplePath(), &problems);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *c : nullptr;
}

// A small covenant; `overlegvorm_extra` is spliced into the first overlegvorm's
// rules array so tests can add rules.
inline std::string SmallCovenant(const std::string& rules = "", const std::string& extra_top = "") {
  return R"({
  // a comment, as covenant files may have
  "convenant": {"id": "t", "version": "1", "title": "T", "valid_from": "2020-01-01",
                "valid_until": null},
  "house": "huis",
  "partners": [
    {"id": "politie", "name": "P", "chain": "straf", "signatory": true,
     "oin": "00000001003214345000"},
    {"id": "om", "name": "OM", "chain": "straf", "signatory": true},
    {"id": "reclassering", "name": "R", "chain": "straf", "signatory": true},
    {"id": "ggz", "name": "G", "chain": "zorg", "signatory": true},
    {"id": "gemeente", "name": "Gem", "chain": "bestuur", "signatory": true},
    {"id": "woco", "name": "W", "chain": "overig", "signatory": false},
    {"id": "buiten", "name": "B", "chain": "straf", "signatory": true}
  ],
  "fields": [
    {"id": "persoon.naam", "label": "Naam", "type": "string", "category": "identificerend"},
    {"id": "persoon.geboortedatum", "label": "Geb", "type": "date", "category": "identificerend"},
    {"id": "persoon.bsn", "label": "BSN", "type": "string", "category": "bsn"},
    {"id": "persoon.adres", "label": "Adres", "type": "address", "category": "identificerend"},
    {"id": "toezicht", "label": "Toezicht", "type": "boolean", "category": "strafrechtelijk"},
    {"id": "aantal", "label": "Aantal", "type": "integer", "category": "strafrechtelijk"},
    {"id": "notitie", "label": "Notitie", "type": "text", "category": "gewoon"},
    {"id": "niveau", "label": "Niveau", "type": "enum", "category": "gewoon",
     "values": ["laag", "hoog"]}
  ],
  "overlegvormen": [{
    "id": "briefing", "name": "Briefing", "purpose": "Wegen",
    "members": ["politie", "om", "reclassering", "gemeente"],
    "ad_hoc": true, "restricted": false, "retention_days": 90,
    "request_identity": ["persoon.naam", "persoon.geboortedatum", "persoon.bsn"],
    "rules": [)" +
         rules + R"(]
  }, {
    "id": "rad", "name": "Radicalisering", "purpose": "Besloten",
    "members": ["politie", "gemeente"], "ad_hoc": false, "restricted": true,
    "retention_days": 365,
    "circle": [{"partner": "politie", "cn": "Agent-A"}, {"partner": "huis", "cn": "Coord-B"}],
    "rules": [{"id": "R1", "field": "notitie", "from": ["politie"], "to": ["@members"],
               "as": "full"}]
  }])" + extra_top +
         R"(
})";
}

// `text` with the first `from` replaced by `to` (a test failure when absent).
inline std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

inline std::shared_ptr<const Covenant> MustLoad(const std::string& text) {
  std::vector<std::string> problems;
  auto c = LoadCovenantText(text, "t.json", &problems);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *c : nullptr;
}

inline std::vector<std::string> Problems(const std::string& text) {
  std::vector<std::string> problems;
  auto c = LoadCovenantText(text, "t.json", &problems);
  EXPECT_FALSE(c.ok());
  return problems;
}

}  // namespace vh::policy::testing
