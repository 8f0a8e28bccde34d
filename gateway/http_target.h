#pragma once
// The request target of an HTTP request ("/path?query", RFC 9112
// origin-form) split into the path and query of an ApiRequest. Plain text:
// no Beast, no allocation beyond the strings it fills.
//
// Path: percent-decoded, except "%2F"/"%2f", which stays as it is (an
// encoded slash must not split a segment and change the route); '+' is a
// '+'. Everything from the first '?' on is the query.
// Query: pairs separated by '&'; key and value split at the first '=', both
// percent-decoded with '+' as a space (form encoding). A pair without '='
// has the value ""; an empty pair ("&&") is skipped; a repeated key keeps
// its last value.
// Percent-decoding: "%XY" with two hex digits becomes that byte, whatever it
// is (NUL, bytes that are not UTF-8: the handlers validate what they use); a
// '%' without two hex digits after it stays a '%'.
// A '#' has no meaning here (a client does not send a fragment; Beast lets
// it through): it stays part of the path or the query value.
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "gateway/api.h"

namespace vh::gw {

// Fills req->path and req->query (existing query entries are overwritten by
// key, not cleared).
void SplitTarget(std::string_view target, ApiRequest* req);

// Form decoding of one query key or value: "%XY" escapes and '+' as a space.
std::string DecodeQueryComponent(std::string_view s);

// Decoding of the path: "%XY" escapes except "%2F"; '+' stays.
std::string DecodePath(std::string_view s);

}  // namespace vh::gw
