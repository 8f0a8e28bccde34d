#pragma once
// WaitFor: polls `cond` until it holds or `limit` has passed, for tests that
// wait on another thread or process (a sweep, an adapter, a reload). True
// when it held; it is asked once more at the end. Header only.

#include <chrono>
#include <functional>
#include <thread>

namespace vh::testing {

inline bool WaitFor(const std::function<bool()>& cond,
                    std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

}  // namespace vh::testing
