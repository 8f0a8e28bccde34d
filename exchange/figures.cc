#include "exchange/figures.h"

#include <algorithm>
#include <map>
#include <set>

#include "exchange/case_access.h"
#include "exchange/follow_up.h"
#include "exchange/suppression.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

constexpr const char* kElsewhere = "elders";
constexpr const char* kUndecided = "open";

// Counts by key, every key of `keys` listed (0 when nobody).
class Tally {
 public:
  explicit Tally(const std::vector<std::string>& keys) {
    for (const auto& k : keys) counts_.emplace(k, 0);
  }
  void Add(const std::string& key) { ++counts_[key]; }
  RawCells Cells() const { return RawCells(counts_.begin(), counts_.end()); }

 private:
  std::map<std::string, int64_t> counts_;
};

bool InWindow(const std::string& t, const std::string& lo, const std::string& hi) {
  // FormatUtc text: string order is time order.
  return !t.empty() && t >= lo && t < hi;
}

}  // namespace

Result<Figures> ComputeFigures(Context& ctx, const audit::Actor& caller,
                               const FiguresQuery& query) {
  auto cp = ctx.covenant();
  const policy::Covenant& c = *cp;
  const bool house = IsHouseCoordinator(caller, c) ||
                     (HasRole(caller, Role::kSystem) && c.IsHouse(caller.partner));
  const policy::Partner* gemeente =
      !house && HasRole(caller, Role::kParticipant) ? MunicipalityPartner(caller, c) : nullptr;
  if (house && !query.gemeente.empty()) {
    gemeente = c.FindPartner(query.gemeente);
    if (gemeente == nullptr || gemeente->municipality.empty()) {
      return Invalid("unknown_gemeente", "/gemeente",
                     "is not a partner of the covenant with a municipality");
    }
  }
  if (!house && gemeente == nullptr) {
    return ctx.events.Refuse(
        caller, c, nullptr, "",
        Status::Make(Code::kPermissionDenied, "statistics_not_allowed",
                     "figures are for the house's coordinators and a gemeente's participants"));
  }
  if (query.to < query.from) return Invalid("invalid_period", "/to", "must not be before from");
  const std::string lo = FormatDate(query.from) + "T00:00:00.000Z";
  const std::string hi = FormatDate(AddDays(query.to, 1)) + "T00:00:00.000Z";
  auto resident = [&](const std::string& municipality) {
    return gemeente == nullptr || policy::SameMunicipality(municipality, gemeente->municipality);
  };

  auto cases = ctx.cases.ListCases(true);
  if (!cases.ok()) return cases.status();
  std::set<std::string> restricted_cases;
  for (const store::CaseRecord& k : *cases) {
    if (k.restricted) restricted_cases.insert(k.id);
  }

  // Notifications.
  std::vector<std::string> categories;
  for (const auto& cat : c.notification_categories()) {
    if (!cat.restricted) categories.push_back(cat.id);
  }
  std::vector<std::string> places;
  for (const auto& p : c.partners()) {
    if (p.signatory && !p.municipality.empty()) places.push_back(p.municipality);
  }
  places.push_back(kElsewhere);
  Tally by_category(categories), by_place(places);
  int64_t urgent = 0;
  auto notes = ctx.cases.ListNotifications(true);
  if (!notes.ok()) return notes.status();
  for (const store::NotificationRecord& n : *notes) {
    const policy::NotificationCategory* cat = c.FindNotificationCategory(n.category);
    if (n.restricted || (cat && cat->restricted) || restricted_cases.count(n.case_id)) continue;
    if (!InWindow(n.received_at, lo, hi) || !resident(n.municipality)) continue;
    by_category.Add(n.category);
    auto place = std::find_if(places.begin(), places.end() - 1, [&](const std::string& m) {
      return policy::SameMunicipality(m, n.municipality);
    });
    by_place.Add(*place);
    if (n.urgent) ++urgent;
  }

  // Cases.
  Tally by_kind(
      {std::string(CaseKindName(CaseKind::kCasus)), std::string(CaseKindName(CaseKind::kNazorg))});
  int64_t closed = 0;
  for (const store::CaseRecord& k : *cases) {
    if (k.restricted || !resident(k.municipality)) continue;
    if (InWindow(k.created_at, lo, hi)) by_kind.Add(k.kind);
    if (InWindow(k.closed_at, lo, hi)) ++closed;
  }

  // Meetings and the decisions about their subjects.
  std::vector<std::string> overlegvormen, decisions;
  for (const auto& o : c.overlegvormen()) {
    if (!o.restricted) overlegvormen.push_back(o.id);
  }
  for (const auto& o : c.outcomes()) decisions.push_back(o.id);
  decisions.push_back(std::string(policy::Covenant::kReservedOutcome));
  decisions.push_back(kUndecided);
  Tally meetings(overlegvormen);
  std::map<std::string, Tally> outcomes;
  for (const auto& o : overlegvormen) outcomes.emplace(o, Tally(decisions));
  auto listing = ctx.cases.ListMeetings();
  if (!listing.ok()) return listing.status();
  for (const store::MeetingListing& m : *listing) {
    const policy::Overlegvorm* o = c.FindOverlegvorm(m.overlegvorm);
    // An overlegvorm withdrawn from the covenant may have been restricted.
    if (o == nullptr || o->restricted || !InWindow(m.starts_at, lo, hi)) continue;
    auto subjects = ctx.cases.SubjectOutcomes(m.id);
    if (!subjects.ok()) return subjects.status();
    auto links = ctx.cases.MeetingCases(m.id);
    if (!links.ok()) return links.status();
    std::map<int, std::string> municipality;
    if (gemeente != nullptr) {
      auto scopes = ctx.cases.SubjectScopes(m.id);
      if (!scopes.ok()) return scopes.status();
      for (const auto& s : *scopes) municipality[s.index] = s.municipality;
    }
    bool counted = gemeente == nullptr;
    for (const auto& [idx, decision] : *subjects) {
      auto link = std::find_if(links->begin(), links->end(),
                               [&](const store::CaseMeetingLink& l) { return l.subject == idx; });
      if (link != links->end() && restricted_cases.count(link->case_id)) continue;
      if (gemeente != nullptr && !resident(municipality[idx])) continue;
      counted = true;
      outcomes.at(o->id).Add(decision.empty() ? kUndecided : decision);
    }
    if (counted) meetings.Add(o->id);
  }

  Figures f;
  f.from = FormatDate(query.from);
  f.to = FormatDate(query.to);
  f.house = c.house();
  if (gemeente != nullptr) f.municipality = gemeente->municipality;
  if (gemeente == nullptr) {
    auto groups = PublishPopulation({by_category.Cells(), by_place.Cells()});
    f.notifications_by_category = std::move(groups[0]);
    f.notifications_by_municipality = std::move(groups[1]);
    f.meetings_by_overlegvorm = std::move(PublishPopulation({meetings.Cells()})[0]);
  } else {
    f.notifications_by_category = std::move(PublishPopulation({by_category.Cells()})[0]);
  }
  f.urgent_notifications = PublishCount(urgent);
  f.cases_opened_by_kind = std::move(PublishPopulation({by_kind.Cells()})[0]);
  f.cases_closed = PublishCount(closed);
  for (const auto& o : overlegvormen) {
    f.outcomes.emplace_back(o, std::move(PublishPopulation({outcomes.at(o).Cells()})[0]));
  }

  audit::Event e = EventRecorder::Base(audit::kStatisticsDisclosed, caller, c, nullptr, "");
  e.recipient = caller.partner;
  e.detail = Json{{"from", f.from}, {"to", f.to}};
  if (f.municipality) e.detail["municipality"] = *f.municipality;
  VH_RETURN_IF_ERROR(ctx.events.AppendAll({std::move(e)}));
  return f;
}

}  // namespace vh::exchange
