#pragma once
// Small-count suppression of the figures (internal to exchange/;
// docs in exchange/README.md "Figures"). Municipal factsheets carry counts,
// never names; a small count can still point at a person, so:
//
//   1. Every count below kMinShown (0 included, so that an empty cell and a
//      small one look alike) is published as "< 5", without its value.
//   2. A total is published exactly only when every cell of every partition
//      of its population is shown (a population, e.g. the notifications of
//      the period, may be split more than once: by category and by
//      municipality); a total below kMinShown is "< 5" like any count;
//      otherwise it is published only as ">= N", N the sum of the cells that
//      group shows. So no suppressed count can be found, or narrowed down, by
//      subtracting the shown cells from a total (complementary suppression
//      by withholding the total rather than a second cell, which would have
//      to be labelled "< 5" falsely or would show which cell is small).
//   3. Figures of different populations are never sums of one another.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "exchange/case_types.h"

namespace vh::exchange {

inline constexpr int64_t kMinShown = 5;

// One partition of a population: counts by key (a key with no one still
// listed, as 0, so that its absence tells nothing).
using RawCells = std::vector<std::pair<std::string, int64_t>>;

// A single count (rule 1).
Cell PublishCount(int64_t n);

// The partitions of one population, published together (rules 1 and 2).
// REQUIRES: every partition adds up to the same total.
std::vector<FigureGroup> PublishPopulation(const std::vector<RawCells>& partitions);

}  // namespace vh::exchange
