// Replays the committed fuzz corpora (fuzz/corpus/<target>/) through the same
// entry points the libFuzzer targets use, with the normal compiler, so every
// `make test` (and its ASan run) re-checks what the fuzzers found.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/policy_fuzz_entry.h"
#include "tests/policy/test_util.h"

namespace vh::policy {
namespace {

using ::vh::policy::testing::SourceDir;

std::size_t Replay(const std::string& target, int (*entry)(const uint8_t*, std::size_t)) {
  std::filesystem::path dir = std::filesystem::path(SourceDir()) / "fuzz" / "corpus" / target;
  std::size_t n = 0;
  if (!std::filesystem::exists(dir)) return 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    SCOPED_TRACE(e.path().string());
    EXPECT_EQ(entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
    ++n;
  }
  return n;
}

TEST(PolicyFuzzReplayTest, LoaderCorpus) {
  EXPECT_GT(Replay("policy_loader_fuzzer", &fuzz::LoaderOne), 0u);
}

TEST(PolicyFuzzReplayTest, IntakeCorpus) {
  EXPECT_GT(Replay("policy_intake_fuzzer", &fuzz::IntakeOne), 0u);
}

TEST(PolicyFuzzReplayTest, ExampleCovenantThroughTheLoaderEntry) {
  std::string text = testing::ReadFile(testing::ExamplePath());
  EXPECT_EQ(fuzz::LoaderOne(reinterpret_cast<const uint8_t*>(text.data()), text.size()), 0);
}

}  // namespace
}  // namespace vh::policy
