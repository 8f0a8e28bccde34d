#pragma once
// Every JSON response an end-to-end test receives is checked against
// docs/openapi.json (gateway/openapi.h): GatewayHarness::Call and
// TlsClient::Request call ExpectMatchesDescription, and a response whose
// body does not match the schema the description gives for its operation
// and status fails the test that received it (a gtest non-fatal failure
// naming the route, the status and each problem). Bodies that are not JSON
// (the console's files, an HTML report, /metrics) are not checked.

#include <string>

#include "tests/support/gateway_harness.h"

namespace vh::testing {

// `target` may carry a query string. Does nothing for status 0 (no
// response) or a body that is not application/json.
void ExpectMatchesDescription(const std::string& method, const std::string& target,
                              const HttpResult& response);

}  // namespace vh::testing
