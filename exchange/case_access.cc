#include "exchange/case_access.h"

#include <algorithm>

#include "exchange/context.h"
#include "policy/covenant.h"

namespace vh::exchange {

bool InARestrictedCircle(const audit::Actor& caller, const policy::Covenant& c) {
  for (const policy::Overlegvorm& o : c.overlegvormen()) {
    if (o.restricted && o.CircleContains(caller.partner, caller.cn)) return true;
  }
  return false;
}

bool SeesCase(const audit::Actor& caller, const policy::Covenant& c, const store::CaseRecord& k) {
  if (!IsHouseCoordinator(caller, c)) return false;
  const policy::Overlegvorm* o = k.overlegvorm.empty() ? nullptr : c.FindOverlegvorm(k.overlegvorm);
  if (o != nullptr && !o->circle.empty()) return o->CircleContains(caller.partner, caller.cn);
  return !k.restricted || InARestrictedCircle(caller, c);
}

bool SeesNotification(const audit::Actor& caller, const policy::Covenant& c,
                      const store::NotificationRecord& n, const store::CaseRecord* k) {
  if (k != nullptr) return SeesCase(caller, c, *k);
  if (!IsHouseCoordinator(caller, c)) return false;
  return !n.restricted || InARestrictedCircle(caller, c);
}

namespace {

// How two records match: "bsn", "name_and_birth_date" (a candidate) or "".
std::string MatchBy(const std::string& bsn_a, const std::string& name_a, const std::string& bsn_b,
                    const std::string& name_b) {
  if (!bsn_a.empty() && bsn_a == bsn_b) return "bsn";
  // Two different BSNs are two people, whatever their names.
  if (!bsn_a.empty() && !bsn_b.empty()) return "";
  if (!name_a.empty() && name_a == name_b) return "name_and_birth_date";
  return "";
}

}  // namespace

const store::CaseRecord* FindCase(const std::vector<store::CaseRecord>& cases,
                                  std::string_view id) {
  if (id.empty()) return nullptr;
  auto k = std::find_if(cases.begin(), cases.end(),
                        [&](const store::CaseRecord& x) { return x.id == id; });
  return k == cases.end() ? nullptr : &*k;
}

std::vector<NotificationMatch> MatchesOf(
    const store::NotificationRecord& n, const std::vector<store::NotificationRecord>& notifications,
    const std::vector<store::CaseRecord>& cases, const audit::Actor* caller,
    const policy::Covenant& c) {
  std::vector<NotificationMatch> out;
  for (const store::CaseRecord& k : cases) {
    if (k.id == n.case_id || (caller != nullptr && !SeesCase(*caller, c, k))) continue;
    const std::string by = MatchBy(n.pseudonym, n.name_key, k.pseudonym, k.name_key);
    if (by.empty()) continue;
    out.push_back({"case", k.id, by, by != "bsn", k.status});
  }
  for (const store::NotificationRecord& o : notifications) {
    if (o.id == n.id) continue;
    if (caller != nullptr && !SeesNotification(*caller, c, o, FindCase(cases, o.case_id))) {
      continue;
    }
    const std::string by = MatchBy(n.pseudonym, n.name_key, o.pseudonym, o.name_key);
    if (by.empty()) continue;
    out.push_back({"notification", o.id, by, by != "bsn", o.status});
  }
  return out;
}

const policy::Partner* MunicipalityPartner(const audit::Actor& caller, const policy::Covenant& c) {
  const policy::Partner* p = c.FindPartner(caller.partner);
  return p != nullptr && !p->municipality.empty() ? p : nullptr;
}

std::string DecisionLabel(const policy::Covenant& c, std::string_view decision) {
  if (const policy::Outcome* o = c.FindOutcome(decision)) return o->label;
  if (decision == policy::Covenant::kReservedOutcome)
    return "Geen besluit (overleg niet afgesloten)";
  if (decision == TriageDecisionName(TriageDecision::kNietAgenderen)) {
    return "Niet geagendeerd na weging";
  }
  if (decision == TriageDecisionName(TriageDecision::kDoorverwijzen)) {
    return "Doorverwezen naar een andere aanpak";
  }
  return std::string(decision);
}

NotificationFeedback FeedbackOf(const policy::Covenant& c, const store::NotificationRecord& n,
                                const std::vector<store::CaseOutcomeRecord>& outcomes) {
  NotificationFeedback f;
  f.id = n.id;
  f.status = ParseNotificationState(n.status).value_or(NotificationState::kClosed);
  f.received_at = StoredTime(n.received_at);
  if (f.status == NotificationState::kShredded) return f;
  if (!n.decision.empty() && n.decision != TriageDecisionName(TriageDecision::kAgenderen)) {
    f.decision = n.decision;
    f.decided_at = OptionalStoredTime(n.triaged_at);
  } else if (!n.case_id.empty()) {
    // The first decision about the case after the notification was put on
    // the agenda (the briefing's), not a later meeting's.
    const std::string& since = n.triaged_at.empty() ? n.received_at : n.triaged_at;
    for (const store::CaseOutcomeRecord& o : outcomes) {
      if (o.decided_at < since) continue;
      if (!f.decided_at || o.decided_at < FormatUtc(*f.decided_at)) {
        f.decision = o.decision;
        f.decided_at = StoredTime(o.decided_at);
      }
    }
  }
  if (f.decision) f.decision_label = DecisionLabel(c, *f.decision);
  return f;
}

}  // namespace vh::exchange
