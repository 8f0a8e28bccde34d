#include "exchange/suppression.h"

namespace vh::exchange {

Cell PublishCount(int64_t n) {
  if (n < kMinShown) return Cell{Cell::Shown::kBelowFive, 0};
  return Cell{Cell::Shown::kExact, n};
}

std::vector<FigureGroup> PublishPopulation(const std::vector<RawCells>& partitions) {
  int64_t total = 0;
  bool any_suppressed = false;
  if (!partitions.empty()) {
    for (const auto& [key, n] : partitions.front()) total += n;
  }
  for (const RawCells& p : partitions) {
    for (const auto& [key, n] : p) any_suppressed = any_suppressed || n < kMinShown;
  }
  std::vector<FigureGroup> out;
  for (const RawCells& p : partitions) {
    FigureGroup g;
    int64_t shown = 0;
    for (const auto& [key, n] : p) {
      Cell cell = PublishCount(n);
      if (cell.shown == Cell::Shown::kExact) shown += n;
      g.cells.emplace_back(key, cell);
    }
    if (total < kMinShown) {
      g.total = Cell{Cell::Shown::kBelowFive, 0};
    } else if (any_suppressed) {
      g.total = Cell{Cell::Shown::kAtLeast, shown};
    } else {
      g.total = Cell{Cell::Shown::kExact, total};
    }
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace vh::exchange
