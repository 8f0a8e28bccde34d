#pragma once
// FreshTestDir: an empty directory of the running test's own,
// <tmp>/<prefix>_<pid>_<test name>, so that neither another test nor another
// process (ctest -j) meets its files. The caller removes it (TearDown).
// AllBytesIn: what the files in a directory hold, for tests that show a text
// is nowhere on disk. Header only.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vh::testing {

inline std::filesystem::path FreshTestDir(const std::string& prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (prefix + "_" + std::to_string(::getpid()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The bytes of every file directly in `dir` (a database, its WAL), one
// after the other.
inline std::string AllBytesIn(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return all;
}

}  // namespace vh::testing
