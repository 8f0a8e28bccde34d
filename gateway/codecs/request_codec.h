#pragma once
// The JSON of the request resources (docs/openapi.json): POST
// /v1/meetings/{id}/requests, GET /v1/requests?status=, PUT
// /v1/requests/{id}/answer, POST /v1/requests/{id}/decline.
//
// Decode* do the structural checks of a request body (an object, no unknown
// keys, the types, the size limits of exchange/types.h, RFC 3339 times) with
// 422 errors naming the JSON path; the exchange does the semantic ones
// (covenant fields and their value types, request state). Encode* give the
// response bodies; Encode*(command) the request body of a command, with
// Decode(Encode(c)) == c.
// Thread-safety: pure functions.

#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "exchange/types.h"

namespace vh::gw::codecs {

Result<exchange::CreateRequests> DecodeCreateRequests(const Json& body);
Json EncodeCreateRequests(const exchange::CreateRequests& command);
Json EncodeCreatedRequests(const exchange::CreatedRequests& created);

// The `status` query parameter: "" all, "open" all still awaiting an answer,
// or one state. 422 "invalid_status" naming /status otherwise.
Result<exchange::RequestFilter> DecodeRequestFilter(std::string_view status);
// {requests: [{id, meeting, overlegvorm, subject, identity, fields, deadline, status}]}
Json EncodeRequestList(const std::vector<exchange::SupplierRequest>& requests);

Result<exchange::AnswerRequest> DecodeAnswer(const Json& body);
Json EncodeAnswer(const exchange::AnswerRequest& command);
// {request, accepted: [...], withheld: [...], withheld_reasons: [{field, reason}], replaced}
Json EncodeAnswerReceipt(const exchange::AnswerReceipt& receipt);

// {reason, code?}: the code's vocabulary (exchange/types.h kDeclineCodes) is
// the exchange's to check (422 "invalid_code").
Result<exchange::DeclineRequest> DecodeDecline(const Json& body);
Json EncodeDecline(const exchange::DeclineRequest& command);
Json EncodeDeclinedRequest(const exchange::DeclinedRequest& declined);

}  // namespace vh::gw::codecs
