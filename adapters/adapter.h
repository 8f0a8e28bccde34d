#pragma once
// Adapter: one configured partner connection, driven by AdapterRunner.
//
// RunOnce does one round of work (one poll of open requests, one scan of a
// drop directory) and returns; the runner calls it every interval() on the
// adapter's own thread, so a slow partner only delays itself. RunOnce
// returns early when `stop` is set; it never throws.
//
// StopSignal: a flag plus a condition variable, so that waits (backoff
// pauses, the pause between rounds) end at once on shutdown. Thread-safe.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>

namespace vh::adapters {

class StopSignal {
 public:
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }
  void Reset() { stop_ = false; }
  bool stopped() const { return stop_.load(); }
  const std::atomic<bool>* flag() const { return &stop_; }
  // Waits up to `d`; returns true when stopped (at once if already stopped).
  bool WaitFor(std::chrono::milliseconds d) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, d, [&] { return stop_.load(); });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::atomic<bool> stop_{false};
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual const std::string& partner() const = 0;
  virtual std::string_view kind() const = 0;  // "https-pull" or "file-drop"
  virtual std::chrono::milliseconds interval() const = 0;
  virtual void RunOnce(const StopSignal& stop) = 0;
};

}  // namespace vh::adapters
