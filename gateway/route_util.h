#pragma once
// What the JSON routes of the exchange and of cases share: a handler's
// result as a response (its codec's Encode, or the error's status and code),
// a handler that takes a JSON body, and a request's path and query
// parameters.
// Thread-safety: pure functions.

#include <cstddef>
#include <string>
#include <utility>

#include "core/json.h"
#include "core/status.h"
#include "gateway/api.h"

namespace vh::gw {

// The result's response body (its codec's Encode), or the error.
template <typename T, typename Encode>
ApiResponse Respond(int ok_status, const Result<T>& r, Encode&& encode) {
  if (!r.ok()) return ApiResponse::FromStatus(r.status());
  return ApiResponse::FromJson(ok_status, encode(*r));
}

// A handler that takes a JSON body: malformed -> 400, too large -> 413,
// depth, invalid UTF-8 -> 400 (core/json.h); then the codec's structural
// checks (422 naming the JSON path), then the call.
template <typename Decode, typename Call, typename Encode>
ApiResponse WithBody(const ApiRequest& req, int ok_status, Decode&& decode, Call&& call,
                     Encode&& encode) {
  auto body = ParseJson(req.body);
  if (!body.ok()) return ApiResponse::FromStatus(body.status());
  auto command = decode(*body);
  if (!command.ok()) return ApiResponse::FromStatus(command.status());
  return Respond(ok_status, call(*command), encode);
}

// WithBody for a route where who may call it is known before the body
// (`may`: the use case's own check, which audits its refusal): a caller it
// refuses gets that refusal whatever its body holds.
template <typename Decode, typename Call, typename Encode>
ApiResponse WithBody(const ApiRequest& req, const Status& may, int ok_status, Decode&& decode,
                     Call&& call, Encode&& encode) {
  if (!may.ok()) return ApiResponse::FromStatus(may);
  return WithBody(req, ok_status, std::forward<Decode>(decode), std::forward<Call>(call),
                  std::forward<Encode>(encode));
}

// The i-th {param} of the route's pattern ("" when there is none).
inline const std::string& PathParam(const ApiRequest& req, std::size_t i) {
  static const std::string kEmpty;
  return i < req.params.size() ? req.params[i] : kEmpty;
}

// A query parameter's value ("" when absent).
inline std::string QueryParam(const ApiRequest& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

}  // namespace vh::gw
