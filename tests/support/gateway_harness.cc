#include "tests/support/gateway_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/openapi_check.h"

namespace vh::testing {
namespace fs = std::filesystem;

namespace {
std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

Json HttpResult::json() const {
  Json j = Json::parse(body, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

std::string GatewayHarness::SourceDir() { return Env("VH_SOURCE_DIR", VH_TEST_SOURCE_DIR); }
std::string GatewayHarness::BuildDir() { return Env("VH_BUILD_DIR", VH_TEST_BUILD_DIR); }
std::string GatewayHarness::CertsDir() { return Env("VH_CERTS_DIR", SourceDir() + "/build/certs"); }

int RunCommand(const std::vector<std::string>& argv, std::string* out, std::string* err,
               const std::string& input) {
  char out_tmpl[] = "/tmp/vh_cmd_out_XXXXXX";
  char err_tmpl[] = "/tmp/vh_cmd_err_XXXXXX";
  char in_tmpl[] = "/tmp/vh_cmd_in_XXXXXX";
  int out_fd = ::mkstemp(out_tmpl);
  int err_fd = ::mkstemp(err_tmpl);
  int in_fd = ::mkstemp(in_tmpl);
  if (!input.empty()) {
    (void)!::write(in_fd, input.data(), input.size());
    ::lseek(in_fd, 0, SEEK_SET);
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out_fd);
  ::close(err_fd);
  ::close(in_fd);
  if (out) *out = ReadAll(out_tmpl);
  if (err) *err = ReadAll(err_tmpl);
  ::unlink(out_tmpl);
  ::unlink(err_tmpl);
  ::unlink(in_tmpl);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int64_t MetricValue(const std::string& metrics, const std::string& series) {
  auto pos = ("\n" + metrics).find("\n" + series + " ");
  if (pos == std::string::npos) return 0;
  return std::atoll(metrics.c_str() + pos + series.size() + 1);
}

GatewayHarness::GatewayHarness(HarnessOptions options) : options_(std::move(options)) {
  static int counter = 0;
  dir_ = (fs::temp_directory_path() /
          ("vh_gw_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
             .string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  certs_ = CertsDir();
  binary_ = BuildDir() + (options_.test_clock ? "/vhgate-test" : "/vhgate");
  if (options_.test_clock) {
    // Inherited by the gateway and every RunCli of this test process.
    ::setenv("VH_TEST_CLOCK_FILE", (dir_ + "/clock-offset").c_str(), 1);
  }
  std::string covenant =
      options_.covenant.empty() ? SourceDir() + "/examples/convenant.json" : options_.covenant;
  config_ = {{"listen", "127.0.0.1:0"},
             {"metrics_listen", "127.0.0.1:0"},
             {"policy", covenant},
             {"data_dir", dir_ + "/data"},
             {"keys_dir", dir_ + "/keys"},
             {"tls",
              {{"cert", certs_ + "/server.crt"},
               {"key", certs_ + "/server.key"},
               {"client_ca", certs_ + "/ca.crt"},
               {"crl", certs_ + "/crl.pem"}}}};
  WriteConfig(options_.config_patch);
  if (options_.init_keys) {
    std::string out, err;
    RunCli({"keys", "init"}, &out, &err);  // absent in early builds: ignored
  }
  if (options_.start) Start();
}

void GatewayHarness::AdvanceClock(std::chrono::seconds d) {
  clock_offset_ += d;
  const std::string tmp = dir_ + "/clock-offset.tmp";
  std::ofstream(tmp) << clock_offset_.count() << "\n";
  fs::rename(tmp, dir_ + "/clock-offset");
  // The gateway reads the file at most every 100 ms.
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
}

void GatewayHarness::WriteConfig(const Json& patch) {
  config_.merge_patch(patch);
  std::ofstream(config_path()) << config_.dump(2);
}

GatewayHarness::~GatewayHarness() {
  if (pid_ > 0) Kill();
  if (Env("VH_KEEP_TMP", "") != "1") {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

bool GatewayHarness::Start(std::string* error) {
  int log_fd = ::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  std::size_t log_start = static_cast<std::size_t>(::lseek(log_fd, 0, SEEK_END));
  pid_ = ::fork();
  if (pid_ == 0) {
    // The child dies with the test: a crashed test leaves no server holding ctest's pipes.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(log_fd, 2);
    std::string cfg = config_path();
    ::execl(binary_.c_str(), binary_.c_str(), "serve", "--config", cfg.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(log_fd);
  static const std::regex kListen(
      R"re("listen":"127\.0\.0\.1:(\d+)","metrics_listen":"127\.0\.0\.1:(\d+)")re");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log = ReadAll(log_path()).substr(log_start);
    std::smatch m;
    if (std::regex_search(log, m, kListen)) {
      port_ = std::stoi(m[1]);
      metrics_port_ = std::stoi(m[2]);
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (error) *error = log;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (error) *error = "gateway did not report listening within 30 s:\n" + Log();
  Kill();
  return false;
}

bool GatewayHarness::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int GatewayHarness::Stop(int sig, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  return -1;
}

bool GatewayHarness::Signal(int sig) {
  if (!Running()) return false;
  return ::kill(pid_, sig) == 0;
}

void GatewayHarness::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string GatewayHarness::Log() const { return ReadAll(log_path()); }

HttpResult GatewayHarness::Call(const std::string& identity, const std::string& method,
                                const std::string& path, const std::string& body,
                                const std::vector<std::string>& extra) {
  static int n = 0;
  std::string body_file = dir_ + "/resp_" + std::to_string(n) + ".body";
  std::string head_file = dir_ + "/resp_" + std::to_string(n++) + ".head";
  std::vector<std::string> argv = {"curl",
                                   "-s",
                                   "-S",
                                   "--max-time",
                                   "60",
                                   "-o",
                                   body_file,
                                   "-D",
                                   head_file,
                                   "-w",
                                   "%{http_code}",
                                   "--cacert",
                                   certs_ + "/ca.crt",
                                   "-X",
                                   method};
  if (!identity.empty()) {
    argv.insert(argv.end(), {"--cert", certs_ + "/" + identity + ".crt", "--key",
                             certs_ + "/" + identity + ".key"});
  }
  if (!body.empty() || method == "POST" || method == "PUT") {
    argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary", "@-"});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("https://localhost:" + std::to_string(port_) + path);
  HttpResult r;
  std::string out, err;
  r.curl_exit = RunCommand(argv, &out, &err, body);
  r.status = std::atoi(out.c_str());
  r.body = ReadAll(body_file);
  r.headers = ReadAll(head_file);
  ::unlink(body_file.c_str());
  ::unlink(head_file.c_str());
  ExpectMatchesDescription(method, path, r);
  return r;
}

std::string GatewayHarness::Metrics() {
  std::string out, err;
  RunCommand({"curl", "-s", "--max-time", "10",
              "http://127.0.0.1:" + std::to_string(metrics_port_) + "/metrics"},
             &out, &err);
  return out;
}

int GatewayHarness::RunCli(const std::vector<std::string>& args, std::string* out, std::string* err,
                           bool with_config) {
  std::vector<std::string> argv = {binary_};
  argv.insert(argv.end(), args.begin(), args.end());
  if (with_config) argv.insert(argv.end(), {"--config", config_path()});
  return RunCommand(argv, out, err);
}

}  // namespace vh::testing
