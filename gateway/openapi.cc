#include "gateway/openapi.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "gateway/openapi_route.h"
#include "gateway/router.h"

namespace vh::gw {
namespace {

// RFC 6901.
std::string PointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

constexpr std::string_view kMethods[] = {"get", "put", "post", "delete", "patch"};

// Schema Objects under `node` (at `pointer`), each with its pointer: the
// values of the schema keywords that hold schemas.
void WalkSchemas(const Json& node, const std::string& pointer,
                 const std::function<void(const Json&, const std::string&)>& visit) {
  if (!node.is_object()) return;
  visit(node, pointer);
  for (const char* key : {"items", "additionalProperties"}) {
    if (auto it = node.find(key); it != node.end() && it->is_object()) {
      WalkSchemas(*it, pointer + "/" + key, visit);
    }
  }
  if (auto it = node.find("properties"); it != node.end() && it->is_object()) {
    for (auto p = it->begin(); p != it->end(); ++p) {
      WalkSchemas(p.value(), pointer + "/properties/" + PointerToken(p.key()), visit);
    }
  }
  for (const char* key : {"oneOf", "anyOf", "allOf"}) {
    if (auto it = node.find(key); it != node.end() && it->is_array()) {
      for (std::size_t i = 0; i < it->size(); ++i) {
        WalkSchemas((*it)[i], pointer + "/" + key + "/" + std::to_string(i), visit);
      }
    }
  }
}

}  // namespace

Result<std::shared_ptr<const OpenApiDescription>> OpenApiDescription::Parse(std::string_view text) {
  JsonLimits lim;
  lim.max_bytes = 4 << 20;
  lim.max_depth = 64;
  auto doc = ParseJson(text, lim);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() || !doc->contains("paths") || !(*doc)["paths"].is_object()) {
    return Status::InvalidArgument("bad_openapi",
                                   "an OpenAPI description needs an object of paths");
  }
  return std::shared_ptr<const OpenApiDescription>(new OpenApiDescription(std::move(*doc)));
}

const OpenApiDescription& OpenApiDescription::Shipped() {
  static const std::shared_ptr<const OpenApiDescription> kShipped = [] {
    auto parsed = Parse(OpenApiText());
    // A description that does not parse is a build defect (the tests name
    // it); an empty one then answers every check with a problem.
    return parsed.ok() ? *parsed
                       : std::shared_ptr<const OpenApiDescription>(
                             new OpenApiDescription(Json{{"paths", Json::object()}}));
  }();
  return *kShipped;
}

std::vector<OpenApiDescription::Operation> OpenApiDescription::Operations() const {
  std::vector<Operation> out;
  for (auto p = doc_["paths"].begin(); p != doc_["paths"].end(); ++p) {
    for (std::string_view m : kMethods) {
      auto op = p->find(std::string(m));
      if (op == p->end()) continue;
      Operation o;
      for (char c : m) o.method.push_back(static_cast<char>(std::toupper(c)));
      o.path = p.key();
      if (auto roles = op->find("x-roles"); roles != op->end() && roles->is_array()) {
        for (const Json& r : *roles) {
          if (r.is_string()) o.roles.push_back(r.get<std::string>());
        }
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

std::string OpenApiDescription::MatchPath(std::string_view path) const {
  const Router::Segments segs = Router::SplitPath(path);
  std::string best;
  std::size_t best_literals = 0;
  for (auto p = doc_["paths"].begin(); p != doc_["paths"].end(); ++p) {
    const Router::Segments tmpl = Router::SplitPath(p.key());
    if (segs.too_long || tmpl.size != segs.size) continue;
    std::size_t literals = 0;
    bool match = true;
    for (std::size_t i = 0; i < segs.size && match; ++i) {
      if (Router::IsParam(tmpl.at[i])) continue;
      match = tmpl.at[i] == segs.at[i];
      ++literals;
    }
    if (match && (best.empty() || literals > best_literals)) {
      best = p.key();
      best_literals = literals;
    }
  }
  return best;
}

Result<std::shared_ptr<const CompiledSchema>> OpenApiDescription::SchemaAt(
    const std::string& pointer) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = compiled_.find(pointer); it != compiled_.end()) return it->second;
  // The whole description as the root document, so that the schema's
  // references resolve; its own keys are no schema keywords.
  Json root = doc_;
  root["allOf"] = Json::array({Json{{"$ref", "#" + pointer}}});
  auto compiled = CompiledSchema::Compile(root);
  if (!compiled.ok()) return compiled.status();
  compiled_[pointer] = *compiled;
  return *compiled;
}

std::vector<std::string> OpenApiDescription::CheckResponse(std::string_view method,
                                                           std::string_view path, int status,
                                                           const Json& body) const {
  const std::string what =
      std::string(method) + " " + std::string(path) + " " + std::to_string(status) + ": ";
  std::string schema_pointer;
  const std::string tmpl = MatchPath(path);
  const std::string m = Lower(method);
  const Json& paths = doc_["paths"];
  const Json* op = nullptr;
  if (auto p = paths.find(tmpl); !tmpl.empty() && p != paths.end()) {
    if (auto o = p->find(m); o != p->end()) op = &*o;
  }
  if (op == nullptr) {
    if (status < 400) return {what + "no operation of the description matches"};
    schema_pointer = "/components/schemas/Error";
  } else {
    auto responses = op->find("responses");
    if (responses == op->end() || !responses->is_object()) return {what + "no responses described"};
    std::string key = std::to_string(status);
    if (!responses->contains(key)) key = "default";
    if (!responses->contains(key)) return {what + "the status is not described"};
    std::string response_pointer =
        "/paths/" + PointerToken(tmpl) + "/" + m + "/responses/" + PointerToken(key);
    const Json* response = &(*responses)[key];
    if (auto ref = response->find("$ref"); ref != response->end() && ref->is_string()) {
      const std::string target = ref->get<std::string>();
      const Json::json_pointer at(target.size() > 1 ? target.substr(1) : "");
      if (target.empty() || target[0] != '#' || !doc_.contains(at)) {
        return {what + "the response's $ref does not resolve"};
      }
      response_pointer = target.substr(1);
      response = &doc_.at(at);
    }
    auto content = response->find("content");
    if (content == response->end() || !content->contains("application/json")) {
      return {what + "no JSON body is described for it"};
    }
    schema_pointer = response_pointer + "/content/application~1json/schema";
  }
  auto schema = SchemaAt(schema_pointer);
  if (!schema.ok()) return {what + schema.status().message()};
  std::vector<std::string> out;
  for (const SchemaProblem& p : (*schema)->Validate(body)) {
    out.push_back(what + (p.pointer.empty() ? "(body)" : p.pointer) + ": " + p.reason);
  }
  return out;
}

std::vector<std::string> OpenApiDescription::CheckRequestBody(std::string_view method,
                                                              std::string_view path,
                                                              const Json& body) const {
  const std::string what = std::string(method) + " " + std::string(path) + " request body: ";
  const std::string tmpl = MatchPath(path);
  const std::string m = Lower(method);
  const Json& paths = doc_["paths"];
  auto p = paths.find(tmpl);
  if (tmpl.empty() || p == paths.end() || !p->contains(m)) {
    return {what + "no operation of the description matches"};
  }
  const Json& op = (*p)[m];
  if (!op.contains("requestBody") || !op["requestBody"].contains("content") ||
      !op["requestBody"]["content"].contains("application/json")) {
    return {what + "no JSON request body is described"};
  }
  auto schema = SchemaAt("/paths/" + PointerToken(tmpl) + "/" + m +
                         "/requestBody/content/application~1json/schema");
  if (!schema.ok()) return {what + schema.status().message()};
  std::vector<std::string> out;
  for (const SchemaProblem& problem : (*schema)->Validate(body)) {
    out.push_back(what + (problem.pointer.empty() ? "(body)" : problem.pointer) + ": " +
                  problem.reason);
  }
  return out;
}

std::vector<std::string> OpenApiDescription::UnsupportedKeywords() const {
  std::vector<std::string> out;
  auto check = [&](const Json& schema, const std::string& pointer) {
    for (auto it = schema.begin(); it != schema.end(); ++it) {
      if (std::find(kSupportedKeywords.begin(), kSupportedKeywords.end(), it.key()) ==
          kSupportedKeywords.end()) {
        out.push_back(pointer + ": " + it.key());
      }
    }
  };
  if (auto c = doc_.find("components"); c != doc_.end() && c->contains("schemas")) {
    for (auto s = (*c)["schemas"].begin(); s != (*c)["schemas"].end(); ++s) {
      WalkSchemas(s.value(), "/components/schemas/" + PointerToken(s.key()), check);
    }
  }
  // The schemas of the operations' parameters, bodies and responses.
  std::function<void(const Json&, const std::string&)> find_schemas = [&](const Json& node,
                                                                          const std::string& at) {
    if (node.is_object()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string here = at + "/" + PointerToken(it.key());
        if (it.key() == "schema") {
          WalkSchemas(it.value(), here, check);
        } else {
          find_schemas(it.value(), here);
        }
      }
    } else if (node.is_array()) {
      for (std::size_t i = 0; i < node.size(); ++i)
        find_schemas(node[i], at + "/" + std::to_string(i));
    }
  };
  find_schemas(doc_["paths"], "/paths");
  return out;
}

}  // namespace vh::gw
