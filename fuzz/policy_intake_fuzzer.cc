// libFuzzer target: a supplier's answer body through intake and the filter.
#include "fuzz/policy_fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vh::policy::fuzz::IntakeOne(data, size);
}
