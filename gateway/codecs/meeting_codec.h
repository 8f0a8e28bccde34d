#pragma once
// The JSON of the meeting resources (docs/openapi.json): POST
// /v1/meetings, GET /v1/meetings/{id}, PUT .../phase, POST .../close.
//
// Decode* do the structural checks of a request body (an object, no unknown
// keys, the types, the size limits of exchange/types.h, RFC 3339 times) with
// 422 errors naming the JSON path; the exchange does the semantic ones.
// Encode* give the response bodies. Encode*(command) give the request body
// of a command (for JSON clients and tests); Decode(Encode(c)) == c.
// Thread-safety: pure functions.

#include "core/json.h"
#include "core/status.h"
#include "exchange/types.h"

namespace vh::gw::codecs {

Result<exchange::CreateMeeting> DecodeCreateMeeting(const Json& body);
Json EncodeCreateMeeting(const exchange::CreateMeeting& command);
// The meeting as GET /v1/meetings/{id} (and POST /v1/meetings) shows it; a
// limited meeting (an ad hoc participant before signing, after the end) as
// {id, overlegvorm, starts_at, ends_at, declaration} only.
Json EncodeMeeting(const exchange::Meeting& meeting);

Result<exchange::SetPhase> DecodeSetPhase(const Json& body);
Json EncodeSetPhase(const exchange::SetPhase& command);
Json EncodePhaseChange(const exchange::PhaseChange& change);

Result<exchange::CloseMeeting> DecodeCloseMeeting(const Json& body);
Json EncodeCloseMeeting(const exchange::CloseMeeting& command);
Json EncodeClosedMeeting(const exchange::ClosedMeeting& closed);

}  // namespace vh::gw::codecs
