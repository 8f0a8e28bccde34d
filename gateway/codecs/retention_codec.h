#pragma once
// The JSON of retention: POST /v1/meetings/{id}/retention (a coordinator
// extends a closed meeting's retention) and the result of a retention run
// (the sweep, `vhgate retention run`). DecodeExtendRetention does the
// structural checks (422 naming the JSON path) of {until, reason, code?}; the
// exchange the semantic ones (reason not empty, the code one of
// exchange/types.h kRetentionCodes, later than the current end, meeting
// closed).
// Thread-safety: pure functions.

#include "core/json.h"
#include "core/status.h"
#include "exchange/types.h"

namespace vh::gw::codecs {

Result<exchange::ExtendRetention> DecodeExtendRetention(const Json& body);
Json EncodeExtendRetention(const exchange::ExtendRetention& command);
// {id, retention_until, extended_until}
Json EncodeRetentionExtension(const exchange::RetentionExtension& extension);

// {shredded: [{id, overlegvorm, closed_at, retention_until}], at, closed?:
// [{id, closed_at, retention_until}]} (closed: meetings nobody closed)
Json EncodeRetentionRun(const exchange::RetentionRun& run);

}  // namespace vh::gw::codecs
