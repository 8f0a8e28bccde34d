#include "core/trace_context.h"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace vh {
namespace {

thread_local std::shared_ptr<const TraceContext> t_current;

// xoshiro256**, seeded per thread from getrandom(2): ids must be unique and
// unguessable enough to tell traces apart, not secret.
class IdGenerator {
 public:
  IdGenerator() {
    std::size_t got = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(s_);
    while (got < sizeof(s_)) {
      ssize_t n = ::getrandom(bytes + got, sizeof(s_) - got, 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got < sizeof(s_)) {  // no getrandom: time and address, still distinct per thread
      s_[0] ^= static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
      s_[1] ^= reinterpret_cast<uintptr_t>(this);
    }
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4] = {0, 0, 0, 0};
};

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

std::string RandomHex(std::size_t bytes) {
  // Each byte's two hex digits, in one table.
  static constexpr auto kPairs = [] {
    constexpr char kHex[] = "0123456789abcdef";
    std::array<char, 512> t{};
    for (int b = 0; b < 256; ++b) {
      t[2 * b] = kHex[b >> 4];
      t[2 * b + 1] = kHex[b & 0xf];
    }
    return t;
  }();
  thread_local IdGenerator gen;
  std::string out(bytes * 2, '0');
  char* at = out.data();
  uint64_t any = 0;
  for (std::size_t left = bytes; left > 0;) {
    uint64_t v = gen.Next();
    const std::size_t take = left < 8 ? left : 8;
    any |= take == 8 ? v : v & ((uint64_t{1} << (8 * take)) - 1);
    for (std::size_t i = 0; i < take; ++i, v >>= 8, at += 2) {
      std::memcpy(at, &kPairs[2 * (v & 0xff)], 2);
    }
    left -= take;
  }
  if (any == 0 && !out.empty()) out.back() = '1';
  return out;
}

std::string NewRequestId() { return RandomHex(16); }

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  bool digits_only = true;  // but for separators: "111.222.333" is a BSN too
  for (char c : id) {
    const bool digit = c >= '0' && c <= '9';
    const bool separator = c == '.' || c == '_' || c == ':' || c == '-';
    const bool ok = digit || separator || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!ok) return false;
    digits_only = digits_only && (digit || separator);
  }
  return !digits_only;
}

std::optional<Traceparent> ParseTraceparent(std::string_view h) {
  // version "-" trace-id "-" parent-id "-" flags: 2+1+32+1+16+1+2 = 55.
  constexpr std::size_t kLength = 55;
  if (h.size() < kLength) return std::nullopt;
  const std::string_view version = h.substr(0, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" ? h.size() != kLength : (h.size() > kLength && h[kLength] != '-')) {
    return std::nullopt;
  }
  if (h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  Traceparent t{std::string(h.substr(3, 32)), std::string(h.substr(36, 16)),
                std::string(h.substr(53, 2))};
  if (!IsLowerHex(t.trace_id) || !IsLowerHex(t.parent_id) || !IsLowerHex(t.flags)) {
    return std::nullopt;
  }
  if (AllZero(t.trace_id) || AllZero(t.parent_id)) return std::nullopt;
  return t;
}

TraceContext TraceContext::Start(TimePoint now) {
  TraceContext c;
  c.trace_id = RandomHex(16);
  c.span_id = RandomHex(8);
  c.start = now;
  return c;
}

TraceContext TraceContext::Continue(std::string_view traceparent, TimePoint now) {
  std::optional<Traceparent> parent;
  if (!traceparent.empty()) parent = ParseTraceparent(traceparent);
  if (!parent) return Start(now);
  TraceContext c;
  c.trace_id = std::move(parent->trace_id);
  c.parent_span_id = std::move(parent->parent_id);
  c.flags = std::move(parent->flags);
  c.span_id = RandomHex(8);
  c.start = now;
  return c;
}

std::string TraceContext::ToTraceparent() const {
  const std::string_view f = flags.empty() ? std::string_view("01") : std::string_view(flags);
  std::string out;  // one allocation: it is built for every response
  out.reserve(3 + trace_id.size() + 1 + span_id.size() + 1 + f.size());
  out.append("00-").append(trace_id).append("-").append(span_id).append("-").append(f);
  return out;
}

const std::shared_ptr<const TraceContext>& CurrentTrace() { return t_current; }

ScopedTrace::ScopedTrace(std::shared_ptr<const TraceContext> context)
    : previous_(std::move(t_current)) {
  t_current = std::move(context);
}

ScopedTrace::~ScopedTrace() { t_current = std::move(previous_); }

}  // namespace vh
