// gateway/browser_guard.h and gateway/console_assets.h without a socket.
#include "gateway/browser_guard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gateway/console_assets.h"

namespace vh::gw {
namespace {

ApiRequest Request(std::string method, std::vector<std::pair<std::string, std::string>> headers) {
  ApiRequest r;
  r.method = std::move(method);
  r.path = "/v1/meetings";
  r.headers = std::move(headers);
  return r;
}

TEST(BrowserGuardTest, RefusesStateChangesFromAnotherSite) {
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH"}) {
    Status s = CheckSameOrigin(Request(m, {{"sec-fetch-site", "cross-site"}}));
    EXPECT_EQ(s.reason(), "cross_site_request") << m;
    EXPECT_EQ(s.code(), Code::kPermissionDenied);
  }
  EXPECT_FALSE(CheckSameOrigin(Request("POST", {{"sec-fetch-site", "same-site"}})).ok());
  EXPECT_FALSE(CheckSameOrigin(Request("POST", {{"origin", "https://evil.example"},
                                                {"host", "localhost:8443"}}))
                   .ok());
  EXPECT_FALSE(CheckSameOrigin(Request("POST", {{"origin", "https://localhost:8443"}})).ok())
      << "an Origin without a Host cannot be checked";
  EXPECT_FALSE(CheckSameOrigin(Request("POST", {{"origin", "http://localhost:8443"},
                                                {"host", "localhost:8443"}}))
                   .ok());
  EXPECT_FALSE(CheckSameOrigin(Request("POST", {{"origin", "https://localhost:8443.evil"},
                                                {"host", "localhost:8443"}}))
                   .ok());
  // The message names neither header's value.
  Status s = CheckSameOrigin(Request("POST", {{"origin", "https://evil.example"}, {"host", "h"}}));
  EXPECT_EQ(s.message().find("evil"), std::string::npos);
}

TEST(BrowserGuardTest, LetsTheConsoleReadsAndNonBrowsersThrough) {
  EXPECT_TRUE(CheckSameOrigin(Request("POST", {})).ok());
  EXPECT_TRUE(CheckSameOrigin(Request("POST", {{"sec-fetch-site", "same-origin"},
                                               {"origin", "https://localhost:8443"},
                                               {"host", "localhost:8443"}}))
                  .ok());
  EXPECT_TRUE(CheckSameOrigin(Request("PUT", {{"sec-fetch-site", "none"}})).ok());
  // The console's files open from anywhere (a link in an e-mail).
  ApiRequest page = Request("GET", {{"sec-fetch-site", "cross-site"}});
  page.path = "/";
  EXPECT_TRUE(CheckSameOrigin(page).ok());
  EXPECT_TRUE(CheckSameOrigin(Request("GET", {{"sec-fetch-site", "same-origin"}})).ok());
}

TEST(BrowserGuardTest, RefusesAPIReadsFromAnotherSite) {
  // An <img src=".../v1/check?bsn=..."> on another site would write a check
  // in the user's name (the response is unreadable to it; the event is not).
  for (const char* site : {"cross-site", "same-site"}) {
    ApiRequest check = Request("GET", {{"sec-fetch-site", site}});
    check.path = "/v1/check";
    Status s = CheckSameOrigin(check);
    EXPECT_EQ(s.reason(), "cross_site_request") << site;
    EXPECT_EQ(s.code(), Code::kPermissionDenied);
  }
}

TEST(BrowserGuardTest, TheBrowserHeadersAreWholeHeaderLines) {
  std::map<std::string, std::string> h;
  std::string_view lines = kBrowserHeaderLines;
  while (!lines.empty()) {
    const auto end = lines.find("\r\n");
    ASSERT_NE(end, std::string_view::npos) << "a line without CRLF";
    const std::string_view line = lines.substr(0, end);
    const auto colon = line.find(": ");
    ASSERT_NE(colon, std::string_view::npos) << line;
    ASSERT_EQ(line.find_first_of("\r\n"), std::string_view::npos) << line;
    h[std::string(line.substr(0, colon))] = line.substr(colon + 2);
    lines.remove_prefix(end + 2);
  }
  EXPECT_EQ(h.size(), 4u);
  EXPECT_EQ(h["Cross-Origin-Opener-Policy"], "same-origin");
  EXPECT_EQ(h["Cross-Origin-Resource-Policy"], "same-origin");
  EXPECT_EQ(h["Content-Security-Policy"].rfind("default-src 'self'; frame-ancestors 'none'", 0),
            0u);
  EXPECT_EQ(h["Content-Security-Policy"].find("unsafe"), std::string::npos);
  EXPECT_EQ(h["Referrer-Policy"], "no-referrer");
}

TEST(ConsoleAssetsTest, ServesTheFilesOfItsDirectoryOnly) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("vh_console_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "js");
  fs::create_directories(dir / "js" / "deeper");
  std::ofstream(dir / "index.html") << "<!DOCTYPE html>";
  std::ofstream(dir / "app.css") << "body{}";
  std::ofstream(dir / "js" / "main.js") << "export {};";
  std::ofstream(dir / "js" / "deeper" / "x.js") << "x";
  std::ofstream(dir / ".hidden.js") << "x";
  std::ofstream(dir / "notes.md") << "x";
  auto assets = ConsoleAssets::Load(dir.string());
  ASSERT_TRUE(assets.ok()) << assets.status().message();
  const ConsoleAssets& a = **assets;
  ASSERT_NE(a.Find("/"), nullptr);
  EXPECT_EQ(a.Find("/")->content_type, "text/html; charset=utf-8");
  ASSERT_NE(a.Find("/console/js/main.js"), nullptr);
  EXPECT_EQ(a.Find("/console/js/main.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(*a.Find("/console/app.css")->body, "body{}");
  EXPECT_EQ(a.Find("/console/js/deeper/x.js"), nullptr);
  EXPECT_EQ(a.Find("/console/.hidden.js"), nullptr);
  EXPECT_EQ(a.Find("/console/notes.md"), nullptr);
  EXPECT_EQ(a.Find("/console/../index.html"), nullptr);
  EXPECT_EQ(a.size(), 3u);

  fs::remove(dir / "index.html");
  EXPECT_EQ(ConsoleAssets::Load(dir.string()).status().code(), Code::kNotFound);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vh::gw
