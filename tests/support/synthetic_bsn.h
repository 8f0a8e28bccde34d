#pragma once
// SyntheticBsn: the one home of the tests' made-up BSNs (synthetic persons
// only). Header only, so typed tests use it without the gateway harness.

#include <random>
#include <string>

namespace vh::testing {

// A made-up BSN that passes the 11-proef, different for each seed.
inline std::string SyntheticBsn(int seed) {
  // Nine digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - d9 = 0 (mod 11), d1 != 0.
  std::mt19937 rng(static_cast<unsigned>(seed) * 2654435761u + 17);
  for (;;) {
    int d[9];
    d[0] = 1 + static_cast<int>(rng() % 9);
    int sum = 9 * d[0];
    for (int i = 1; i < 8; ++i) {
      d[i] = static_cast<int>(rng() % 10);
      sum += (9 - i) * d[i];
    }
    int last = sum % 11;
    if (last > 9) continue;
    d[8] = last;
    std::string s;
    for (int v : d) s.push_back(static_cast<char>('0' + v));
    return s;
  }
}

}  // namespace vh::testing
