#pragma once
// SecretBytes: move-only key material that wipes itself (sodium_memzero) on
// destruction and on move-from. Never log or print it; Hex() exists only for
// writing key files.
// Thread-safety: like std::vector (no internal synchronisation).

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace vh::crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t n) : b_(n, 0) {}
  SecretBytes(const uint8_t* p, std::size_t n) : b_(p, p + n) {}
  ~SecretBytes() { Wipe(); }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& o) noexcept : b_(std::move(o.b_)) { o.b_.clear(); }
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      Wipe();
      b_ = std::move(o.b_);
      o.b_.clear();
    }
    return *this;
  }
  static SecretBytes Random(std::size_t n) {
    SecretBytes s(n);
    randombytes_buf(s.data(), n);
    return s;
  }
  // An explicit copy, for handing a key to a second owner.
  SecretBytes Clone() const { return SecretBytes(b_.data(), b_.size()); }

  uint8_t* data() { return b_.data(); }
  const uint8_t* data() const { return b_.data(); }
  std::size_t size() const { return b_.size(); }
  bool empty() const { return b_.empty(); }

 private:
  void Wipe() {
    if (!b_.empty()) sodium_memzero(b_.data(), b_.size());
  }
  std::vector<uint8_t> b_;
};

}  // namespace vh::crypto
