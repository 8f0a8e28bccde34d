#include "exchange/case_access.h"

#include "exchange/context.h"
#include "policy/covenant.h"

namespace vh::exchange {

bool SeesCase(const audit::Actor& caller, const policy::Covenant& c, const store::CaseRecord& k) {
  if (!IsHouseCoordinator(caller, c)) return false;
  const policy::Overlegvorm* o = k.overlegvorm.empty() ? nullptr : c.FindOverlegvorm(k.overlegvorm);
  if (o == nullptr || o->circle.empty()) return true;
  return o->CircleContains(caller.partner, caller.cn);
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
