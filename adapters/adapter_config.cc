#include "adapters/adapter_config.h"

#include <cctype>
#include <filesystem>
#include <set>

namespace vh::adapters {
namespace {

namespace fs = std::filesystem;

class Checker {
 public:
  Checker(const std::string& file, const std::string& base) : file_(file), base_(base) {}

  Status Bad(const std::string& ptr, const std::string& why) const {
    return Status::InvalidArgument("bad_config", file_ + ": " + ptr + ": " + why);
  }

  Status String(const Json& obj, const std::string& key, const std::string& ptr, bool required,
                std::string* out) const {
    if (!obj.contains(key)) return required ? Bad(ptr + "/" + key, "missing") : Status::Ok();
    const Json& v = obj[key];
    if (!v.is_string() || v.get<std::string>().empty()) {
      return Bad(ptr + "/" + key, "expected a non-empty string");
    }
    *out = v.get<std::string>();
    return Status::Ok();
  }

  Status Path(const Json& obj, const std::string& key, const std::string& ptr, bool required,
              std::string* out) const {
    VH_RETURN_IF_ERROR(String(obj, key, ptr, required, out));
    if (out->empty()) return Status::Ok();
    fs::path p(*out);
    *out = (p.is_absolute() ? p : fs::path(base_) / p).lexically_normal().string();
    return Status::Ok();
  }

  template <typename T>
  Status Int(const Json& obj, const std::string& key, const std::string& ptr, long long min,
             long long max, T* out) const {
    if (!obj.contains(key)) return Status::Ok();
    const Json& v = obj[key];
    if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > max) {
      return Bad(ptr + "/" + key,
                 "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    *out = static_cast<T>(v.get<long long>());
    return Status::Ok();
  }

  Status Known(const Json& obj, const std::string& ptr, const std::set<std::string>& keys) const {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (keys.count(it.key()) == 0) return Bad(ptr + "/" + it.key(), "unknown key");
    }
    return Status::Ok();
  }

 private:
  const std::string& file_;
  const std::string& base_;
};

}  // namespace

Result<std::vector<AdapterConfig>> ParseAdapterConfigs(const Json& adapters,
                                                       const std::string& config_file,
                                                       const std::string& base_dir) {
  Checker c(config_file, base_dir);
  std::vector<AdapterConfig> out;
  if (adapters.is_null()) return out;
  if (!adapters.is_array()) return c.Bad("/adapters", "expected an array");
  std::set<std::string> drop_dirs;
  for (std::size_t i = 0; i < adapters.size(); ++i) {
    const Json& e = adapters[i];
    AdapterConfig a;
    a.pointer = "/adapters/" + std::to_string(i);
    const std::string& ptr = a.pointer;
    if (!e.is_object()) return c.Bad(ptr, "expected an object");
    VH_RETURN_IF_ERROR(c.String(e, "partner", ptr, true, &a.partner));
    std::string kind;
    VH_RETURN_IF_ERROR(c.String(e, "kind", ptr, true, &kind));
    auto mapping =
        FieldMapping::Parse(e.contains("mapping") ? e["mapping"] : Json(), ptr + "/mapping");
    if (!mapping.ok())
      return Status::InvalidArgument("bad_config", config_file + ": " + mapping.status().message());
    a.mapping = std::move(*mapping);
    if (kind == "https-pull") {
      a.kind = AdapterKind::kHttpsPull;
      VH_RETURN_IF_ERROR(
          c.Known(e, ptr,
                  {"partner", "kind", "url", "ca", "cert", "key", "server_fingerprint", "mapping",
                   "connect_timeout_ms", "timeout_ms", "retries", "backoff_ms", "interval_seconds",
                   "max_backoff_seconds", "max_requests_per_round", "comment"}));
      PullSettings& p = a.pull;
      VH_RETURN_IF_ERROR(c.String(e, "url", ptr, true, &p.url));
      if (p.url.rfind("https://", 0) != 0 || p.url.size() <= 8) {
        return c.Bad(ptr + "/url", "expected an https:// URL");
      }
      VH_RETURN_IF_ERROR(c.Path(e, "ca", ptr, true, &p.ca));
      VH_RETURN_IF_ERROR(c.Path(e, "cert", ptr, true, &p.cert));
      VH_RETURN_IF_ERROR(c.Path(e, "key", ptr, true, &p.key));
      std::string fp;
      VH_RETURN_IF_ERROR(c.String(e, "server_fingerprint", ptr, false, &fp));
      for (char ch : fp) {
        if (ch == ':') continue;
        p.server_fingerprint.push_back(
            static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
      }
      if (!fp.empty() &&
          (p.server_fingerprint.size() != 64 ||
           p.server_fingerprint.find_first_not_of("0123456789abcdef") != std::string::npos)) {
        return c.Bad(ptr + "/server_fingerprint",
                     "expected the SHA-256 fingerprint of a certificate (64 hex digits)");
      }
      VH_RETURN_IF_ERROR(c.Int(e, "connect_timeout_ms", ptr, 10, 60000, &p.connect_timeout_ms));
      VH_RETURN_IF_ERROR(c.Int(e, "timeout_ms", ptr, 10, 300000, &p.timeout_ms));
      VH_RETURN_IF_ERROR(c.Int(e, "retries", ptr, 0, 10, &p.retries));
      VH_RETURN_IF_ERROR(c.Int(e, "backoff_ms", ptr, 0, 60000, &p.backoff_ms));
      VH_RETURN_IF_ERROR(c.Int(e, "interval_seconds", ptr, 1, 86400, &p.interval_seconds));
      VH_RETURN_IF_ERROR(c.Int(e, "max_backoff_seconds", ptr, 1, 86400, &p.max_backoff_seconds));
      VH_RETURN_IF_ERROR(
          c.Int(e, "max_requests_per_round", ptr, 1, 100000, &p.max_requests_per_round));
    } else if (kind == "file-drop") {
      a.kind = AdapterKind::kFileDrop;
      VH_RETURN_IF_ERROR(c.Known(
          e, ptr,
          {"partner", "kind", "dir", "format", "delimiter", "match", "mapping", "ignore_columns",
           "settle_seconds", "poll_seconds", "max_file_bytes", "comment", "mode"}));
      DropSettings& d = a.drop;
      VH_RETURN_IF_ERROR(c.Path(e, "dir", ptr, true, &d.dir));
      if (!drop_dirs.insert(d.dir).second) {
        return c.Bad(ptr + "/dir", "already used by another file-drop adapter");
      }
      std::string format;
      VH_RETURN_IF_ERROR(c.String(e, "format", ptr, true, &format));
      if (format == "csv") {
        d.format = DropFormat::kCsv;
      } else if (format == "json") {
        d.format = DropFormat::kJson;
      } else {
        return c.Bad(ptr + "/format", "expected \"csv\" or \"json\"");
      }
      std::string delim = ",";
      VH_RETURN_IF_ERROR(c.String(e, "delimiter", ptr, false, &delim));
      if (delim != "," && delim != ";" && delim != "\t") {
        return c.Bad(ptr + "/delimiter", "expected \",\", \";\" or a tab");
      }
      d.delimiter = delim[0];
      VH_RETURN_IF_ERROR(c.String(e, "match", ptr, false, &d.match));
      if (e.contains("ignore_columns")) {
        const Json& ic = e["ignore_columns"];
        if (!ic.is_array()) return c.Bad(ptr + "/ignore_columns", "expected an array of strings");
        for (std::size_t k = 0; k < ic.size(); ++k) {
          if (!ic[k].is_string()) {
            return c.Bad(ptr + "/ignore_columns/" + std::to_string(k), "expected a string");
          }
          d.ignore_columns.push_back(ic[k].get<std::string>());
        }
      }
      VH_RETURN_IF_ERROR(c.Int(e, "settle_seconds", ptr, 0, 3600, &d.settle_seconds));
      VH_RETURN_IF_ERROR(c.Int(e, "poll_seconds", ptr, 1, 3600, &d.poll_seconds));
      VH_RETURN_IF_ERROR(c.Int(e, "max_file_bytes", ptr, 1, 1LL << 30, &d.max_file_bytes));
      std::string mode = "answers";
      VH_RETURN_IF_ERROR(c.String(e, "mode", ptr, false, &mode));
      if (mode == "notifications") {
        d.mode = DropMode::kNotifications;
        a.mapping = WithNotificationNames(a.mapping);
      } else if (mode != "answers") {
        return c.Bad(ptr + "/mode", "expected \"answers\" or \"notifications\"");
      } else {
        for (const auto& [name, target] : a.mapping.entries()) {
          if (IsSpecialTarget(target) && target != kRequestTarget) {
            return c.Bad(ptr + "/mapping/" + name,
                         "'" + target + "' is for a file-drop with \"mode\": \"notifications\"");
          }
        }
      }
    } else {
      return c.Bad(ptr + "/kind", "expected \"https-pull\" or \"file-drop\"");
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace vh::adapters
