#include "gateway/browser_guard.h"

namespace vh::gw {

Status CheckSameOrigin(const ApiRequest& req) {
  const std::string& m = req.method;
  const std::string_view site = req.Header("sec-fetch-site");
  const bool other_site = !site.empty() && site != "same-origin" && site != "none";
  if (m != "POST" && m != "PUT" && m != "DELETE" && m != "PATCH") {
    // A read of the API leaves its event too (a check, a dossier view): from
    // another site's page (an <img>, a link) it would be made in the user's
    // name. The console's own files may be opened from anywhere.
    if (other_site && req.path.rfind("/v1/", 0) == 0) {
      return Status::Make(Code::kPermissionDenied, "cross_site_request",
                          "an API request from another site is refused");
    }
    return Status::Ok();
  }
  auto refuse = [] {
    return Status::Make(Code::kPermissionDenied, "cross_site_request",
                        "a state-changing request from another site is refused");
  };
  if (other_site) return refuse();
  const std::string_view origin = req.Header("origin");
  if (!origin.empty()) {
    const std::string_view host = req.Header("host");
    constexpr std::string_view kScheme = "https://";
    if (host.empty() || origin.size() != kScheme.size() + host.size() ||
        origin.substr(0, kScheme.size()) != kScheme || origin.substr(kScheme.size()) != host) {
      return refuse();
    }
  }
  return Status::Ok();
}

}  // namespace vh::gw
