// SIGKILL during load, 20 times, against a small process
// of our own that appends from 8 threads and acknowledges each event only
// after Append returned (see crash_writer.cc). After every kill the log must
// open, verify intact, and hold every acknowledged event. The end-to-end
// variant against the real gateway is gateway_crash_test.cc.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

#include "audit/audit_keys.h"
#include "audit/audit_log.h"
#include "tests/audit/audit_test_util.h"

namespace vh::audit {
namespace {

constexpr int kRounds = 20;
constexpr int kWriters = 8;

std::string WriterBinary() {
  const char* b = std::getenv("VH_CRASH_WRITER");
  return b ? b : "";
}

TEST(AuditCrashTest, SigkillDuringLoadLosesNoAcknowledgedEventAndVerifies) {
  ASSERT_TRUE(crypto::InitCrypto().ok());
  ASSERT_FALSE(WriterBinary().empty()) << "VH_CRASH_WRITER not set";
  testing::TempDir dir("crash");
  Config config;
  config.keys_dir = dir.Sub("keys");
  config.data_dir = dir.Sub("data");
  config.audit_checkpoint_every = 25;
  config.audit_checkpoint_seconds = 1;
  std::ostringstream sink;
  ASSERT_TRUE(InitKeys(config, sink).ok());
  std::mt19937 rng(4242);
  int64_t total_acked = 0;

  for (int run = 1; run <= kRounds; ++run) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      std::string r = std::to_string(run), w = std::to_string(kWriters);
      ::execl(WriterBinary().c_str(), WriterBinary().c_str(), dir.path().c_str(), r.c_str(),
              w.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(fds[1]);
    // Once the writer has opened the log (which takes longer as the log grows,
    // and much longer under a sanitizer), read acknowledgements for a random
    // while and at least until the first one, then kill mid-stream.
    std::string acks;
    const auto window =
        std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 700)(rng));
    std::optional<std::chrono::steady_clock::time_point> deadline;
    char buf[4096];
    for (;;) {
      if (deadline && std::chrono::steady_clock::now() >= *deadline &&
          acks.find("\nack ") != std::string::npos) {
        break;
      }
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      acks.append(buf, static_cast<std::size_t>(n));
      if (!deadline && acks.find("ready\n") != std::string::npos) {
        deadline = std::chrono::steady_clock::now() + window;
      }
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    for (;;) {  // what the writer acknowledged before it died is still in the pipe
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      acks.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << run << ": writer exited by itself: " << acks;

    std::set<std::pair<int, int>> acked;
    std::istringstream lines(acks);
    std::string word;
    int r = 0, w = 0, i = 0;
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream ls(line);
      if (ls >> word >> r >> w >> i && word == "ack") {
        if (lines.eof()) break;  // a line cut off by the kill is not an acknowledgement
        acked.emplace(w, i);
      }
    }
    ASSERT_GT(acked.size(), 0u) << "round " << run;
    total_acked += static_cast<int64_t>(acked.size());

    SystemClock clock;
    auto log = AuditLog::Open(config, clock);
    ASSERT_TRUE(log.ok()) << "round " << run << ": " << log.status().ToString();
    auto rep = (*log)->Verify();
    ASSERT_TRUE(rep.ok());
    ASSERT_TRUE(rep->intact) << "round " << run << ": " << rep->problem;
    QueryFilter f;
    f.meeting = "m-" + std::to_string(run);
    f.chronological_all = true;
    auto page = (*log)->Query(f);
    ASSERT_TRUE(page.ok());
    std::set<std::pair<int, int>> logged;
    for (const auto& e : page->events) logged.emplace(e.event.detail["w"], e.event.detail["i"]);
    for (const auto& a : acked) {
      ASSERT_TRUE(logged.count(a)) << "round " << run << ": acknowledged event of writer "
                                   << a.first << " #" << a.second << " is not in the log";
    }
  }
  RecordProperty("acknowledged_events", std::to_string(total_acked));
  std::printf("%lld acknowledged events over %d kills, all present\n",
              static_cast<long long>(total_acked), kRounds);
}

}  // namespace
}  // namespace vh::audit
