#pragma once
// The JSON of the console's additions to the API (docs/api.md,
// docs/openapi.json): the meeting list, the coordinator's request
// board, and the audit questions a browser asks with a body instead of a
// query string (so that a BSN never stands in a URL).
//
// Decode* do the structural checks with the errors of body_reader.h (422
// naming the JSON path or the parameter); messages never hold the values.
// Thread-safety: pure functions.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "exchange/types.h"

namespace vh::gw::codecs {

// The `status` query parameter of GET /v1/meetings: "" (all), "upcoming",
// "open" or "closed"; else 422 "invalid_status" naming /status.
Result<exchange::MeetingListFilter> DecodeMeetingListFilter(std::string_view status);
// {meetings: [<EncodeMeeting>...]}
Json EncodeMeetingList(const std::vector<exchange::Meeting>& meetings);
// {meeting, requests: [{id, supplier, subject, status, deadline, answered_at,
// reason_code?, reason?}]}, answered_at null while unanswered; a declined or
// failed request's reason code and text when the store has them.
Json EncodeRequestBoard(std::string_view meeting, const std::vector<exchange::BoardRequest>& rows);

// The body of POST /v1/audit/report and POST /v1/audit/query as the audit
// service's parameters (audit/audit_service.h Params): an object whose
// members are strings (`limit` and `cursor` may be integers, written as
// decimal text). Which names are allowed is the service's to say (400
// "bad_query", never repeating an unknown one). Not an object: 422
// "wrong_type"; another member type: 422 naming /<member>.
Result<std::map<std::string, std::string>> DecodeAuditParams(const Json& body);

}  // namespace vh::gw::codecs
