#include "exchange/follow_up.h"

#include <algorithm>
#include <chrono>

namespace vh::exchange {
namespace {

std::chrono::sys_days SysDays(Date d) {
  return std::chrono::sys_days(std::chrono::year(d.year) /
                               std::chrono::month(static_cast<unsigned>(d.month)) /
                               std::chrono::day(static_cast<unsigned>(d.day)));
}

Date FromSysDays(std::chrono::sys_days days) {
  const std::chrono::year_month_day ymd(days);
  return Date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
              static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

}  // namespace

Date AddDays(Date d, int days) { return FromSysDays(SysDays(d) + std::chrono::days(days)); }

Date AddMonths(Date d, int months) {
  int index = d.year * 12 + (d.month - 1) + months;
  Date out{index / 12, index % 12 + 1, d.day};
  const std::chrono::year_month_day_last last(
      std::chrono::year(out.year),
      std::chrono::month_day_last(std::chrono::month(static_cast<unsigned>(out.month))));
  out.day = std::min(out.day, static_cast<int>(static_cast<unsigned>(last.day())));
  return out;
}

std::vector<FollowUpItem> FollowUpPlan(const store::CaseRecord& c,
                                       const std::vector<store::CaseOutcomeRecord>& outcomes,
                                       const std::vector<store::FollowUpRecord>& done, Date today) {
  std::vector<FollowUpItem> plan;
  auto add = [&](Date due, FollowUpKind kind) {
    plan.push_back({FormatDate(due), kind, FollowUpState::kPlanned, std::nullopt, std::nullopt});
  };
  std::string first;  // the first decision's time (FormatUtc text: string order is time order)
  for (const auto& o : outcomes) {
    if (first.empty() || o.decided_at < first) first = o.decided_at;
  }
  if (auto t = ParseUtc(first); t && !first.empty()) {
    const Date anchor = DateOf(*t);
    add(AddDays(anchor, 7), FollowUpKind::kOneWeek);
    add(AddMonths(anchor, 1), FollowUpKind::kOneMonth);
    add(AddMonths(anchor, 3), FollowUpKind::kThreeMonths);
    add(AddMonths(anchor, 6), FollowUpKind::kSixMonths);
  }
  if (auto release = ParseDate(c.release_date)) {
    Date due = AddMonths(*release, -3);
    if (auto created = ParseUtc(c.created_at)) due = std::max(due, DateOf(*created));
    add(due, FollowUpKind::kBeforeRelease);
  }
  std::stable_sort(plan.begin(), plan.end(),
                   [](const FollowUpItem& a, const FollowUpItem& b) { return a.due < b.due; });
  const std::string day = FormatDate(today);
  for (FollowUpItem& item : plan) {
    auto it = std::find_if(done.begin(), done.end(), [&](const store::FollowUpRecord& r) {
      return r.due == item.due && r.kind == FollowUpKindName(item.kind);
    });
    if (it != done.end()) {
      item.state = FollowUpState::kDone;
      item.outcome = it->outcome;
      if (auto t = ParseUtc(it->done_at)) item.done_at = *t;
    } else if (item.due <= day) {
      item.state = FollowUpState::kDue;
    }
  }
  return plan;
}

}  // namespace vh::exchange
