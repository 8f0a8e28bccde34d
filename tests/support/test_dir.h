#pragma once
// FreshTestDir: an empty directory of the running test's own,
// <tmp>/<prefix>_<pid>_<test name>, so that neither another test nor another
// process (ctest -j) meets its files. The caller removes it (TearDown).
// Header only.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
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

}  // namespace vh::testing
