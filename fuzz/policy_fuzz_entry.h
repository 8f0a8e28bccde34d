#pragma once
// Fuzz entry points of the policy module, shared by the libFuzzer targets
// (fuzz/*_fuzzer.cc, clang -fsanitize=fuzzer,address) and by the replay test
// (tests/policy/fuzz_replay_test.cc, the normal compiler), so the committed
// corpora are replayed by `make test`.
//
// Each returns 0. Invariant violations abort (__builtin_trap), which both
// libFuzzer and the replay test report as a crash.

#include <cstddef>
#include <cstdint>

namespace vh::policy::fuzz {

// Any bytes as a covenant file: load, and when it loads, exercise decisions,
// supply lists and the filter on it.
int LoaderOne(const uint8_t* data, std::size_t size);

// Byte 0 picks the overlegvorm, byte 1 the supplier (and whether it is ad
// hoc); the rest is an answer body `{"fields": {...}}` for a fixed covenant.
// Accepted values must then filter without an invalid-value withholding, and
// the streamed view text must equal the DOM view.
int IntakeOne(const uint8_t* data, std::size_t size);

}  // namespace vh::policy::fuzz
