// Test helper for crash_test.cc: appends events from several threads to the
// audit log of <dir> until killed, and prints "ack <run> <writer> <i>" (one
// write(2) each) only after Append returned OK, i.e. after the commit.
// Usage: audit_crash_writer <dir> <run> <writers>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  std::string dir = argv[1];
  int run = std::atoi(argv[2]);
  int writers = std::atoi(argv[3]);
  if (!vh::crypto::InitCrypto().ok()) return 2;
  vh::Config config;
  config.keys_dir = dir + "/keys";
  config.data_dir = dir + "/data";
  config.audit_checkpoint_every = 25;  // many checkpoints, so kills land inside them too
  config.audit_checkpoint_seconds = 1;
  vh::SystemClock clock;
  auto log = vh::audit::AuditLog::Open(config, clock);
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n", log.status().ToString().c_str());
    return 3;
  }
  const char ready[] = "ready\n";
  if (::write(1, ready, sizeof ready - 1) < 0) return 4;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0;; ++i) {
        vh::audit::Event e;
        e.type = vh::audit::kDossierDisclosed;
        e.actor = {"politie", "participant", "crash", "", "local"};
        e.meeting = "m-" + std::to_string(run);
        e.recipient = "politie";
        e.outcome = "ok";
        e.detail = {{"run", run}, {"w", w}, {"i", i}};
        if (!(*log)->Append(std::move(e)).ok()) continue;
        std::string line =
            "ack " + std::to_string(run) + " " + std::to_string(w) + " " + std::to_string(i) + "\n";
        if (::write(1, line.data(), line.size()) < 0) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  return 0;
}
