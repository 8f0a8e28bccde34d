#include "gateway/console_assets.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include "core/config.h"

#ifndef VH_SOURCE_CONSOLE_DIR
#define VH_SOURCE_CONSOLE_DIR ""
#endif

namespace vh::gw {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "/console/";

// The content type of a servable file; "" for anything else.
std::string_view ContentTypeOf(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"}};
  for (const auto& [ext, type] : kTypes) {
    if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) return type;
  }
  return "";
}

bool SafeName(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool HasIndex(const fs::path& dir) {
  std::error_code ec;
  return !dir.empty() && fs::is_regular_file(dir / "index.html", ec);
}

}  // namespace

std::string ConsoleAssets::Locate(const Config& config) {
  if (!config.console_dir.empty()) return config.console_dir;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path() / ".." / "share" / "vhgate" / "console";
    if (HasIndex(installed)) return installed.lexically_normal().string();
  }
  const fs::path source(VH_SOURCE_CONSOLE_DIR);
  if (HasIndex(source)) return source.string();
  return "";
}

Result<std::unique_ptr<ConsoleAssets>> ConsoleAssets::Load(const std::string& dir) {
  if (!HasIndex(dir)) {
    return Status::NotFound(dir + ": not a console directory (no index.html)");
  }
  std::unique_ptr<ConsoleAssets> out(new ConsoleAssets());
  out->dir_ = dir;
  std::size_t total = 0;
  // (folder relative to dir, "" for the top) -> request path prefix.
  std::vector<std::string> folders = {""};
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory(ec) && SafeName(name)) folders.push_back(name);
  }
  for (const std::string& folder : folders) {
    const fs::path where = folder.empty() ? fs::path(dir) : fs::path(dir) / folder;
    for (const auto& e : fs::directory_iterator(where, ec)) {
      const std::string name = e.path().filename().string();
      if (!e.is_regular_file(ec) || !SafeName(name)) continue;
      const std::string_view type = ContentTypeOf(name);
      if (type.empty()) continue;
      auto text = ReadFile(e.path().string(), kMaxTotalBytes);
      if (!text.ok()) return text.status();
      total += text->size();
      if (total > kMaxTotalBytes) return Status::TooLarge(dir + ": console files too large");
      const std::string path = std::string(kPrefix) + (folder.empty() ? name : folder + "/" + name);
      out->files_[path] =
          Asset{std::string(type), std::make_shared<const std::string>(std::move(*text))};
    }
    if (ec) return Status::Unavailable("console_unreadable", where.string() + ": cannot list");
  }
  return out;
}

const ConsoleAssets::Asset* ConsoleAssets::Find(std::string_view path) const {
  if (path == "/" || path.empty()) path = "/console/index.html";
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

void RegisterConsoleAssetRoutes(Router& router, const ConsoleAssets& assets) {
  const ConsoleAssets* set = &assets;
  auto serve = [set](const ApiRequest& req) {
    const ConsoleAssets::Asset* a = set->Find(req.path);
    if (!a) return ApiResponse::FromStatus(Status::NotFound("no such console file"));
    ApiResponse r = ApiResponse::FromSharedText(200, a->body);
    r.content_type = a->content_type;
    return r;
  };
  router.Add("GET", "/?*", kAnyRole, serve, Dispatch::kInline);
  router.Add("GET", "/console/{name}?*", kAnyRole, serve, Dispatch::kInline);
  router.Add("GET", "/console/{dir}/{name}?*", kAnyRole, serve, Dispatch::kInline);
}

}  // namespace vh::gw
