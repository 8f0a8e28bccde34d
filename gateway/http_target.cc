#include "gateway/http_target.h"

namespace vh::gw {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class Part { kPath, kQuery };

std::string PercentDecode(std::string_view s, Part part) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = HexDigit(s[i + 1]);
      const int lo = HexDigit(s[i + 2]);
      const int byte = hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
      if (byte >= 0 && !(part == Part::kPath && byte == '/')) {
        out.push_back(static_cast<char>(byte));
        i += 2;
        continue;
      }
    } else if (c == '+' && part == Part::kQuery) {
      out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string DecodeQueryComponent(std::string_view s) { return PercentDecode(s, Part::kQuery); }

std::string DecodePath(std::string_view s) { return PercentDecode(s, Part::kPath); }

void SplitTarget(std::string_view target, ApiRequest* req) {
  const auto q = target.find('?');
  req->path = DecodePath(target.substr(0, q));
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      req->query[DecodeQueryComponent(pair.substr(0, eq))] =
          eq == std::string_view::npos ? std::string() : DecodeQueryComponent(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

}  // namespace vh::gw
