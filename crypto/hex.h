#pragma once
// Hex encoding (lower case) and decoding. Decoding ignores surrounding
// whitespace and refuses anything else that is not hex.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vh::crypto {

std::string ToHex(const uint8_t* p, std::size_t n);
inline std::string ToHex(const std::vector<uint8_t>& v) { return ToHex(v.data(), v.size()); }
inline std::string ToHex(std::string_view s) {
  return ToHex(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
std::optional<std::vector<uint8_t>> FromHex(std::string_view hex);
// Whether `s` is lower-case hex digits only (true for "").
bool IsLowerHex(std::string_view s);

}  // namespace vh::crypto
