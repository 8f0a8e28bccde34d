// vhgate-test: the `vhgate` command line on a clock that tests can move
// forward (a follow-up item falls due, a closed case passes its
// retention), for the real gateway process in end-to-end tests
// (tests/support/gateway_harness.h HarnessOptions::test_clock).
//
// The clock is the system clock plus a whole number of seconds read from
// the file named by VH_TEST_CLOCK_FILE (absent, empty or unreadable: 0),
// read again at most every 100 ms, so a test moves time by rewriting the
// file while the gateway runs. Only this binary reads that variable: it is
// built with the tests, never installed (`make install` installs vhgate),
// and `vhgate` itself has no way to move its clock, so the offset cannot be
// switched on in production by accident. TLS certificate validity is
// OpenSSL's and follows the real time.

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "gateway/commands/command_line.h"

namespace {

class OffsetClock final : public vh::Clock {
 public:
  explicit OffsetClock(std::string file) : file_(std::move(file)) {}

  vh::TimePoint Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (!read_ || now - read_at_ >= std::chrono::milliseconds(100)) {
      long long seconds = 0;
      std::ifstream in(file_);
      if (in) in >> seconds;
      offset_ = std::chrono::seconds(in ? seconds : 0);
      read_at_ = now;
      read_ = true;
    }
    return std::chrono::system_clock::now() + offset_;
  }

 private:
  std::string file_;
  mutable std::mutex mu_;
  mutable bool read_ = false;
  mutable std::chrono::steady_clock::time_point read_at_;
  mutable std::chrono::seconds offset_{0};
};

}  // namespace

int main(int argc, char** argv) {
  const char* file = std::getenv("VH_TEST_CLOCK_FILE");
  static OffsetClock clock(file != nullptr ? file : "");
  return vh::gw::RunCommandLine(std::vector<std::string>(argv + 1, argv + argc), std::cout,
                                std::cerr, clock);
}
