#pragma once
// GET /v1/openapi.json: the OpenAPI 3.1 description of every route
// (docs/openapi.json, compiled in by cmake/embed_text.cmake), for any
// certificate role, answered inline from memory. gateway/openapi.h reads
// the same text to check responses against it (the end-to-end tests), and
// tests/gateway/openapi_test.cc keeps it and the router in step.

#include <string_view>

#include "gateway/router.h"

namespace vh::gw {

// docs/openapi.json as the binary was built with it.
std::string_view OpenApiText();

void RegisterOpenApiRoute(Router& router);

}  // namespace vh::gw
