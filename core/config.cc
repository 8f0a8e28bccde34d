#include "core/config.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/log.h"

namespace vh {
namespace fs = std::filesystem;

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return Status::NotFound(path + ": cannot read: " + ec.message());
  if (size > max_bytes)
    return Status::TooLarge(path + ": larger than " + std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::vector<std::string>& ConfigKeys(std::string_view section) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> kKeys = {
      {"",
       {"$schema", "comment", "listen", "metrics_listen", "policy", "data_dir", "keys_dir", "tls",
        "threads", "audit", "retention", "limits", "adapters", "console_dir", "log"}},
      {"tls", {"cert", "key", "client_ca", "crl"}},
      {"audit", {"checkpoint_every", "checkpoint_seconds", "store_passphrase_file"}},
      {"retention", {"sweep_seconds"}},
      {"limits",
       {"read_timeout_ms", "write_timeout_ms", "handshake_timeout_ms", "max_connections",
        "max_connections_per_address", "handler_threads"}},
      {"log", {"level"}},
  };
  static const std::vector<std::string> kNone;
  auto it = kKeys.find(section);
  return it == kKeys.end() ? kNone : it->second;
}

namespace {

std::string OctalMode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// Takes group and other permissions off the directory `fd` (named `path`)
// and, `depth` levels down, off what is in it. Symbolic links are left alone.
void TightenTree(int fd, const std::string& path, int depth) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return;
  if ((st.st_mode & 077) != 0) {
    if (::fchmod(fd, st.st_mode & 07700) == 0) {
      LogWarn(
          "data_permissions_tightened",
          {{"path", path}, {"was", OctalMode(st.st_mode)}, {"now", OctalMode(st.st_mode & 07700)}});
    }
  }
  if (depth == 0 || !S_ISDIR(st.st_mode)) return;
  int dup = ::dup(fd);
  DIR* dir = dup < 0 ? nullptr : ::fdopendir(dup);
  if (dir == nullptr) {
    if (dup >= 0) ::close(dup);
    return;
  }
  while (dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat es {};
    if (::fstatat(fd, name.c_str(), &es, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(es.st_mode) && !S_ISDIR(es.st_mode)) continue;
    int child = ::openat(fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (child < 0) continue;
    TightenTree(child, path + "/" + name, depth - 1);
    ::close(child);
  }
  ::closedir(dir);
}

}  // namespace

Status SecureDataDir(const std::string& data_dir) {
  std::error_code ec;
  fs::path dir(data_dir);
  if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
  if (::mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::Unavailable(
        "bad_config", data_dir + ": cannot create data directory: " + std::strerror(errno));
  }
  // The configured path itself may be a link the operator made; inside it
  // nothing is followed.
  int fd = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Unavailable("bad_config",
                               data_dir + ": not a directory: " + std::strerror(errno));
  }
  TightenTree(fd, data_dir, 2);
  ::close(fd);
  return Status::Ok();
}

Result<HostPort> ParseHostPort(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("bad_config", "expected \"host:port\"");
  }
  HostPort hp;
  hp.host = s.substr(0, colon);
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  std::string port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("bad_config", "port is not a number");
  }
  long p = std::stol(port);
  if (p > 65535) return Status::InvalidArgument("bad_config", "port out of range");
  hp.port = static_cast<uint16_t>(p);
  return hp;
}

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadFile(path, 1 << 20);
  if (!text.ok()) return text.status();
  JsonLimits lim;
  lim.max_bytes = 1 << 20;
  lim.allow_comments = true;
  auto doc = ParseJson(*text, lim);
  auto bad = [&](const std::string& ptr, const std::string& why) {
    return Status::InvalidArgument("bad_config", path + ": " + ptr + ": " + why);
  };
  if (!doc.ok()) {
    // "gateway.json:12:5: unexpected string literal; expected ',' or '}'"
    if (auto where = LocateJsonSyntaxError(path, *text, lim)) {
      return Status::InvalidArgument("bad_config", *where);
    }
    return bad("", doc.status().message());
  }
  const Json& j = *doc;
  if (!j.is_object()) return bad("", "expected an object");

  Config c;
  c.file = path;
  c.dir = fs::absolute(fs::path(path)).parent_path().lexically_normal().string();
  c.raw = j;
  auto resolve = [&](const std::string& p) {
    fs::path fp(p);
    return (fp.is_absolute() ? fp : fs::path(c.dir) / fp).lexically_normal().string();
  };
  // The keys of one object; a key not in ConfigKeys(section) is a problem.
  auto check_keys = [&](const Json& obj, const std::string& section) -> Status {
    const std::vector<std::string>& known = ConfigKeys(section);
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
        return bad(section.empty() ? "/" + it.key() : "/" + section + "/" + it.key(),
                   "unknown key");
      }
    }
    return Status::Ok();
  };
  VH_RETURN_IF_ERROR(check_keys(j, ""));
  auto str = [&](const Json& obj, const std::string& key, const std::string& ptr,
                 std::string* out) -> Status {
    if (!obj.contains(key)) return bad(ptr, "missing");
    if (!obj[key].is_string() || obj[key].get<std::string>().empty()) {
      return bad(ptr, "expected a non-empty string");
    }
    *out = obj[key].get<std::string>();
    return Status::Ok();
  };
  std::string listen, metrics;
  VH_RETURN_IF_ERROR(str(j, "listen", "/listen", &listen));
  VH_RETURN_IF_ERROR(str(j, "metrics_listen", "/metrics_listen", &metrics));
  auto hp = ParseHostPort(listen);
  if (!hp.ok()) return bad("/listen", hp.status().message());
  c.listen = *hp;
  hp = ParseHostPort(metrics);
  if (!hp.ok()) return bad("/metrics_listen", hp.status().message());
  c.metrics_listen = *hp;
  auto any = [](const std::string& host) { return host == "0.0.0.0" || host == "::"; };
  if (c.listen.port != 0 && c.listen.port == c.metrics_listen.port &&
      (c.listen.host == c.metrics_listen.host || any(c.listen.host) ||
       any(c.metrics_listen.host))) {
    return bad("/metrics_listen",
               "the same address and port as listen (give it a port of its own)");
  }
  VH_RETURN_IF_ERROR(str(j, "policy", "/policy", &c.policy));
  VH_RETURN_IF_ERROR(str(j, "data_dir", "/data_dir", &c.data_dir));
  VH_RETURN_IF_ERROR(str(j, "keys_dir", "/keys_dir", &c.keys_dir));
  c.policy = resolve(c.policy);
  c.data_dir = resolve(c.data_dir);
  c.keys_dir = resolve(c.keys_dir);
  if (!j.contains("tls")) return bad("/tls", "missing");
  const Json& tls = j["tls"];
  if (!tls.is_object()) return bad("/tls", "expected an object");
  VH_RETURN_IF_ERROR(check_keys(tls, "tls"));
  VH_RETURN_IF_ERROR(str(tls, "cert", "/tls/cert", &c.tls.cert));
  VH_RETURN_IF_ERROR(str(tls, "key", "/tls/key", &c.tls.key));
  VH_RETURN_IF_ERROR(str(tls, "client_ca", "/tls/client_ca", &c.tls.client_ca));
  VH_RETURN_IF_ERROR(str(tls, "crl", "/tls/crl", &c.tls.crl));
  c.tls.cert = resolve(c.tls.cert);
  c.tls.key = resolve(c.tls.key);
  c.tls.client_ca = resolve(c.tls.client_ca);
  c.tls.crl = resolve(c.tls.crl);

  auto positive_int = [&](const Json& obj, const char* key, const std::string& ptr, int* out,
                          int min) -> Status {
    if (!obj.contains(key)) return Status::Ok();
    if (!obj[key].is_number_integer() || obj[key].get<long long>() < min ||
        obj[key].get<long long>() > 1000000000) {
      return bad(ptr, "expected an integer >= " + std::to_string(min));
    }
    *out = obj[key].get<int>();
    return Status::Ok();
  };
  VH_RETURN_IF_ERROR(positive_int(j, "threads", "/threads", &c.threads, 0));
  if (j.contains("audit")) {
    const Json& a = j["audit"];
    if (!a.is_object()) return bad("/audit", "expected an object");
    VH_RETURN_IF_ERROR(check_keys(a, "audit"));
    // Read by audit/audit_keys.cc (relative to the config file).
    if (a.contains("store_passphrase_file") &&
        (!a["store_passphrase_file"].is_string() ||
         a["store_passphrase_file"].get<std::string>().empty())) {
      return bad("/audit/store_passphrase_file", "expected a file name");
    }
    VH_RETURN_IF_ERROR(positive_int(a, "checkpoint_every", "/audit/checkpoint_every",
                                    &c.audit_checkpoint_every, 1));
    VH_RETURN_IF_ERROR(positive_int(a, "checkpoint_seconds", "/audit/checkpoint_seconds",
                                    &c.audit_checkpoint_seconds, 1));
  }
  if (j.contains("retention")) {
    const Json& r = j["retention"];
    if (!r.is_object()) return bad("/retention", "expected an object");
    VH_RETURN_IF_ERROR(check_keys(r, "retention"));
    VH_RETURN_IF_ERROR(positive_int(r, "sweep_seconds", "/retention/sweep_seconds",
                                    &c.retention_sweep_seconds, 1));
  }
  if (j.contains("limits")) {
    const Json& l = j["limits"];
    if (!l.is_object()) return bad("/limits", "expected an object");
    VH_RETURN_IF_ERROR(check_keys(l, "limits"));
    VH_RETURN_IF_ERROR(
        positive_int(l, "read_timeout_ms", "/limits/read_timeout_ms", &c.read_timeout_ms, 100));
    VH_RETURN_IF_ERROR(
        positive_int(l, "write_timeout_ms", "/limits/write_timeout_ms", &c.write_timeout_ms, 100));
    VH_RETURN_IF_ERROR(positive_int(l, "handshake_timeout_ms", "/limits/handshake_timeout_ms",
                                    &c.handshake_timeout_ms, 100));
    VH_RETURN_IF_ERROR(
        positive_int(l, "max_connections", "/limits/max_connections", &c.max_connections, 1));
    VH_RETURN_IF_ERROR(positive_int(l, "max_connections_per_address",
                                    "/limits/max_connections_per_address",
                                    &c.max_connections_per_address, 1));
    VH_RETURN_IF_ERROR(
        positive_int(l, "handler_threads", "/limits/handler_threads", &c.handler_threads, 1));
  }
  if (j.contains("console_dir")) {
    // The web console's files (gateway/console_assets.h); absent: found
    // beside the binary or in the source tree.
    VH_RETURN_IF_ERROR(str(j, "console_dir", "/console_dir", &c.console_dir));
    c.console_dir = resolve(c.console_dir);
  }
  if (j.contains("log")) {
    const Json& l = j["log"];
    if (!l.is_object()) return bad("/log", "expected an object");
    VH_RETURN_IF_ERROR(check_keys(l, "log"));
    if (l.contains("level")) {
      auto level =
          l["level"].is_string() ? ParseLogLevel(l["level"].get<std::string>()) : std::nullopt;
      if (!level) return bad("/log/level", "expected \"debug\", \"info\", \"warn\" or \"error\"");
      c.log_level = *level;
    }
  }
  if (j.contains("adapters")) {
    if (!j["adapters"].is_array()) return bad("/adapters", "expected an array");
    c.adapters = j["adapters"];
  }
  return c;
}

}  // namespace vh
