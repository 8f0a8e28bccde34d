#pragma once
// Structural checks shared by the JSON codecs of gateway/codecs/: reading
// members of a request body with the errors of docs/api.md "Errors". Every
// error is Unprocessable (422) naming the JSON path: "missing_field" ("<path>:
// missing"), "wrong_type" ("<path>: expected ..."), "too_long" ("<path>:
// longer than allowed"), "invalid_time" ("<path>: not an RFC 3339 time").
// Messages never contain the values read.
// Thread-safety: pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace vh::gw::codecs {

Status Missing(std::string_view path);
Status WrongType(std::string_view path, std::string_view expected);

// Member `key` of object `obj` at `path` ("" for the body itself) as a
// string of at most `max_bytes`. A missing member is an error unless
// `optional` (then *out is left alone).
Status ReadString(const Json& obj, const char* key, std::string_view path, std::size_t max_bytes,
                  bool optional, std::string* out);
// An optional string member of at most `max_bytes`: nullopt when absent.
Status ReadOptionalString(const Json& obj, const char* key, std::string_view path,
                          std::size_t max_bytes, std::optional<std::string>* out);
// A required RFC 3339 time (or bare date).
Status ReadTime(const Json& obj, const char* key, std::string_view path, TimePoint* out);
// An optional array of strings of at most `max_bytes` each (`what` names
// it in the wrong_type message): nullopt when the member is absent.
Status ReadStringList(const Json& obj, const char* key, std::string_view path,
                      std::string_view what, std::size_t max_bytes,
                      std::optional<std::vector<std::string>>* out);
// An optional array of partner ids: nullopt when the member is absent.
Status ReadPartnerList(const Json& obj, const char* key, std::string_view path,
                       std::optional<std::vector<std::string>>* out);
// A required member `key` that must be an array; points *out at it.
Status ReadArray(const Json& obj, const char* key, std::string_view path, const Json** out);

}  // namespace vh::gw::codecs
