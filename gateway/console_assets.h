#pragma once
// ConsoleAssets: the web console's static files (index.html, one CSS file,
// plain ES modules; no build step), read into memory once at start and
// served by the gateway itself over the same mutual TLS as the API:
//   GET /                               index.html
//   GET /console/<name>                 a file of the console directory
//   GET /console/<dir>/<name>           a file one folder down
// with the content type of its extension. Any certificate role may load
// them: they hold no data (everything with data comes from the JSON API).
//
// Where the files are (Locate): the configuration's `console_dir` when set
// (relative to the configuration file); else `<binary>/../share/vhgate/
// console` (CMake's install()); else the source tree's console/ (for `make
// run` and the tests).
//
// Names: [A-Za-z0-9._-], not starting with '.', at most one folder level;
// files of other extensions than the known ones, hidden files and deeper
// folders are not served. The whole set is capped at kMaxTotalBytes.
// Thread-safety: immutable after Load; Find may be called concurrently.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "gateway/router.h"

namespace vh {
struct Config;
}

namespace vh::gw {

class ConsoleAssets {
 public:
  struct Asset {
    std::string content_type;
    std::shared_ptr<const std::string> body;
  };
  static constexpr std::size_t kMaxTotalBytes = 8 << 20;

  // Reads every servable file of `dir`. NotFound naming the directory when
  // it does not exist or has no index.html; TooLarge past kMaxTotalBytes.
  static Result<std::unique_ptr<ConsoleAssets>> Load(const std::string& dir);
  // An empty set: every console path is 404 (no console installed).
  static std::unique_ptr<ConsoleAssets> None() {
    return std::unique_ptr<ConsoleAssets>(new ConsoleAssets());
  }
  // The directory to Load for `config` (see above); "" when none of the
  // default places holds an index.html. `config.console_dir` is returned as
  // set, whether it exists or not (Load then names the problem).
  static std::string Locate(const Config& config);

  // The asset at request path `path` ("/", "/console/app.css", ...), or null.
  const Asset* Find(std::string_view path) const;
  const std::string& dir() const { return dir_; }
  std::size_t size() const { return files_.size(); }

 private:
  ConsoleAssets() = default;
  std::string dir_;
  std::map<std::string, Asset, std::less<>> files_;  // by request path
};

// GET / and GET /console/... for every certificate role, answered inline
// from memory (404 "not_found" for a name the set does not hold).
// REQUIRES: `assets` outlives the router.
void RegisterConsoleAssetRoutes(Router& router, const ConsoleAssets& assets);

}  // namespace vh::gw
