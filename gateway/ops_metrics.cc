#include "gateway/ops_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

#include "gateway/build_info.h"
#include "store/case_store.h"

namespace vh::gw {
namespace {

using Samples = std::vector<Metrics::Sample>;

// The fields of /proc/self/stat after "(comm)", from field 3 (state) on.
std::vector<std::string> StatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> out;
  for (std::string f; rest >> f;) out.push_back(f);
  return out;
}

// Field n (1-based, as proc(5) numbers them) of /proc/self/stat.
std::optional<double> StatField(const std::vector<std::string>& fields, std::size_t n) {
  if (n < 3 || n - 3 >= fields.size()) return std::nullopt;
  try {
    return std::stod(fields[n - 3]);
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<double> BootTime() {
  std::ifstream in("/proc/stat");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return std::nullopt;
}

Samples One(std::optional<double> v) { return v ? Samples{{"", *v}} : Samples{}; }

std::string Quoted(const std::string& v) {
  std::string out;
  for (char ch : v) {
    if (ch == '\\' || ch == '"') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out;
}

}  // namespace

void AddProcessMetrics(Metrics& metrics) {
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  std::optional<double> start;
  if (auto boot = BootTime(); boot && ticks > 0) {
    if (auto since_boot = StatField(StatFields(), 22)) start = *boot + *since_boot / ticks;
  }
  metrics.AddSampledFamily("process_start_time_seconds", "gauge",
                           "Start time of the process since the Unix epoch in seconds.",
                           [start] { return One(start); });
  metrics.AddSampledFamily("process_cpu_seconds_total", "counter",
                           "Total user and system CPU time spent in seconds.", [ticks] {
                             auto fields = StatFields();
                             auto user = StatField(fields, 14);
                             auto system = StatField(fields, 15);
                             if (!user || !system || ticks <= 0) return Samples{};
                             return Samples{{"", (*user + *system) / ticks}};
                           });
  auto statm = [page](int index) -> std::optional<double> {
    std::ifstream in("/proc/self/statm");
    double size = 0, resident = 0;
    if (!(in >> size >> resident)) return std::nullopt;
    return (index == 0 ? size : resident) * page;
  };
  metrics.AddSampledFamily("process_resident_memory_bytes", "gauge",
                           "Resident memory size in bytes.", [statm] { return One(statm(1)); });
  metrics.AddSampledFamily("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
                           [statm] { return One(statm(0)); });
  metrics.AddSampledFamily("process_open_fds", "gauge", "Number of open file descriptors.", [] {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return Samples{};
    double n = 0;
    while (const dirent* e = ::readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
    return Samples{{"", n - 1}};  // less the directory's own descriptor
  });
  metrics.AddSampledFamily("process_max_fds", "gauge", "Maximum number of open file descriptors.",
                           [] {
                             rlimit r{};
                             if (::getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
                               return Samples{};
                             return Samples{{"", static_cast<double>(r.rlim_cur)}};
                           });
}

void AddOperationsMetrics(Metrics& metrics, const std::string& checkpoint_file,
                          store::CaseStore& cases, const Clock& clock) {
  metrics.AddSampledFamily(
      "vhgate_build_info", "gauge", "The gateway's version and git commit; always 1.", [] {
        return Samples{
            {"version=\"" + Quoted(BuildVersion()) + "\",commit=\"" + Quoted(BuildCommit()) + "\"",
             1}};
      });
  AddProcessMetrics(metrics);

  const Clock* c = &clock;
  metrics.AddSampledFamily(
      "vhgate_audit_last_checkpoint_age_seconds", "gauge",
      "Seconds since the audit log last signed a checkpoint (absent before the first).",
      [checkpoint_file, c] {
        struct stat st {};
        if (::stat(checkpoint_file.c_str(), &st) != 0 || st.st_size == 0) return Samples{};
        double modified = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec / 1e9;
        double now = std::chrono::duration<double>(c->Now().time_since_epoch()).count();
        return Samples{{"", now > modified ? now - modified : 0}};
      });

  // Counted at most every kOpenRequestsCacheTtl: a scrape never waits on more
  // than one query, and a busy scraper costs the store nothing more.
  struct Cache {
    std::mutex mu;
    std::chrono::steady_clock::time_point at{};
    bool valid = false;
    store::CaseStore::AwaitingCounts counts;
  };
  auto cache = std::make_shared<Cache>();
  store::CaseStore* store = &cases;
  metrics.AddSampledFamily(
      "vhgate_requests_open", "gauge",
      "Information requests of open meetings awaiting an answer, by status (open, overdue, "
      "failed).",
      [cache, store, c] {
        std::lock_guard<std::mutex> lock(cache->mu);
        auto now = std::chrono::steady_clock::now();
        if (!cache->valid || now - cache->at >= kOpenRequestsCacheTtl) {
          auto counted = store->CountAwaitingRequests(FormatUtc(c->Now()));
          if (!counted.ok()) return Samples{};  // the store names its failure elsewhere
          cache->counts = *counted;
          cache->at = now;
          cache->valid = true;
        }
        const auto& n = cache->counts;
        return Samples{{"status=\"open\"", static_cast<double>(n.open)},
                       {"status=\"overdue\"", static_cast<double>(n.overdue)},
                       {"status=\"failed\"", static_cast<double>(n.failed)}};
      });

  // The adapters' counters (adapters/adapter_metrics.h), mirrored into Metrics.
  metrics.Describe("vhgate_adapter_pull_total",
                   "https-pull requests handled, by partner and outcome (answered, declined, "
                   "failed, rejected).");
  metrics.Describe("vhgate_adapter_pull_failures_total",
                   "https-pull attempts that failed, by partner and reason.");
  metrics.Describe("vhgate_adapter_pull_attempts_total",
                   "https-pull attempts (retries included), by partner.");
  metrics.Describe("vhgate_adapter_files_total",
                   "file-drop files handled, by partner and outcome (imported, rejected, "
                   "duplicate).");
  metrics.Describe("vhgate_adapter_fields_total",
                   "Answer fields that adapters delivered, by partner and outcome (accepted, "
                   "withheld).");
}

}  // namespace vh::gw
