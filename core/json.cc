#include "core/json.h"

#include <algorithm>

namespace vh {

std::size_t JsonDepth(std::string_view text, std::size_t max) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        deepest = std::max(deepest, ++depth);
        if (deepest > max) return max + 1;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

Result<Json> ParseJson(std::string_view text, const JsonLimits& lim) {
  if (text.size() > lim.max_bytes) {
    return Status::TooLarge("JSON document exceeds " + std::to_string(lim.max_bytes) + " bytes");
  }
  if (JsonDepth(text, lim.max_depth) > lim.max_depth) {
    return Status::InvalidArgument(
        "malformed_json", "JSON nested deeper than " + std::to_string(lim.max_depth) + " levels");
  }
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false,
                       lim.allow_comments);
  if (j.is_discarded()) {
    // Find the byte offset for a useful message without echoing the content.
    std::size_t offset = 0;
    struct Sax : nlohmann::json_sax<Json> {
      std::size_t* off;
      explicit Sax(std::size_t* o) : off(o) {}
      bool null() override { return true; }
      bool boolean(bool) override { return true; }
      bool number_integer(number_integer_t) override { return true; }
      bool number_unsigned(number_unsigned_t) override { return true; }
      bool number_float(number_float_t, const string_t&) override { return true; }
      bool string(string_t&) override { return true; }
      bool binary(binary_t&) override { return true; }
      bool start_object(std::size_t) override { return true; }
      bool key(string_t&) override { return true; }
      bool end_object() override { return true; }
      bool start_array(std::size_t) override { return true; }
      bool end_array() override { return true; }
      bool parse_error(std::size_t pos, const std::string&,
                       const nlohmann::detail::exception&) override {
        *off = pos;
        return false;
      }
    } sax(&offset);
    Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json,
                    /*strict=*/true, lim.allow_comments);
    return Status::InvalidArgument(
        "malformed_json", "body is not valid JSON (near byte " + std::to_string(offset) + ")");
  }
  return j;
}

std::string DumpJson(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string ErrorBody(std::string_view reason, std::string_view message) {
  Json j = {{"error", {{"code", reason}, {"message", message}}}};
  return DumpJson(j);
}

Status RequireObject(const Json& j, std::string_view path) {
  if (!j.is_object()) {
    return Status::Unprocessable("wrong_type",
                                 std::string(path.empty() ? "/" : path) + ": expected an object");
  }
  return Status::Ok();
}

Status CheckKnownKeys(const Json& j, std::string_view path,
                      std::initializer_list<std::string_view> allowed) {
  VH_RETURN_IF_ERROR(RequireObject(j, path));
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      // Keys come from the caller; they are field names, not values, but cap
      // their length so a message never carries a payload.
      std::string key = it.key().substr(0, 64);
      return Status::Unprocessable("unknown_field",
                                   std::string(path) + "/" + key + ": unknown field");
    }
  }
  return Status::Ok();
}

}  // namespace vh
