#pragma once
// JSON Schema (draft-07) checks of the gateway's files, on valijson: the
// STRUCTURE of a document (unknown keys, missing keys, wrong types, values
// out of range or not among the allowed ones). What a schema cannot see
// (files, keys, references between ids) stays in code (config_check.h, the
// loaders).
//
// The schemas are docs/schemas/*.schema.json, compiled into the binary at
// build time (cmake/embed_text.cmake), so a check never depends on where
// the documentation is installed.
//
// ValidateAgainstSchema returns one SchemaProblem per place, in document
// order as valijson reports it: the JSON pointer of the offending member
// ("/tls/x" for an unknown key, "/tls/crl" for a missing one) and a reason
// that says what was expected ("unknown key", "missing", "expected an integer
// from 1 to 3650", "expected \"csv\" or \"json\""). Reasons name keys and
// what the schema allows, never a value of the document.
// Thread-safety: free functions; CompiledSchema is immutable after Compile
// and may be shared.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace vh::gw {

// The schemas' text as shipped in docs/schemas/.
std::string_view GatewayConfigSchemaText();
std::string_view CovenantSchemaText();

struct SchemaProblem {
  std::string pointer;  // "" for the document itself
  std::string reason;
};

class CompiledSchema {
 public:
  // InvalidArgument "bad_schema" when `schema` is not a schema valijson reads.
  static Result<std::shared_ptr<const CompiledSchema>> Compile(const Json& schema);
  ~CompiledSchema();
  std::vector<SchemaProblem> Validate(const Json& doc) const;
  const Json& schema() const { return schema_; }

 private:
  struct Impl;
  CompiledSchema(Json schema, std::unique_ptr<Impl> impl);
  Json schema_;
  std::unique_ptr<Impl> impl_;
};

// The two shipped schemas, compiled once (the first call). A schema that does
// not compile is a build defect: the tests catch it; then every document gets
// one problem naming it.
std::vector<SchemaProblem> ValidateGatewayConfig(const Json& doc);
std::vector<SchemaProblem> ValidateCovenant(const Json& doc);

}  // namespace vh::gw
