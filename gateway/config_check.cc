#include "gateway/config_check.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "adapters/adapter_config.h"
#include "audit/audit_keys.h"
#include "core/config.h"
#include "core/json.h"
#include "core/limits.h"
#include "crypto/key_file.h"
#include "crypto/keyring.h"
#include "crypto/primitives.h"
#include "gateway/json_schema.h"
#include "gateway/tls_context.h"
#include "policy/covenant.h"
#include "policy/loader.h"

namespace vh::gw {
namespace {

namespace fs = std::filesystem;

// The problem lines, each once. A place ("FILE: /pointer") that a line names
// is remembered: a loader's first problem (Fallback) is left out when an
// earlier step named its place already.
class Problems {
 public:
  void Add(const std::string& file, const std::string& pointer, const std::string& reason) {
    Raw(file + ": " + (pointer.empty() ? "/" : pointer) + ": " + reason);
  }
  // A line made elsewhere ("FILE: /pointer: reason" or "FILE:L:C: reason").
  void Raw(const std::string& line) {
    places_.insert(PlaceOf(line));
    if (std::find(lines_.begin(), lines_.end(), line) == lines_.end()) lines_.push_back(line);
  }
  void Fallback(const std::string& line) {
    if (places_.count(PlaceOf(line)) == 0) Raw(line);
  }
  bool Has(const std::string& file, const std::string& pointer_prefix) const {
    std::string prefix = file + ": " + pointer_prefix;
    for (const std::string& place : places_) {
      if (place.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }
  std::vector<std::string> Take() { return std::move(lines_); }

 private:
  static std::string PlaceOf(const std::string& line) {
    auto first = line.find(": /");
    if (first == std::string::npos) return line;
    return line.substr(0, line.find(": ", first + 2));
  }
  std::set<std::string> places_;
  std::vector<std::string> lines_;
};

std::string Errno(int err) { return std::strerror(err); }

// "" when `path` is a regular file this process can read; else why not.
std::string Unreadable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "cannot read: " + Errno(errno);
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "cannot read: " + Errno(errno);
  ::close(fd);
  return "";
}

// A private key's mode: "" unless others may read or write it.
std::string OpenToOthers(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 007) != 0) {
    return "a private key readable or writable by others (chmod o-rwx)";
  }
  return "";
}

// "" when `dir` is a directory this process can write into, or missing with
// a nearest existing parent it can write into (it is created at start).
std::string NotWritableDir(const std::string& dir) {
  std::error_code ec;
  fs::path p(dir);
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec)) return "not a directory";
    if (::access(dir.c_str(), W_OK | X_OK) != 0) return "not writable by this user";
    return "";
  }
  for (fs::path parent = p.parent_path(); !parent.empty(); parent = parent.parent_path()) {
    if (fs::exists(parent, ec)) {
      if (::access(parent.c_str(), W_OK | X_OK) != 0) {
        return "missing, and " + parent.string() + " is not writable by this user to create it";
      }
      return "";
    }
    if (parent == parent.root_path()) break;
  }
  return "";
}

bool IsAddress(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return host == "localhost" || ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string Resolve(const std::string& dir, const std::string& p) {
  fs::path fp(p);
  return (fp.is_absolute() ? fp : fs::path(dir) / fp).lexically_normal().string();
}

// A Config from a document that may not pass LoadConfig: the paths that are
// strings, resolved; everything else left empty.
Config LenientConfig(const std::string& path, const Json& j) {
  Config c;
  c.file = path;
  c.dir = fs::absolute(fs::path(path)).parent_path().lexically_normal().string();
  c.raw = j;
  auto str = [&](const Json& obj, const char* key) -> std::string {
    if (!obj.is_object()) return "";
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return "";
    }
    return Resolve(c.dir, it->get<std::string>());
  };
  c.policy = str(j, "policy");
  c.data_dir = str(j, "data_dir");
  c.keys_dir = str(j, "keys_dir");
  const Json& tls = j.contains("tls") ? j["tls"] : Json();
  c.tls = {str(tls, "cert"), str(tls, "key"), str(tls, "client_ca"), str(tls, "crl")};
  if (j.contains("adapters") && j["adapters"].is_array()) c.adapters = j["adapters"];
  return c;
}

// Parses `path` for a check: nullopt (with the problem added) when unreadable
// or not JSON; syntax errors as "FILE:LINE:COLUMN: reason".
std::optional<Json> ParseFile(const std::string& path, const std::string& text, Problems& out) {
  JsonLimits lim;
  lim.max_bytes = text.size() + 1;
  lim.allow_comments = true;
  auto doc = ParseJson(text, lim);
  if (doc.ok()) return *doc;
  if (auto where = LocateJsonSyntaxError(path, text, lim)) {
    out.Raw(*where);
    return std::nullopt;
  }
  out.Add(path, "", doc.status().message());
  return std::nullopt;
}

void CheckTls(const Config& c, Problems& out, std::size_t* files) {
  struct Item {
    const char* key;
    const char* pointer;
    const std::string& path;
    bool secret;
  };
  const Item items[] = {{"tls.cert", "/tls/cert", c.tls.cert, false},
                        {"tls.key", "/tls/key", c.tls.key, true},
                        {"tls.client_ca", "/tls/client_ca", c.tls.client_ca, false},
                        {"tls.crl", "/tls/crl", c.tls.crl, false}};
  bool all = true;
  for (const Item& item : items) {
    if (item.path.empty()) {
      all = false;  // the schema named it
      continue;
    }
    std::string why = Unreadable(item.path);
    if (why.empty() && item.secret) why = OpenToOthers(item.path);
    if (!why.empty()) {
      // The key name and path as the TLS layer names them ("tls.crl /x/crl.pem").
      out.Raw(c.file + ": " + item.key + " " + item.path + ": " + why);
      all = false;
    } else {
      ++*files;
    }
  }
  if (!all) return;
  auto ctx = ServerTlsContext::Create(c.tls, [](const std::string&) { return std::nullopt; });
  if (!ctx.ok()) out.Raw(c.file + ": " + ctx.status().message());
}

void CheckKeys(const Config& c, Problems& out, std::size_t* files) {
  if (c.keys_dir.empty()) return;
  const std::string init = "`vhgate keys init --config " + c.file + "` creates it";
  struct stat st {};
  if (::stat(c.keys_dir.c_str(), &st) != 0) {
    out.Add(c.file, "/keys_dir",
            c.keys_dir + ": " + Errno(errno) + " (" + init + " with the keys in it)");
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    out.Add(c.file, "/keys_dir", c.keys_dir + ": not a directory");
    return;
  }
  if ((st.st_mode & 077) != 0) {
    out.Add(c.file, "/keys_dir", c.keys_dir + ": accessible by group or others (chmod 700)");
  }
  auto path_of = [&](const char* name) { return crypto::KeyFilePath(c.keys_dir, name); };
  auto exists = [](const std::string& p) {
    struct stat s {};
    return ::lstat(p.c_str(), &s) == 0;
  };
  auto key = [&](const char* name, std::size_t len) {
    std::string p = path_of(name);
    if (!exists(p)) {
      out.Add(c.file, "/keys_dir", p + ": missing (" + init + ")");
      return;
    }
    auto loaded = crypto::LoadKeyFile(p, len);  // wiped when dropped
    if (!loaded.ok()) {
      out.Add(c.file, "/keys_dir", loaded.status().message());
    } else {
      ++*files;
    }
  };
  // The audit store key: a key file, or Argon2id parameters and a passphrase file.
  std::string store = path_of(crypto::kAuditStoreKeyFile);
  std::string kdf = path_of(crypto::kAuditStoreKdfFile);
  if (!exists(store) && exists(kdf)) {
    std::string passphrase = audit::PassphraseFilePath(c);
    if (passphrase.empty()) {
      out.Add(c.file, "/audit/store_passphrase_file",
              kdf +
                  ": the audit store key is derived from a passphrase, but neither "
                  "VH_AUDIT_PASSPHRASE_FILE nor audit.store_passphrase_file names its file");
    } else if (auto read = crypto::ReadSecretFile(passphrase, 4096); !read.ok()) {
      out.Add(c.file, "/audit/store_passphrase_file", read.status().message());
    } else {
      ++*files;
    }
  } else {
    key(crypto::kAuditStoreKeyFile, crypto::kKeyBytes);
  }
  key(crypto::kAuditSignKeyFile, crypto::kSignSecretBytes);
  std::string pub = path_of(crypto::kAuditSignPubFile);
  if (!exists(pub)) {
    out.Add(c.file, "/keys_dir", pub + ": missing (" + init + ")");
  } else if (auto loaded = audit::LoadSignPublicKey(c.keys_dir); !loaded.ok()) {
    out.Add(c.file, "/keys_dir", loaded.status().message());
  } else {
    ++*files;
  }
  key(crypto::kPseudonymKeyFile, crypto::kKeyBytes);
  key(crypto::kCaseStoreKeyFile, crypto::kKeyBytes);
}

std::shared_ptr<const policy::Covenant> CheckCovenant(const Config& c, Problems& out) {
  if (c.policy.empty()) return nullptr;
  auto text = ReadFile(c.policy, limits::kMaxCovenantBytes);
  if (!text.ok()) {
    out.Add(c.file, "/policy", text.status().message());
    return nullptr;
  }
  std::optional<Json> doc = ParseFile(c.policy, *text, out);
  if (!doc) return nullptr;
  // Structure from docs/schemas/covenant.schema.json; the loader adds what
  // only code can check (references, groups, dates), at places the schema
  // did not name already.
  for (const SchemaProblem& p : ValidateCovenant(*doc)) out.Add(c.policy, p.pointer, p.reason);
  std::vector<std::string> lines;
  auto covenant = policy::LoadCovenantText(*text, c.policy, &lines);
  for (const std::string& line : lines) out.Fallback(line);
  return covenant.ok() ? *covenant : nullptr;
}

void CheckAdapters(const Config& c, const policy::Covenant* covenant, Problems& out,
                   std::size_t* count) {
  if (out.Has(c.file, "/adapters")) return;  // the schema found its structure wrong
  auto parsed = adapters::ParseAdapterConfigs(c.adapters, c.file, c.dir);
  if (!parsed.ok()) {
    out.Fallback(parsed.status().message());
    return;
  }
  *count = parsed->size();
  for (const adapters::AdapterConfig& a : *parsed) {
    const std::string& p = a.pointer;
    if (covenant) {
      if (covenant->FindPartner(a.partner) == nullptr) {
        out.Add(c.file, p + "/partner", "'" + a.partner + "' is not a partner in the covenant");
      }
      for (const auto& [name, target] : a.mapping.entries()) {
        if (adapters::IsSpecialTarget(target)) continue;
        std::string field = target.substr(0, target.find('/'));
        const policy::Field* f = covenant->FindField(field);
        if (f == nullptr) {
          out.Add(c.file, p + "/mapping/" + policy::JsonPointerToken(name),
                  "'" + field + "' is not a covenant field");
        } else if (field != target && f->type != policy::FieldType::kAddress) {
          out.Add(c.file, p + "/mapping/" + policy::JsonPointerToken(name),
                  "'" + field + "' is not an address field");
        }
      }
      if (a.kind == adapters::AdapterKind::kFileDrop &&
          covenant->FindField(a.drop.match) == nullptr) {
        out.Add(c.file, p + "/match", "'" + a.drop.match + "' is not a covenant field");
      }
    }
    if (a.kind == adapters::AdapterKind::kHttpsPull) {
      for (auto [key, path, secret] :
           {std::tuple{"ca", &a.pull.ca, false}, std::tuple{"cert", &a.pull.cert, false},
            std::tuple{"key", &a.pull.key, true}}) {
        std::string why = Unreadable(*path);
        if (why.empty() && secret) why = OpenToOthers(*path);
        if (!why.empty()) out.Add(c.file, p + "/" + key, *path + ": " + why);
      }
    } else if (std::string why = NotWritableDir(a.drop.dir); !why.empty()) {
      out.Add(c.file, p + "/dir", a.drop.dir + ": " + why);
    }
  }
}

}  // namespace

ConfigCheckResult CheckConfigFile(const std::string& path) {
  ConfigCheckResult result;
  Problems out;
  auto text = ReadFile(path, 1 << 20);
  if (!text.ok()) {
    result.problems = {text.status().message()};
    return result;
  }
  std::optional<Json> doc = ParseFile(path, *text, out);
  if (!doc) {
    result.problems = out.Take();
    return result;
  }
  // 2. Structure.
  for (const SchemaProblem& p : ValidateGatewayConfig(*doc)) out.Add(path, p.pointer, p.reason);
  // 3. Values.
  for (const char* key : {"listen", "metrics_listen"}) {
    if (doc->is_object() && doc->contains(key) && (*doc)[key].is_string()) {
      if (auto hp = ParseHostPort((*doc)[key].get<std::string>()); !hp.ok()) {
        out.Add(path, std::string("/") + key, hp.status().message());
      } else if (!IsAddress(hp->host)) {
        // The listeners bind an address, never resolve a name (gateway/server.cc).
        out.Add(path, std::string("/") + key,
                "expected an IP address or localhost before the port");
      }
    }
  }
  Config config;
  if (auto loaded = LoadConfig(path); loaded.ok()) {
    config = std::move(*loaded);
  } else {
    out.Fallback(loaded.status().message());  // unless a place above named it
    config = LenientConfig(path, doc->is_object() ? *doc : Json::object());
  }
  // 4. Files, 5. the covenant, and the adapters against it.
  std::size_t tls_files = 0, key_files = 0, adapter_count = 0;
  CheckTls(config, out, &tls_files);
  if (Status s = crypto::InitCrypto(); !s.ok()) out.Add(path, "", s.message());
  CheckKeys(config, out, &key_files);
  if (!config.data_dir.empty()) {
    if (std::string why = NotWritableDir(config.data_dir); !why.empty()) {
      out.Add(path, "/data_dir", config.data_dir + ": " + why);
    }
  }
  auto covenant = CheckCovenant(config, out);
  CheckAdapters(config, covenant.get(), out, &adapter_count);

  result.problems = out.Take();
  result.summary = "configuration " + path;
  if (covenant) {
    result.summary += ", covenant " + covenant->id() + " " + covenant->version() + " (" +
                      std::to_string(covenant->partners().size()) + " partners)";
  }
  result.summary += ", " + std::to_string(tls_files) + " TLS files, " + std::to_string(key_files) +
                    " key files, " + std::to_string(adapter_count) + " adapter" +
                    (adapter_count == 1 ? "" : "s");
  return result;
}

}  // namespace vh::gw
