#pragma once
// The figures as GET /v1/statistics?from=&to= gives them, and as
// `vhgate stats --format md|csv` prints them. Suppressed counts are the text
// "< 5", totals whose cells are not all shown ">= N" (exchange/suppression.h);
// every other count is a JSON number.
//
// JSON: {from, to, house, municipality?, suppression,
//        notifications: {by_category: G, by_municipality?: G, urgent},
//        cases: {opened: G (by kind), closed}, meetings?: G (by overlegvorm),
//        outcomes: {<overlegvorm>: G (by decision, "open" before one)}}
// with G = {total, counts: {key: count}}.
// Thread-safety: pure functions.

#include <map>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "exchange/case_types.h"

namespace vh::gw::codecs {

// The rule of exchange/suppression.h in one sentence (in the JSON, the
// Markdown and the CSV's comment).
inline constexpr const char* kSuppressionNote =
    "Aantallen onder de 5 staan als \"< 5\"; een totaal waarvan niet alle aantallen getoond "
    "worden staat als \">= N\" (N: de som van de getoonde), zodat geen klein aantal uit een "
    "totaal is af te leiden.";

// ?from=&to= (dates, both required): 422 "missing_field", "invalid_date".
Result<exchange::FiguresQuery> DecodeFiguresQuery(std::string_view from, std::string_view to,
                                                  bool has_from, bool has_to);
Json EncodeFigures(const exchange::Figures& figures);
// Display names by id (notification categories, overlegvormen, outcomes,
// case kinds); an id without one is shown as is.
using FigureLabels = std::map<std::string, std::string, std::less<>>;
std::string RenderFiguresMarkdown(const exchange::Figures& figures, const FigureLabels& labels);
// One row per count: section,key,count (RFC 4180).
std::string RenderFiguresCsv(const exchange::Figures& figures);

}  // namespace vh::gw::codecs
