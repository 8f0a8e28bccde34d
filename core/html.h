#pragma once
// HTML escaping: the one home for text placed into HTML (the access report,
// the covenant matrix). Escapes & < > " ' so the result is safe in element
// content and in quoted attribute values.

#include <string>
#include <string_view>

namespace vh {

std::string HtmlEscape(std::string_view text);

}  // namespace vh
