#pragma once
// Untrusted JSON in, without exceptions.
//
// ParseJson checks size and nesting depth before handing the text to
// nlohmann (whose recursive parser would otherwise exhaust the stack on
// "[[[[..."), then parses with exceptions off. Invalid UTF-8 is refused by
// the parser, and so is an object with a key twice (which nlohmann would
// read as its last value). Errors are InvalidArgument with reason "malformed_json" or
// TooLarge; the message says where, never what the input contained.
//
// DumpJson serialises without throwing: invalid UTF-8 in strings (which can
// only come from our own code) is replaced rather than thrown.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/status.h"

namespace vh {

using Json = nlohmann::json;

struct JsonLimits {
  std::size_t max_bytes = limits::kMaxBodyBytes;
  std::size_t max_depth = limits::kMaxJsonDepth;
  bool allow_comments = false;
};

Result<Json> ParseJson(std::string_view text, const JsonLimits& lim = {});

// Where and why `text` is not JSON, for files a person edits (the
// configuration, the covenant): the 1-based line and column of the first
// character of the token at which the parser stopped, and its reason without
// any of the text it read ("unexpected string literal; expected ',' or '}'"),
// or the place of a key an object has twice.
// nullopt when `text` parses. Checks no size or depth limit (ParseJson does).
struct JsonSyntaxError {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string reason;
};
std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text, bool allow_comments);
// For a file `label` that ParseJson(text, lim) refused: "LABEL:LINE:COLUMN:
// reason" when it is a syntax error, nullopt when it is a limit (size,
// depth) or parses. One form for every file a person edits.
std::optional<std::string> LocateJsonSyntaxError(std::string_view label, std::string_view text,
                                                 const JsonLimits& lim);

// The nesting depth of `text` (strings skipped), or max+1 when it goes past max.
std::size_t JsonDepth(std::string_view text, std::size_t max);

std::string DumpJson(const Json& j, int indent = -1);

// {"error": {"code": reason, "message": message}}
std::string ErrorBody(std::string_view reason, std::string_view message);

// Object shape checks for request bodies. On failure the Status names the
// JSON path (e.g. "/subjects/0/ref") and reason "unknown_field",
// "missing_field" or "wrong_type" (Unprocessable, 422).
Status RequireObject(const Json& j, std::string_view path);
Status CheckKnownKeys(const Json& j, std::string_view path,
                      std::initializer_list<std::string_view> allowed);

}  // namespace vh
