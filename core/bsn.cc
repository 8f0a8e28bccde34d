#include "core/bsn.h"

namespace vh {

std::optional<std::string> NormaliseBsn(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '.' && c != '-') {
      return std::nullopt;
    }
    if (digits.size() > 9) return std::nullopt;
  }
  if (digits.size() == 8) digits.insert(digits.begin(), '0');
  if (digits.size() != 9) return std::nullopt;
  return digits;
}

bool IsValidBsn(std::string_view bsn) {
  if (bsn.size() != 9) return false;
  int sum = 0;
  bool all_zero = true;
  for (std::size_t i = 0; i < 9; ++i) {
    if (bsn[i] < '0' || bsn[i] > '9') return false;
    const int d = bsn[i] - '0';
    if (d != 0) all_zero = false;
    sum += (i < 8) ? d * static_cast<int>(9 - i) : -d;
  }
  return !all_zero && sum % 11 == 0;
}

}  // namespace vh
