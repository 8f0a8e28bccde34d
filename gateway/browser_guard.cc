#include "gateway/browser_guard.h"

namespace vh::gw {

Status CheckSameOrigin(const ApiRequest& req) {
  const std::string& m = req.method;
  if (m != "POST" && m != "PUT" && m != "DELETE" && m != "PATCH") return Status::Ok();
  auto refuse = [] {
    return Status::Make(Code::kPermissionDenied, "cross_site_request",
                        "a state-changing request from another site is refused");
  };
  const std::string_view site = req.Header("sec-fetch-site");
  if (!site.empty() && site != "same-origin" && site != "none") return refuse();
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
