#include "tests/adapters/test_util.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace vh::adapters::testing {
namespace fs = std::filesystem;

namespace {
std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}
}  // namespace

std::string SourceDir() { return Env("VH_SOURCE_DIR", "/work/main"); }
std::string BuildDir() { return Env("VH_BUILD_DIR", SourceDir() + "/build"); }
std::string CertsDir() { return Env("VH_CERTS_DIR", SourceDir() + "/build/certs"); }

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "vh-adapters-XXXXXX").string();
  char* p = mkdtemp(tmpl.data());
  path_ = p != nullptr ? p : tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (std::getenv("VH_KEEP_TMP") == nullptr) fs::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(it->path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string PartnerProcess::Log() const { return ReadAll(dir_.File("partner.log")); }

PartnerProcess::PartnerProcess(const std::vector<std::string>& args) {
  std::string port_file = dir_.File("port");
  std::vector<std::string> argv = {BuildDir() + "/vhgate-partner", "--listen", "127.0.0.1:0",
                                   "--port-file", port_file};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ == 0) {
    // The child dies with the test: a crashed test leaves no server holding ctest's pipes.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int log_fd = ::open(dir_.File("partner.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log_fd >= 0) ::dup2(log_fd, 2);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string p = ReadAll(port_file);
    if (!p.empty()) {
      port_ = std::atoi(p.c_str());
      break;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

PartnerProcess::~PartnerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string PartnerProcess::url() const {
  return "https://127.0.0.1:" + std::to_string(port_) + "/vhgate/answer";
}

std::string CertFingerprint(const std::string& pem_file) {
  std::string out;
  const std::string cmd = "openssl x509 -noout -fingerprint -sha256 -in '" + pem_file + "'";
  if (std::FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  auto eq = out.find('=');
  out = eq == std::string::npos ? "" : out.substr(eq + 1);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  // Kept bound (never listening) for the rest of the test process: a
  // connection is refused, and no other process takes the port meanwhile.
  return ntohs(a.sin_port);
}

}  // namespace vh::adapters::testing
