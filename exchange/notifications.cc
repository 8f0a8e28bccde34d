#include "exchange/notifications.h"

#include <algorithm>
#include <chrono>

#include "core/log.h"
#include "exchange/case_access.h"
#include "exchange/case_identity.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

constexpr const char* kSystemTriage = "system";

bool MayNotify(const audit::Actor& caller) {
  return HasRole(caller, Role::kSupplier) || HasRole(caller, Role::kParticipant);
}

// An event about notification `n` (its audit subject, the notifier as
// supplier, the house as recipient).
audit::Event NotificationEvent(const char* type, const audit::Actor& actor,
                               const policy::Covenant& c, const store::NotificationRecord& n) {
  audit::Event e = EventRecorder::Base(type, actor, c, nullptr, "");
  e.subject = n.subject;
  e.supplier = n.partner;
  e.recipient = c.house();
  e.detail = Json{{"notification", n.id}, {"category", n.category}};
  // The access report leaves it out of the person's own copy (radicalisering).
  if (n.restricted) e.detail["restricted"] = true;
  return e;
}

audit::Event CaseEvent(const char* type, const audit::Actor& actor, const policy::Covenant& c,
                       const store::CaseRecord& k, Json detail) {
  audit::Event e = EventRecorder::Base(type, actor, c, c.FindOverlegvorm(k.overlegvorm), "");
  e.subject = k.subject;
  detail["case"] = k.id;
  if (k.restricted) detail["restricted"] = true;
  e.detail = std::move(detail);
  return e;
}

// A new case for notification `n`.
store::CaseRecord NewCase(const store::NotificationRecord& n, CaseKind kind,
                          const std::string& overlegvorm, bool restricted,
                          const std::string& routed_to, const std::string& now,
                          const std::string& by) {
  store::CaseRecord k;
  k.id = store::NewId("c");
  k.kind = std::string(CaseKindName(kind));
  k.status = store::kCaseOpen;
  k.created_at = now;
  k.created_by = by;
  k.overlegvorm = overlegvorm;
  k.restricted = restricted;
  k.pseudonym = n.pseudonym;
  k.name_key = n.name_key;
  k.subject = n.subject;
  k.routed_to = routed_to;
  k.identity = n.identity;
  k.municipality = n.municipality;
  k.release_date = n.release_date;
  return k;
}

Notification NotificationView(const store::NotificationRecord& n) {
  Notification out;
  out.id = n.id;
  out.partner = n.partner;
  out.category = n.category;
  out.urgent = n.urgent;
  out.status = ParseNotificationState(n.status).value_or(NotificationState::kClosed);
  out.received_at = StoredTime(n.received_at);
  if (n.identity.is_object()) {
    for (auto it = n.identity.begin(); it != n.identity.end(); ++it) {
      out.identity.emplace(it.key(), it.value());
    }
  }
  out.reason = n.reason;
  if (!n.municipality.empty()) out.municipality = n.municipality;
  if (!n.release_date.empty()) out.release_date = n.release_date;
  if (!n.decision.empty()) out.decision = n.decision;
  out.triaged_at = OptionalStoredTime(n.triaged_at);
  if (!n.case_id.empty()) out.case_id = n.case_id;
  return out;
}

}  // namespace

Result<std::optional<store::CaseRecord>> Notifications::CaseOf(const store::NotificationRecord& n) {
  if (n.case_id.empty()) return std::optional<store::CaseRecord>();
  auto k = ctx_.cases.GetCase(n.case_id);
  if (k.ok()) return std::optional<store::CaseRecord>(std::move(*k));
  if (k.status().code() == Code::kNotFound) return std::optional<store::CaseRecord>();
  return k.status();
}

Result<Notifications::Planned> Notifications::Plan(const audit::Actor& caller,
                                                   const policy::Covenant& c,
                                                   const exchange::Notify& command,
                                                   bool record_refusals) {
  auto refuse = [&](Status s) -> Status {
    return record_refusals ? ctx_.events.Refuse(caller, c, nullptr, "", s) : s;
  };
  if (!MayNotify(caller)) {
    return refuse(Status::PermissionDenied("only suppliers and participants may notify"));
  }
  const policy::Partner* partner = c.FindPartner(caller.partner);
  if (partner == nullptr || !partner->signatory) {
    return refuse(Status::Make(Code::kPermissionDenied, "not_signatory",
                               "only partners that signed the covenant may notify"));
  }
  const policy::NotificationCategory* category = c.FindNotificationCategory(command.category);
  if (!category) {
    return Invalid("unknown_category", "/category", "not a notification category of the covenant");
  }
  if (command.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid("empty", "/reason", "a reason is required");
  }
  auto person = ValidateIdentity(c, command.identity);
  if (!person.ok()) return person.status();
  if (category->release_date && !command.release_date) {
    return Status::Unprocessable("missing_field",
                                 "/release_date: missing (this category carries a release date)");
  }
  if (!category->release_date && command.release_date) {
    return Invalid("release_date_not_allowed", "/release_date",
                   "this category carries no release date");
  }
  if (command.release_date && !ParseDate(*command.release_date)) {
    return Invalid("invalid_date", "/release_date", "not a date (YYYY-MM-DD)");
  }
  std::string municipality = person->municipality;
  if (command.municipality) {
    auto m = CheckMunicipality(*command.municipality, "/municipality");
    if (!m.ok()) return m.status();
    municipality = std::move(*m);
  }

  const std::string now = ctx_.Now();
  const audit::Pseudonymizer& pseudonyms = ctx_.events.pseudonymizer();
  Planned p;
  store::NotificationRecord& n = p.record;
  n.id = store::NewId("n");
  n.partner = partner->id;
  n.notifier_cn = caller.cn;
  n.category = category->id;
  n.urgent = command.urgent;
  n.restricted = category->restricted;
  n.status = store::kNotificationNew;
  n.received_at = now;
  n.pseudonym = person->bsn.empty() ? "" : pseudonyms.SubjectPseudonym(person->bsn);
  n.name_key = NameKey(pseudonyms, person->name, person->birth_date);
  // Without a BSN the audit subject is the notification's own: two
  // notifications by name are never merged, not even in the audit log.
  n.subject =
      !n.pseudonym.empty() ? n.pseudonym : pseudonyms.MeetingSubjectPseudonym(n.id, "melding");
  n.identity = Json::object();
  for (const auto& [field, value] : person->identity) n.identity[field] = value;
  n.reason = command.reason;
  n.municipality = municipality;
  n.release_date = command.release_date.value_or("");

  auto notifications = ctx_.cases.ListNotifications(false);
  if (!notifications.ok()) return notifications.status();
  auto cases = ctx_.cases.ListCases(false);
  if (!cases.ok()) return cases.status();
  const auto matches = MatchesOf(n, *notifications, *cases, nullptr, c);

  audit::Event received = NotificationEvent(audit::kNotificationReceived, caller, c, n);
  received.detail["urgent"] = n.urgent;
  received.detail["matches"] = matches.size();
  p.events.push_back(std::move(received));
  if (n.urgent) p.events.push_back(NotificationEvent(audit::kUrgentNotification, caller, c, n));

  if (category->release_date) {
    // A detention notice: nazorg belongs to the municipality of residence.
    // It joins the person's open nazorg case (only by BSN: a name is never
    // enough to merge) or opens one, with a follow-up item three months
    // before the release (exchange/follow_up.h).
    n.status = store::kNotificationTriaged;
    n.decision = std::string(TriageDecisionName(TriageDecision::kAgenderen));
    n.triaged_at = now;
    n.triaged_by = kSystemTriage;
    const policy::Partner* gemeente = GemeenteOf(c, municipality);
    auto open = std::find_if(cases->begin(), cases->end(), [&](const store::CaseRecord& k) {
      return !n.pseudonym.empty() && k.pseudonym == n.pseudonym && k.status == store::kCaseOpen &&
             k.kind == CaseKindName(CaseKind::kNazorg);
    });
    Json detail = {{"decision", n.decision}, {"automatic", true}};
    if (open != cases->end()) {
      p.change.kind = store::CaseChange::Kind::kJoin;
      p.change.case_id = open->id;
      p.change.release_date = n.release_date;
      n.case_id = open->id;
      p.events.push_back(CaseEvent(audit::kCaseUpdated, caller, c, *open,
                                   {{"change", "notification"}, {"notification", n.id}}));
    } else {
      p.change.kind = store::CaseChange::Kind::kCreate;
      p.change.created = NewCase(n, CaseKind::kNazorg, "", category->restricted,
                                 gemeente ? gemeente->id : "", now, caller.cn);
      n.case_id = p.change.created.id;
      Json cd = {{"kind", "nazorg"}, {"notification", n.id}};
      cd["routed_to"] = gemeente ? gemeente->id : "";
      p.events.push_back(CaseEvent(audit::kCaseCreated, caller, c, p.change.created, cd));
    }
    detail["case"] = n.case_id;
    audit::Event triaged = NotificationEvent(audit::kNotificationTriaged, caller, c, n);
    triaged.detail.update(detail);  // keeps category and restricted
    p.events.push_back(std::move(triaged));
  }
  return p;
}

Status Notifications::Check(const audit::Actor& caller, const exchange::Notify& command) {
  auto cp = ctx_.covenant();
  return Plan(caller, *cp, command, false).status();
}

Result<NotificationReceipt> Notifications::Notify(const audit::Actor& caller,
                                                  const exchange::Notify& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto p = Plan(caller, c, command, true);
  if (!p.ok()) return p.status();
  const store::NotificationRecord& n = p->record;
  VH_RETURN_IF_ERROR(ctx_.cases.AddNotification(
      n, p->change, [&] { return ctx_.events.AppendAll(std::move(p->events)); }));
  LogInfo("notification_received",
          {{"notification", n.id}, {"partner", n.partner}, {"category", n.category}});
  if (n.urgent) {
    // Code rood: the house's management is alerted through the log and the
    // gauge vhgate_urgent_notifications_open (ids and codes only).
    LogWarn("urgent_notification", {{"notification", n.id}, {"category", n.category}});
  }
  return NotificationReceipt{n.id, ParseNotificationState(n.status).value()};
}

Result<std::vector<Notification>> Notifications::List(const audit::Actor& caller,
                                                      NotificationFilter filter) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  if (Status s = RequireHouseCoordinator(caller, c); !s.ok()) {
    return ctx_.events.Refuse(caller, c, nullptr, "", s);
  }
  auto all = ctx_.cases.ListNotifications(true);
  if (!all.ok()) return all.status();
  auto cases = ctx_.cases.ListCases(false);
  if (!cases.ok()) return cases.status();
  std::vector<Notification> out;
  for (const store::NotificationRecord& n : *all) {
    if ((filter == NotificationFilter::kNew && n.status != store::kNotificationNew) ||
        (filter == NotificationFilter::kTriaged && n.status != store::kNotificationTriaged) ||
        (filter == NotificationFilter::kClosed && n.status != store::kNotificationClosed)) {
      continue;
    }
    if (!SeesNotification(caller, c, n, FindCase(*cases, n.case_id))) continue;
    Notification v = NotificationView(n);
    v.matches = MatchesOf(n, *all, *cases, &caller, c);
    out.push_back(std::move(v));
  }
  // Code rood first; within each, the oldest first (the store's order).
  std::stable_sort(out.begin(), out.end(), [](const Notification& a, const Notification& b) {
    return a.urgent > b.urgent;
  });
  return out;
}

Result<NotificationFeedback> Notifications::Feedback(const audit::Actor& caller,
                                                     std::string_view id) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto n = ctx_.cases.GetNotification(id);
  if (!n.ok()) return n.status();
  const bool notifier = caller.partner == n->partner && !c.IsHouse(caller.partner);
  const bool coordinator = IsHouseCoordinator(caller, c);
  auto refuse = [&](const char* reason, const char* message) {
    const Status refused = Status::Make(Code::kPermissionDenied, reason, message);
    audit::Event e = EventRecorder::Refusal(caller, c, nullptr, "", refused);
    e.detail["notification"] = n->id;
    return ctx_.events.Refuse(std::move(e), refused);
  };
  auto found = CaseOf(*n);
  if (!found.ok()) return found.status();
  const std::optional<store::CaseRecord>& k = *found;
  if (coordinator && !SeesNotification(caller, c, *n, k ? &*k : nullptr)) {
    return refuse("not_in_circle", "not in this notification's circle");
  }
  if (!notifier && !coordinator) {
    return refuse("not_notifier", "only the notifying partner hears of its notification");
  }
  // What became of a restricted notification reaches the certificate that
  // sent it and the notifier's certificates in a restricted circle only.
  if (!coordinator && n->restricted && caller.cn != n->notifier_cn &&
      !InARestrictedCircle(caller, c)) {
    return refuse("not_in_circle",
                  "only the certificate that sent a restricted notification, or one in its "
                  "circle, hears of it");
  }
  std::vector<store::CaseOutcomeRecord> outcomes;
  if (k) {
    auto o = ctx_.cases.CaseOutcomes(k->id);
    if (!o.ok()) return o.status();
    outcomes = std::move(*o);
  }
  NotificationFeedback f = FeedbackOf(c, *n, outcomes);
  audit::Event e = NotificationEvent(audit::kNotificationDisclosed, caller, c, *n);
  e.recipient = caller.partner;
  e.detail["status"] = NotificationStateName(f.status);
  if (f.decision) e.detail["decision"] = *f.decision;
  VH_RETURN_IF_ERROR(ctx_.events.AppendAll({std::move(e)}));
  return f;
}

Result<TriageResult> Notifications::Triage(const audit::Actor& caller, std::string_view id,
                                           const exchange::Triage& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  if (Status s = RequireHouseCoordinator(caller, c); !s.ok()) {
    audit::Event e = EventRecorder::Refusal(caller, c, nullptr, "", s);
    e.detail["notification"] = std::string(id);
    return ctx_.events.Refuse(std::move(e), s);
  }
  auto n = ctx_.cases.GetNotification(id);
  if (!n.ok()) return n.status();
  auto refuse = [&](const Status& s) {
    audit::Event e = EventRecorder::Refusal(caller, c, nullptr, "", s);
    e.detail["notification"] = n->id;
    return ctx_.events.Refuse(std::move(e), s);
  };
  auto current = CaseOf(*n);
  if (!current.ok()) return current.status();
  if (!SeesNotification(caller, c, *n, *current ? &**current : nullptr)) {
    return refuse(Status::Make(Code::kPermissionDenied, "not_in_circle",
                               "not in this notification's circle"));
  }
  if (n->status != store::kNotificationNew) {
    return refuse(Status::Conflict("already_triaged", "the notification has been triaged already"));
  }
  const bool agenderen = command.decision == TriageDecision::kAgenderen;
  if (!agenderen && command.case_id) {
    return Invalid("case_not_allowed", "/case",
                   "only a notification put on an agenda joins a case");
  }
  if (!agenderen && command.overlegvorm) {
    return Invalid("case_not_allowed", "/overlegvorm",
                   "only a notification put on an agenda is handled in an overlegvorm");
  }
  const policy::NotificationCategory* category = c.FindNotificationCategory(n->category);
  const policy::Overlegvorm* o = nullptr;
  if (command.overlegvorm) {
    o = c.FindOverlegvorm(*command.overlegvorm);
    if (!o)
      return Invalid("unknown_overlegvorm", "/overlegvorm", "not an overlegvorm of the covenant");
    // A case of a circle is the circle's from the start.
    if (!o->circle.empty() && !o->CircleContains(caller.partner, caller.cn)) {
      return refuse(Status::Make(Code::kPermissionDenied, "not_in_circle",
                                 "not in the circle of this overlegvorm"));
    }
  }
  const std::string now = ctx_.Now();
  const std::string decision(TriageDecisionName(command.decision));
  store::CaseChange change;
  std::vector<audit::Event> events;
  TriageResult out{n->id, command.decision,
                   agenderen ? NotificationState::kTriaged : NotificationState::kClosed,
                   std::nullopt, false};
  if (agenderen && command.case_id) {
    auto k = ctx_.cases.GetCase(*command.case_id);
    if (!k.ok() || k->status == store::kCaseShredded) {
      if (!k.ok() && k.status().code() != Code::kNotFound) return k.status();
      return Invalid("unknown_case", "/case", "no such case");
    }
    if (!SeesCase(caller, c, *k)) {
      return refuse(
          Status::Make(Code::kPermissionDenied, "not_in_circle", "not in this case's circle"));
    }
    if (k->status != store::kCaseOpen) {
      return refuse(Status::Conflict("case_closed", "the case is closed"));
    }
    change.kind = store::CaseChange::Kind::kJoin;
    change.case_id = k->id;
    out.case_id = k->id;
    events.push_back(CaseEvent(audit::kCaseUpdated, caller, c, *k,
                               {{"change", "notification"}, {"notification", n->id}}));
  } else if (agenderen) {
    const bool nazorg = category != nullptr && category->release_date;
    const bool restricted = (category != nullptr && category->restricted) || (o && o->restricted);
    const policy::Partner* gemeente = nazorg ? GemeenteOf(c, n->municipality) : nullptr;
    change.kind = store::CaseChange::Kind::kCreate;
    change.created = NewCase(*n, nazorg ? CaseKind::kNazorg : CaseKind::kCasus, o ? o->id : "",
                             restricted, gemeente ? gemeente->id : "", now, caller.cn);
    out.case_id = change.created.id;
    out.case_created = true;
    events.push_back(CaseEvent(audit::kCaseCreated, caller, c, change.created,
                               {{"kind", change.created.kind}, {"notification", n->id}}));
  }
  audit::Event triaged = NotificationEvent(audit::kNotificationTriaged, caller, c, *n);
  triaged.detail["decision"] = decision;
  if (out.case_id) triaged.detail["case"] = *out.case_id;
  events.insert(events.begin(), std::move(triaged));
  // Outside a case, its retention runs from now (a case's from its close).
  const std::string until =
      agenderen ? ""
                : FormatUtc(ctx_.clock.Now() + std::chrono::hours(24) * c.case_retention_days());
  VH_RETURN_IF_ERROR(ctx_.cases.TriageNotification(
      n->id, decision, agenderen ? store::kNotificationTriaged : store::kNotificationClosed, now,
      caller.cn, until, change, [&] { return ctx_.events.AppendAll(std::move(events)); }));
  LogInfo("notification_triaged", {{"notification", n->id}, {"decision", decision}});
  return out;
}

}  // namespace vh::exchange
