#include "core/json.h"

#include <algorithm>
#include <unordered_set>
#include <vector>

namespace vh {
namespace {

// Records where and why a SAX parse stopped; accepts everything else.
struct ErrorLocator : nlohmann::json_sax<Json> {
  std::size_t* offset;
  std::string* what;
  ErrorLocator(std::size_t* o, std::string* w) : offset(o), what(w) {}
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
                   const nlohmann::detail::exception& e) override {
    *offset = pos;
    *what = e.what();
    return false;
  }
};

// False when `text` parses; else the parser's position (characters read) and message.
bool LocateSyntaxError(std::string_view text, bool allow_comments, std::size_t* offset,
                       std::string* what) {
  ErrorLocator sax(offset, what);
  return !Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json,
                          /*strict=*/true, allow_comments);
}

// nlohmann's message without its prefix and without the text it read:
// "[json.exception.parse_error.101] parse error at line 2, column 4: syntax
// error while parsing object - unexpected string literal; last read: '...';
// expected '}'" -> "unexpected string literal; expected ',' or '}'".
std::string SyntaxReason(std::string what) {
  std::string context;
  constexpr std::string_view kSyntax = "syntax error while parsing ";
  if (auto pos = what.find(kSyntax); pos != std::string::npos) {
    what = what.substr(pos + kSyntax.size());
    auto dash = what.find(" - ");
    if (dash != std::string::npos) {
      context = what.substr(0, dash);
      what = what.substr(dash + 3);
    }
  } else if (auto colon = what.find(": "); colon != std::string::npos) {
    what = what.substr(colon + 2);
  }
  if (auto pos = what.find("; last read: '"); pos != std::string::npos) {
    auto end = what.find("'", pos + 14);
    // The text read may itself hold quotes: cut up to "'; expected" or the end.
    auto expected = what.find("'; expected", pos + 14);
    if (expected != std::string::npos) end = expected;
    what.erase(pos, end == std::string::npos ? std::string::npos : end + 1 - pos);
  }
  if (context == "object") {
    if (auto pos = what.find("expected '}'"); pos != std::string::npos) {
      what.replace(pos, 12, "expected ',' or '}'");
    }
  } else if (context == "array") {
    if (auto pos = what.find("expected ']'"); pos != std::string::npos) {
      what.replace(pos, 12, "expected ',' or ']'");
    }
  }
  return what;
}

// The start of the token that ends at `end` (an index into text): a string
// literal back to its opening quote, a number or literal back over its
// characters; `end` itself otherwise.
std::size_t TokenStart(std::string_view text, std::size_t end) {
  auto word = [](char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           ch == '.' || ch == '-' || ch == '+';
  };
  if (text[end] == '"') {
    for (std::size_t i = end; i > 0; --i) {
      if (text[i - 1] == '\n') return end;
      if (text[i - 1] == '"' && (i < 2 || text[i - 2] != '\\')) return i - 1;
    }
    return end;
  }
  std::size_t i = end;
  while (i > 0 && word(text[i]) && word(text[i - 1])) --i;
  return i;
}

// What one pass over `text` finds, strings (and, when allowed, comments)
// skipped: how deep its objects and arrays nest (max + 1 once past `max`,
// where it stops) and the offset of the first key that repeats an earlier key
// of the same object (compared decoded, "a" as "\u0061"; npos when none).
// The key is only meaningful for text that parses: nlohmann keeps the last of
// two keys and says nothing, so a second "fields" or "rules" would silently
// win.
struct JsonShape {
  std::size_t depth = 0;
  std::size_t duplicate_key = std::string_view::npos;
};
JsonShape ScanJson(std::string_view text, std::size_t max_depth, bool allow_comments) {
  struct Frame {
    bool object = false;
    bool want_key = false;
    std::unordered_set<std::string> keys;
  };
  std::vector<Frame> stack;
  JsonShape out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (allow_comments && c == '/' && i + 1 < text.size()) {
      const bool line = text[i + 1] == '/';
      const std::size_t end = line ? text.find('\n', i + 2) : text.find("*/", i + 2);
      if (end == std::string_view::npos) break;
      i = line ? end : end + 1;
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        stack.push_back({c == '{', c == '{', {}});
        out.depth = std::max(out.depth, stack.size());
        if (out.depth > max_depth) return out;
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        break;
      case ',':
        if (!stack.empty()) stack.back().want_key = stack.back().object;
        break;
      case ':':
        if (!stack.empty()) stack.back().want_key = false;
        break;
      case '"': {
        const std::size_t start = i;
        for (bool escaped = false; ++i < text.size();) {
          if (escaped) {
            escaped = false;
          } else if (text[i] == '\\') {
            escaped = true;
          } else if (text[i] == '"') {
            break;
          }
        }
        if (stack.empty() || !stack.back().want_key) break;
        std::string key(text.substr(start + 1, i - start - 1));
        if (key.find('\\') != std::string::npos) {
          Json decoded = Json::parse(text.substr(start, i - start + 1), nullptr, false);
          if (decoded.is_string()) key = decoded.get<std::string>();
        }
        if (!stack.back().keys.insert(std::move(key)).second &&
            out.duplicate_key == std::string_view::npos) {
          out.duplicate_key = start;
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

constexpr const char* kDuplicateKey = "a key appears twice in one object";

}  // namespace

std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text, bool allow_comments) {
  std::size_t offset = 0;
  std::string what;
  std::size_t at = 0;
  JsonSyntaxError e;
  if (LocateSyntaxError(text, allow_comments, &offset, &what)) {
    e.reason = SyntaxReason(what);
    // `offset` counts the characters read, the offending one included.
    at = offset == 0 ? 0 : std::min(offset, text.size()) - 1;
    if (!text.empty() && what.find("unexpected end of input") == std::string::npos) {
      at = TokenStart(text, at);
    } else {
      at = text.size();
    }
  } else if (at = ScanJson(text, std::string_view::npos, allow_comments).duplicate_key;
             at != std::string_view::npos) {
    e.reason = kDuplicateKey;
  } else {
    return std::nullopt;
  }
  e.line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++e.line;
      line_start = i + 1;
    }
  }
  e.column = at - line_start + 1;
  return e;
}

std::size_t JsonDepth(std::string_view text, std::size_t max) {
  return ScanJson(text, max, false).depth;
}

std::optional<std::string> LocateJsonSyntaxError(std::string_view label, std::string_view text,
                                                 const JsonLimits& lim) {
  if (text.size() > lim.max_bytes || JsonDepth(text, lim.max_depth) > lim.max_depth) {
    return std::nullopt;
  }
  auto e = FindJsonSyntaxError(text, lim.allow_comments);
  if (!e) return std::nullopt;
  return std::string(label) + ":" + std::to_string(e->line) + ":" + std::to_string(e->column) +
         ": " + e->reason;
}

Result<Json> ParseJson(std::string_view text, const JsonLimits& lim) {
  if (text.size() > lim.max_bytes) {
    return Status::TooLarge("JSON document exceeds " + std::to_string(lim.max_bytes) + " bytes");
  }
  const JsonShape shape = ScanJson(text, lim.max_depth, lim.allow_comments);
  if (shape.depth > lim.max_depth) {
    return Status::InvalidArgument(
        "malformed_json", "JSON nested deeper than " + std::to_string(lim.max_depth) + " levels");
  }
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false,
                       lim.allow_comments);
  if (j.is_discarded()) {
    // Find the byte offset for a useful message without echoing the content.
    std::size_t offset = 0;
    std::string unused;
    LocateSyntaxError(text, lim.allow_comments, &offset, &unused);
    return Status::InvalidArgument(
        "malformed_json", "body is not valid JSON (near byte " + std::to_string(offset) + ")");
  }
  if (shape.duplicate_key != std::string_view::npos) {
    return Status::InvalidArgument("malformed_json", std::string(kDuplicateKey) + " (near byte " +
                                                         std::to_string(shape.duplicate_key) + ")");
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
