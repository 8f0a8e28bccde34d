#include "policy/covenant_holder.h"

#include "policy/loader.h"

namespace vh::policy {

Result<std::unique_ptr<CovenantHolder>> CovenantHolder::Open(std::string path) {
  auto loaded = LoadCovenantFile(path, nullptr);
  if (!loaded.ok()) return loaded.status();
  return std::make_unique<CovenantHolder>(std::move(path), std::move(loaded).value());
}

uint64_t CovenantHolder::NewVersion() {
  static std::atomic<uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

CovenantHolder::CovenantHolder(std::string path, std::shared_ptr<const Covenant> initial)
    : path_(std::move(path)), current_(std::move(initial)), version_(NewVersion()) {}

std::shared_ptr<const Covenant> CovenantHolder::Get() const {
  struct Seen {
    uint64_t version = 0;
    std::shared_ptr<const Covenant> covenant;
  };
  thread_local Seen seen;
  if (seen.version != version_.load(std::memory_order_acquire)) {
    std::shared_ptr<const Covenant> current;
    {
      std::lock_guard<std::mutex> lock(mu_);
      current = current_;
      seen.version = version_.load(std::memory_order_relaxed);
    }
    // Copies of this thread's snapshot count on this block, not on the one
    // every thread shares; the block holds the shared one.
    auto own = std::make_shared<std::shared_ptr<const Covenant>>(std::move(current));
    seen.covenant = std::shared_ptr<const Covenant>(own, own->get());
  }
  return seen.covenant;
}

Result<std::shared_ptr<const Covenant>> CovenantHolder::Reload() {
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  std::vector<std::string> problems;
  // Parse outside mu_: readers keep going on the old covenant meanwhile.
  auto loaded = LoadCovenantFile(path_, &problems);
  std::lock_guard<std::mutex> lock(mu_);
  last_problems_ = std::move(problems);
  if (!loaded.ok()) return loaded.status();
  current_ = *loaded;
  version_.store(NewVersion(), std::memory_order_release);
  return current_;
}

std::vector<std::string> CovenantHolder::last_problems() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_problems_;
}

}  // namespace vh::policy
