#include "policy/covenant_holder.h"

#include "policy/loader.h"

namespace vh::policy {

Result<std::unique_ptr<CovenantHolder>> CovenantHolder::Open(std::string path) {
  auto loaded = LoadCovenantFile(path, nullptr);
  if (!loaded.ok()) return loaded.status();
  return std::make_unique<CovenantHolder>(std::move(path), std::move(loaded).value());
}

CovenantHolder::CovenantHolder(std::string path, std::shared_ptr<const Covenant> initial)
    : path_(std::move(path)), current_(std::move(initial)) {}

std::shared_ptr<const Covenant> CovenantHolder::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
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
  return current_;
}

std::vector<std::string> CovenantHolder::last_problems() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_problems_;
}

}  // namespace vh::policy
