#include "gateway/openapi_route.h"

#include <memory>
#include <string>

namespace vh::gw {

void RegisterOpenApiRoute(Router& router) {
  auto text = std::make_shared<const std::string>(OpenApiText());
  router.Add(
      "GET", "/v1/openapi.json", kAnyRole,
      [text](const ApiRequest&) { return ApiResponse::FromSharedText(200, text); },
      Dispatch::kInline);
}

}  // namespace vh::gw
