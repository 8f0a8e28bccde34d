#include "crypto/hex.h"

#include <sodium.h>

namespace vh::crypto {

std::string ToHex(const uint8_t* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.resize(n * 2);
  return out;
}

std::optional<std::vector<uint8_t>> FromHex(std::string_view hex) {
  while (!hex.empty() &&
         (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ' || hex.back() == '\t')) {
    hex.remove_suffix(1);
  }
  while (!hex.empty() && (hex.front() == ' ' || hex.front() == '\t' || hex.front() == '\n')) {
    hex.remove_prefix(1);
  }
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> out(hex.size() / 2);
  std::size_t bin_len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &bin_len, &end) !=
          0 ||
      bin_len != out.size() || end != hex.data() + hex.size()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace vh::crypto
