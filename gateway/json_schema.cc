#include "gateway/json_schema.h"

#define VALIJSON_USE_EXCEPTIONS 1
#include <exception>
#include <set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace vh::gw {
namespace {

// "[tls]" "[0]" -> "/tls/0" (RFC 6901 escaping).
std::string PointerOf(const std::vector<std::string>& context) {
  std::string out;
  for (const std::string& part : context) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') continue;  // "<root>"
    out += '/';
    for (char ch : part.substr(1, part.size() - 2)) {
      if (ch == '~') {
        out += "~0";
      } else if (ch == '/') {
        out += "~1";
      } else {
        out += ch;
      }
    }
  }
  return out;
}

std::vector<std::string> Tokens(const std::string& pointer) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < pointer.size()) {
    std::size_t next = pointer.find('/', at + 1);
    std::string token = pointer.substr(at + 1, next == std::string::npos ? next : next - at - 1);
    std::string unescaped;
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size()) {
        unescaped += token[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        unescaped += token[i];
      }
    }
    out.push_back(unescaped);
    if (next == std::string::npos) break;
    at = next;
  }
  return out;
}

// The quoted name between the last pair of single quotes of a valijson text.
std::string QuotedName(const std::string& text) {
  auto end = text.rfind('\'');
  if (end == std::string::npos || end == 0) return "";
  auto begin = text.rfind('\'', end - 1);
  if (begin == std::string::npos) return "";
  return text.substr(begin + 1, end - begin - 1);
}

std::string Escape(const std::string& key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') {
      out += "~0";
    } else if (ch == '/') {
      out += "~1";
    } else {
      out += ch;
    }
  }
  return out;
}

class Describer {
 public:
  explicit Describer(const Json& root) : root_(root) {}

  // The subschema that describes `pointer` in `doc`: properties, items and
  // additionalProperties, through $ref and the if/then branches whose `if`
  // (a const on a member) the document meets.
  const Json* At(const Json& doc, const std::string& pointer) const {
    const Json* node = Resolve(&root_);
    const Json* d = &doc;
    for (const std::string& token : Tokens(pointer)) {
      const Json* next = nullptr;
      for (const Json* candidate : Branches(node, d)) {
        if (auto p = candidate->find("properties");
            p != candidate->end() && p->is_object() && p->contains(token)) {
          next = &(*p)[token];
        } else if (auto i = candidate->find("items"); i != candidate->end() && i->is_object()) {
          next = &*i;
        } else if (auto a = candidate->find("additionalProperties");
                   a != candidate->end() && a->is_object()) {
          next = &*a;
        }
        if (next) break;
      }
      if (!next) return nullptr;
      node = Resolve(next);
      if (d) {
        if (d->is_object() && d->contains(token)) {
          d = &(*d)[token];
        } else if (d->is_array() && !token.empty() &&
                   token.find_first_not_of("0123456789") == std::string::npos &&
                   std::stoull(token) < d->size()) {
          d = &(*d)[std::stoull(token)];
        } else {
          d = nullptr;
        }
      }
    }
    return node;
  }

  // "expected an integer from 1 to 3650", or "" when the schema says nothing useful.
  std::string Expected(const Json* node) const {
    if (!node) return "";
    node = Resolve(node);
    if (auto e = node->find("enum"); e != node->end() && e->is_array()) {
      std::string out;
      for (std::size_t i = 0; i < e->size(); ++i) {
        if (i > 0) out += i + 1 == e->size() ? " or " : ", ";
        out += DumpJson((*e)[i]);
      }
      return "expected " + out;
    }
    if (auto c = node->find("const"); c != node->end()) return "expected " + DumpJson(*c);
    for (const char* combinator : {"oneOf", "anyOf"}) {
      if (auto alts = node->find(combinator); alts != node->end() && alts->is_array()) {
        std::string out;
        for (std::size_t i = 0; i < alts->size(); ++i) {
          std::string one = Expected(&(*alts)[i]);
          if (one.rfind("expected ", 0) == 0) one = one.substr(9);
          out += (i == 0 ? "" : " or ") + one;
        }
        return "expected " + out;
      }
    }
    std::string type = node->value("type", "");
    if (type.empty()) {
      if (auto all = node->find("allOf"); all != node->end() && all->is_array()) {
        Json merged = Json::object();
        for (const Json& part : *all) {
          const Json* r = Resolve(&part);
          if (r->is_object()) merged.update(*r);
        }
        if (!merged.empty()) return Expected(&merged);
      }
      return "";
    }
    if (type == "integer" || type == "number") {
      std::string what = type == "integer" ? "an integer" : "a number";
      auto min = node->find("minimum");
      auto max = node->find("maximum");
      if (min != node->end() && max != node->end()) {
        return "expected " + what + " from " + DumpJson(*min) + " to " + DumpJson(*max);
      }
      if (min != node->end()) return "expected " + what + " >= " + DumpJson(*min);
      if (max != node->end()) return "expected " + what + " <= " + DumpJson(*max);
      return "expected " + what;
    }
    if (type == "string") {
      std::string out = node->value("minLength", 0) > 0 ? "a non-empty string" : "a string";
      if (node->contains("maxLength")) {
        out += " of at most " + DumpJson((*node)["maxLength"]) + " characters";
      }
      if (node->contains("pattern")) out += " matching " + DumpJson((*node)["pattern"]);
      return "expected " + out;
    }
    if (type == "array") {
      std::string out = node->value("minItems", 0) > 0 ? "a non-empty array" : "an array";
      if (node->value("uniqueItems", false)) out += " without duplicates";
      return "expected " + out;
    }
    if (type == "object") return "expected an object";
    if (type == "boolean") return "expected true or false";
    if (type == "null") return "expected null";
    return "";
  }

 private:
  const Json* Resolve(const Json* node) const {
    for (int depth = 0; depth < 16 && node->is_object(); ++depth) {
      auto ref = node->find("$ref");
      if (ref == node->end() || !ref->is_string()) break;
      const std::string& r = ref->get_ref<const std::string&>();
      if (r.rfind("#", 0) != 0) break;
      const Json* target = &root_;
      for (const std::string& token : Tokens(r.substr(1))) {
        if (!target->is_object() || !target->contains(token)) return node;
        target = &(*target)[token];
      }
      node = target;
    }
    return node;
  }

  // `node` and, first, the `then` of every allOf entry whose `if` holds for `d`.
  std::vector<const Json*> Branches(const Json* node, const Json* d) const {
    std::vector<const Json*> out;
    if (auto all = node->find("allOf"); d && all != node->end() && all->is_array()) {
      for (const Json& part : *all) {
        auto cond = part.find("if");
        auto then = part.find("then");
        if (cond == part.end() || then == part.end()) continue;
        if (Holds(*cond, *d)) out.push_back(Resolve(&*then));
      }
    }
    out.push_back(node);
    return out;
  }

  // The `if` shapes the schemas use: properties with a const.
  static bool Holds(const Json& cond, const Json& d) {
    if (!d.is_object()) return false;
    auto props = cond.find("properties");
    if (props == cond.end() || !props->is_object()) return false;
    for (auto it = props->begin(); it != props->end(); ++it) {
      auto c = it->find("const");
      if (c == it->end()) continue;
      auto v = d.find(it.key());
      if (v == d.end() || *v != *c) return false;
    }
    return true;
  }

  const Json& root_;
};

bool IsWrapper(const std::string& text) {
  for (const char* prefix :
       {"Failed to validate against schema associated with property name",
        "Failed to validate item #", "Failed to validate against a conditional schema",
        "Failed to validate against child schema", "Failed to validate against dependent"}) {
    if (text.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

struct CompiledSchema::Impl {
  valijson::Schema schema;
};

CompiledSchema::CompiledSchema(Json schema, std::unique_ptr<Impl> impl)
    : schema_(std::move(schema)), impl_(std::move(impl)) {}
CompiledSchema::~CompiledSchema() = default;

Result<std::shared_ptr<const CompiledSchema>> CompiledSchema::Compile(const Json& schema) {
  auto impl = std::make_unique<Impl>();
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema);
    parser.populateSchema(adapter, impl->schema);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("bad_schema", std::string("not a JSON Schema: ") + e.what());
  }
  return std::shared_ptr<const CompiledSchema>(new CompiledSchema(schema, std::move(impl)));
}

std::vector<SchemaProblem> CompiledSchema::Validate(const Json& doc) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  std::vector<SchemaProblem> out;
  try {
    if (validator.validate(impl_->schema, target, &results)) return out;
  } catch (const std::exception& e) {
    out.push_back({"", std::string("cannot be checked against its schema: ") + e.what()});
    return out;
  }
  Describer describe(schema_);
  std::set<std::string> seen;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    const std::string& text = error.description;
    if (IsWrapper(text)) continue;
    std::string pointer = PointerOf(error.context);
    std::string reason;
    if (text.rfind("Object contains a property that could not be validated", 0) == 0) {
      pointer += "/" + Escape(QuotedName(text));
      reason = "unknown key";
    } else if (text.rfind("Missing required property", 0) == 0) {
      pointer += "/" + Escape(QuotedName(text));
      reason = "missing";
    } else {
      reason = describe.Expected(describe.At(doc, pointer));
      if (reason.empty()) reason = text;
    }
    if (!seen.insert(pointer).second) continue;  // one problem per place
    out.push_back({pointer, reason});
  }
  return out;
}

namespace {

struct Loaded {
  std::shared_ptr<const CompiledSchema> schema;
  std::string error;
};

Loaded Load(std::string_view text) {
  JsonLimits lim;
  lim.max_bytes = 1 << 20;
  auto parsed = ParseJson(text, lim);
  if (!parsed.ok()) return {nullptr, "its schema does not parse: " + parsed.status().message()};
  auto compiled = CompiledSchema::Compile(*parsed);
  if (!compiled.ok()) return {nullptr, compiled.status().message()};
  return {*compiled, ""};
}

std::vector<SchemaProblem> ValidateWith(const Loaded& loaded, const Json& doc) {
  if (!loaded.schema) return {{"", loaded.error}};
  return loaded.schema->Validate(doc);
}

}  // namespace

std::vector<SchemaProblem> ValidateGatewayConfig(const Json& doc) {
  static const Loaded kSchema = Load(GatewayConfigSchemaText());
  return ValidateWith(kSchema, doc);
}

std::vector<SchemaProblem> ValidateCovenant(const Json& doc) {
  static const Loaded kSchema = Load(CovenantSchemaText());
  return ValidateWith(kSchema, doc);
}

}  // namespace vh::gw
