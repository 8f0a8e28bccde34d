#pragma once
// The JSON of notifications, cases and known-or-not (the schemas of
// docs/openapi.json): POST
// /v1/notifications, GET /v1/notifications[/{id}], POST .../triage, GET
// /v1/cases[/{id}], POST /v1/cases/{id}/follow-up|close|holder, GET and POST
// /v1/check.
//
// Decode* do the structural checks of a request body (an object, no unknown
// keys, the types, the size limits of exchange/case_types.h, dates
// YYYY-MM-DD) with 422 errors naming the JSON path ("missing_field",
// "wrong_type", "too_long", "invalid_date", "invalid_status",
// "invalid_decision"); the exchange does the semantic ones. A BSN is never
// echoed in an error. Encode* give the response bodies; Encode*(command)
// the request body of a command (JSON clients and tests), and
// Decode(Encode(c)) == c.
// Thread-safety: pure functions.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "exchange/case_types.h"

namespace vh::gw::codecs {

Result<exchange::Notify> DecodeNotify(const Json& body);
Json EncodeNotify(const exchange::Notify& command);
Json EncodeNotificationReceipt(const exchange::NotificationReceipt& receipt);
// ?status= of GET /v1/notifications: "" (all), new, triaged, closed.
Result<exchange::NotificationFilter> DecodeNotificationFilter(std::string_view status);
Json EncodeNotificationList(const std::vector<exchange::Notification>& notifications);
// {id, status, received_at, decision (null before one), decision_label?, decided_at?}
Json EncodeNotificationFeedback(const exchange::NotificationFeedback& feedback);

Result<exchange::Triage> DecodeTriage(const Json& body);
Json EncodeTriage(const exchange::Triage& command);
Json EncodeTriageResult(const exchange::TriageResult& result);

// ?status= of GET /v1/cases: "" (all), open, closed, due.
Result<exchange::CaseFilter> DecodeCaseFilter(std::string_view status);
Json EncodeCase(const exchange::Case& c);
Json EncodeCaseList(const std::vector<exchange::Case>& cases);
Json EncodeFollowUpItem(const exchange::FollowUpItem& item);

Result<exchange::CompleteFollowUp> DecodeCompleteFollowUp(const Json& body);
Json EncodeCompleteFollowUp(const exchange::CompleteFollowUp& command);
Result<exchange::CloseCase> DecodeCloseCase(const Json& body);
Json EncodeCloseCase(const exchange::CloseCase& command);
Json EncodeClosedCase(const exchange::ClosedCase& closed);
Result<exchange::NameCaseHolder> DecodeNameCaseHolder(const Json& body);
Json EncodeNameCaseHolder(const exchange::NameCaseHolder& command);

// POST /v1/check {bsn}; GET /v1/check?bsn= (the query, percent-decoded).
Result<exchange::KnownCheck> DecodeKnownCheck(const Json& body);
Result<exchange::KnownCheck> DecodeKnownCheckQuery(const std::map<std::string, std::string>& query);
Json EncodeKnownCheck(const exchange::KnownCheck& command);
Json EncodeKnownAnswer(const exchange::KnownAnswer& answer);

}  // namespace vh::gw::codecs
