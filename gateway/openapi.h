#pragma once
// OpenApiDescription: docs/openapi.json read as data, to check what the
// gateway answers against what it promises. The end-to-end tests check
// every JSON response they receive (tests/support/gateway_harness.h); a test
// keeps the description's operations and the router's routes in step
// (tests/gateway/openapi_test.cc).
//
// Response schemas are OpenAPI 3.1 Schema Objects (JSON Schema 2020-12)
// kept to the keywords valijson checks (kSupportedKeywords; the test fails
// on any other): each is compiled (gateway/json_schema.h) on first use with
// the description's components beside it, so that its
// "#/components/schemas/..." references resolve.
//
// Matching a request path to a path template works as the router's
// (gateway/router.h): the same number of segments, literal segments equal,
// "{name}" matching any one.
// Thread-safety: immutable after Parse except the schema cache, which is
// guarded; every member may be called concurrently.

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "gateway/json_schema.h"

namespace vh::gw {

// The JSON Schema keywords the description's schemas may use: those valijson
// validates, and annotations it ignores.
inline constexpr std::array<std::string_view, 20> kSupportedKeywords = {
    "$ref",      "type",     "properties", "required",    "additionalProperties",
    "items",     "enum",     "const",      "oneOf",       "anyOf",
    "allOf",     "pattern",  "minimum",    "maximum",     "minLength",
    "maxLength", "minItems", "format",     "description", "examples"};

class OpenApiDescription {
 public:
  // InvalidArgument when `text` is not JSON with an object of paths.
  static Result<std::shared_ptr<const OpenApiDescription>> Parse(std::string_view text);
  // The description built into the binary (gateway/openapi_route.h), parsed
  // once.
  static const OpenApiDescription& Shipped();

  struct Operation {
    std::string method;              // upper case, as the router's
    std::string path;                // the template, e.g. "/v1/meetings/{id}"
    std::vector<std::string> roles;  // x-roles
  };
  std::vector<Operation> Operations() const;

  // The path template `path` (no query string) matches, or "" when none.
  std::string MatchPath(std::string_view path) const;

  // The problems of `body`, a JSON response with `status` to `method`
  // `path`, against the description: [] when it matches the schema given
  // for that status (or the operation's default). A path no template
  // matches, or a method the path does not have, must be an error body
  // (components/schemas/Error). An operation that describes neither the
  // status nor a default, or no JSON for it, is one problem saying so.
  std::vector<std::string> CheckResponse(std::string_view method, std::string_view path, int status,
                                         const Json& body) const;

  // The same for a request body `body` of `method` `path` against the
  // operation's requestBody schema; one problem when it describes none.
  std::vector<std::string> CheckRequestBody(std::string_view method, std::string_view path,
                                            const Json& body) const;

  // "<json pointer>: <keyword>" for every keyword of a schema of the
  // description that is not in kSupportedKeywords.
  std::vector<std::string> UnsupportedKeywords() const;

  const Json& doc() const { return doc_; }

 private:
  explicit OpenApiDescription(Json doc) : doc_(std::move(doc)) {}
  // The compiled schema at `pointer` ("/paths/~1v1~1me/get/..."), cached.
  Result<std::shared_ptr<const CompiledSchema>> SchemaAt(const std::string& pointer) const;

  Json doc_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const CompiledSchema>> compiled_;  // guarded by mu_
};

}  // namespace vh::gw
