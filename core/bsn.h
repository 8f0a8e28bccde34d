#pragma once
// BSN (burgerservicenummer): the one home for recognising, normalising and
// checking a Dutch citizen service number.
//
// A BSN as people and exports write it may carry spaces, dots or dashes, and
// spreadsheets drop its leading zero. NormaliseBsn turns such a text into the
// nine digits; IsValidBsn applies the 11-proef to the normalised form.
// Neither function logs or keeps its input; callers must not put a BSN into a
// log line, an error text or a URL.

#include <optional>
#include <string>
#include <string_view>

namespace vh {

// The nine digits of `text` when it is 8 or 9 digits once spaces, dots and
// dashes are left out (8 digits get their leading zero); nullopt otherwise.
// Does not check the 11-proef.
std::optional<std::string> NormaliseBsn(std::string_view text);

// Whether `bsn` is nine digits (as NormaliseBsn gives them) that pass the
// 11-proef (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11, not all zero).
// Input as people write it goes through NormaliseBsn first.
bool IsValidBsn(std::string_view bsn);

}  // namespace vh
