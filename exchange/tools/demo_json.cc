// vh-demo-json: the JSON helper of scripts/demo.sh (no jq or python on a
// fresh Debian machine). Not part of the gateway.
//
//   vh-demo-json get POINTER            < doc.json   prints the value (strings raw)
//   vh-demo-json ids POINTER KEY VALUE FIELD < doc.json
//        prints FIELD of every element of the array at POINTER whose KEY == VALUE
//   vh-demo-json table LABEL=FILE ...   side-by-side dossier views: one row per
//        subject and field, one column per view ("-" = not shown; "refused"
//        when the file holds an error body)
//   vh-demo-json report < report.json   a short text form of an access report
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/json.h"

namespace {

using vh::Json;

std::string ReadAll(std::istream& in) {
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Show(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return vh::DumpJson(v);
}

std::string house = "veiligheidshuis-hm";  // shown as "huis"

std::size_t CodePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Pads or cuts to `w` columns (UTF-8 code points); a cut ends in "~".
std::string Fit(std::string s, std::size_t w) {
  std::size_t n = CodePoints(s);
  if (n > w) {
    std::size_t cps = 0, i = 0;
    for (; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && cps++ == w - 1) break;
    }
    s = s.substr(0, i) + "~";
    n = w;
  }
  return s + std::string(w - n, ' ');
}

int Table(const std::vector<std::string>& args) {
  std::vector<std::string> labels;
  std::vector<Json> docs;
  for (const auto& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos) return 2;
    labels.push_back(a.substr(0, eq));
    std::ifstream in(a.substr(eq + 1));
    auto j = vh::ParseJson(ReadAll(in));
    docs.push_back(j.ok() ? *j : Json());
  }
  // Rows: (subject ref, field, supplier), in order.
  using Key = std::tuple<std::string, std::string, std::string>;
  std::vector<Key> rows;
  std::map<Key, bool> seen;
  for (const auto& d : docs) {
    if (!d.is_object() || !d.contains("subjects")) continue;
    for (const auto& s : d["subjects"]) {
      for (auto it = s["fields"].begin(); it != s["fields"].end(); ++it) {
        for (const auto& e : it.value()) {
          std::string from = e.value("from", std::string());
          Key key{s["ref"].get<std::string>(), it.key(), from == house ? "huis" : from};
          if (!seen[key]) {
            seen[key] = true;
            rows.push_back(key);
          }
        }
      }
    }
  }
  std::sort(rows.begin(), rows.end());
  const std::size_t w0 = 4, w1 = 29, w2 = 16, wc = 30;
  std::string line = Fit("ref", w0) + " " + Fit("field", w1) + " " + Fit("from", w2);
  for (const auto& l : labels) line += " | " + Fit(l, wc);
  std::cout << line << "\n" << std::string(CodePoints(line), '-') << "\n";
  bool any_refused = false;
  std::string refused = Fit("", w0) + " " + Fit("(whole view)", w1) + " " + Fit("", w2);
  for (const auto& d : docs) {
    if (d.is_object() && d.contains("error")) {
      any_refused = true;
      refused += " | " + Fit("REFUSED " + d["error"].value("code", std::string()), wc);
    } else {
      refused += " | " + Fit("", wc);
    }
  }
  if (any_refused) std::cout << refused << "\n";
  for (const auto& [ref, field, from] : rows) {
    std::string out = Fit(ref, w0) + " " + Fit(field, w1) + " " + Fit(from, w2);
    for (const auto& d : docs) {
      std::string cell = d.is_object() && d.contains("error") ? "" : "-";
      if (d.is_object() && d.contains("subjects")) {
        for (const auto& s : d["subjects"]) {
          if (s["ref"] != ref || !s["fields"].contains(field)) continue;
          for (const auto& e : s["fields"][field]) {
            std::string f = e.value("from", std::string());
            if ((f == house ? "huis" : f) != from) continue;
            cell = Show(e.value("value", Json())) + " (" + e.value("rule", std::string()) + " " +
                   e.value("as", std::string()) + ")";
          }
        }
      }
      out += " | " + Fit(cell, wc);
    }
    std::cout << out << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return 2;
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "table") return Table(args);
  auto doc = vh::ParseJson(ReadAll(std::cin), vh::JsonLimits{64u << 20, 64, false});
  if (!doc.ok()) {
    std::cerr << "vh-demo-json: " << doc.status().ToString() << "\n";
    return 1;
  }
  if (cmd == "get" && args.size() == 1) {
    Json::json_pointer p(args[0]);
    if (!doc->contains(p)) return 1;
    std::cout << Show((*doc)[p]) << "\n";
    return 0;
  }
  if (cmd == "ids" && args.size() == 4) {
    Json::json_pointer p(args[0]);
    if (!doc->contains(p)) return 1;
    for (const auto& e : (*doc)[p]) {
      if (e.contains(args[1]) && Show(e[args[1]]) == args[2] && e.contains(args[3])) {
        std::cout << Show(e[args[3]]) << "\n";
      }
    }
    return 0;
  }
  if (cmd == "each" && args.size() == 3) {  // each POINTER KEY MAXLEN
    Json::json_pointer p(args[0]);
    if (!doc->contains(p)) return 1;
    const std::size_t max = std::stoul(args[2]);
    for (const auto& e : (*doc)[p]) {
      if (!e.contains(args[1])) continue;
      std::string t = Show(e[args[1]]);
      if (CodePoints(t) > max) t = Fit(t, max);
      std::cout << "- " << t << "\n";
    }
    return 0;
  }
  if (cmd == "pretty") {
    std::cout << doc->dump(2) << "\n";
    return 0;
  }
  return 2;
}
