#include "tests/support/openapi_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "gateway/openapi.h"

namespace vh::testing {
namespace {

// The Content-Type of raw response headers ("Name: value\r\n" lines), lower case.
std::string ContentType(const std::string& headers) {
  std::string lower = headers;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto at = lower.rfind("content-type:");
  if (at == std::string::npos) return "";
  at += 13;
  auto end = lower.find_first_of("\r\n", at);
  std::string value = lower.substr(at, end == std::string::npos ? end : end - at);
  value.erase(0, value.find_first_not_of(' '));
  return value.substr(0, value.find(';'));
}

}  // namespace

void ExpectMatchesDescription(const std::string& method, const std::string& target,
                              const HttpResult& response) {
  if (response.status == 0 || ContentType(response.headers) != "application/json") return;
  Json body = Json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    ADD_FAILURE() << method << " " << target << " " << response.status
                  << ": application/json but not JSON";
    return;
  }
  const std::string path = target.substr(0, target.find('?'));
  std::vector<std::string> problems =
      gw::OpenApiDescription::Shipped().CheckResponse(method, path, response.status, body);
  if (problems.empty()) return;
  std::string all;
  for (const std::string& p : problems) all += "\n  " + p;
  ADD_FAILURE() << "a response does not match docs/openapi.json:" << all;
}

}  // namespace vh::testing
