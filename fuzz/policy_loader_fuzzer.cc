// libFuzzer target: any bytes as a covenant file.
#include "fuzz/policy_fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vh::policy::fuzz::LoaderOne(data, size);
}
