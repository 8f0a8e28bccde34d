#pragma once
// CovenantHolder: the covenant in force, swapped atomically on reload.
//
// Readers call Get() and keep the returned snapshot for the duration of one
// request: a concurrent Reload() never changes a snapshot already handed out,
// so one request sees one covenant (and one sha256) throughout.
// Reload() reads the same file again; when the new file does not validate,
// the old covenant stays in force and the error carries every validation
// line (also available as last_problems()).
// Thread-safety: every method may be called from any thread. Get() is read by
// every request on every thread: it takes no lock and touches nothing another
// thread writes while the covenant stays the same (each thread keeps the
// snapshot it last saw, under a version that every reload of every holder
// makes new, and hands out copies that count on a count of its own).

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "policy/covenant.h"

namespace vh::policy {

class CovenantHolder {
 public:
  // Loads `path`. Fails with the loader's Status (message: all problem lines)
  // when the file is missing or invalid: the gateway must not start.
  static Result<std::unique_ptr<CovenantHolder>> Open(std::string path);

  // For tests and tools: holds an already loaded covenant; Reload() reads `path`.
  CovenantHolder(std::string path, std::shared_ptr<const Covenant> initial);

  // Never null.
  std::shared_ptr<const Covenant> Get() const;

  // Loads the file again and swaps it in. On error the previous covenant stays
  // in force and the Status message holds one line per problem.
  Result<std::shared_ptr<const Covenant>> Reload();

  // Validation lines of the last failed Reload (empty after a good one).
  std::vector<std::string> last_problems() const;

  const std::string& path() const { return path_; }

 private:
  // A number no other snapshot of any holder has had.
  static uint64_t NewVersion();

  const std::string path_;
  mutable std::mutex mu_;
  std::shared_ptr<const Covenant> current_;  // guarded by mu_
  std::atomic<uint64_t> version_;            // current_'s; written under mu_
  std::vector<std::string> last_problems_;   // guarded by mu_
  std::mutex reload_mu_;                     // one reload at a time
};

}  // namespace vh::policy
