#include "exchange/cases.h"

#include <algorithm>
#include <chrono>

#include "core/log.h"
#include "exchange/case_access.h"
#include "exchange/follow_up.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

audit::Event CaseEventOf(const char* type, const audit::Actor& actor, const policy::Covenant& c,
                         const store::CaseRecord& k) {
  audit::Event e = EventRecorder::Base(type, actor, c, c.FindOverlegvorm(k.overlegvorm), "");
  e.subject = k.subject;
  e.detail = Json{{"case", k.id}};
  // The access report leaves it out of the person's own copy (radicalisering).
  if (k.restricted) e.detail["restricted"] = true;
  return e;
}

Status CaseRefusal(Context& ctx, const audit::Actor& caller, const policy::Covenant& c,
                   std::string_view id, const Status& refused) {
  audit::Event e = EventRecorder::Refusal(caller, c, nullptr, "", refused);
  e.detail["case"] = std::string(id);
  return ctx.events.Refuse(std::move(e), refused);
}

Date Today(const Context& ctx) { return DateOf(ctx.clock.Now()); }

}  // namespace

Result<store::CaseRecord> Cases::LoadCoordinated(const audit::Actor& caller,
                                                 const policy::Covenant& c, std::string_view id) {
  if (Status s = RequireHouseCoordinator(caller, c); !s.ok()) {
    return CaseRefusal(ctx_, caller, c, id, s);
  }
  auto k = ctx_.cases.GetCase(id);
  if (!k.ok()) return k.status();
  if (k->status == store::kCaseShredded) return Status::NotFound("the case has been shredded");
  if (!SeesCase(caller, c, *k)) {
    return CaseRefusal(
        ctx_, caller, c, id,
        Status::Make(Code::kPermissionDenied, "not_in_circle", "not in this case's circle"));
  }
  return k;
}

Result<store::CaseRecord> Cases::LoadOpen(const audit::Actor& caller, const policy::Covenant& c,
                                          std::string_view id) {
  auto k = LoadCoordinated(caller, c, id);
  if (!k.ok()) return k.status();
  if (k->status != store::kCaseOpen) {
    return CaseRefusal(ctx_, caller, c, id, Status::Conflict("case_closed", "the case is closed"));
  }
  return k;
}

Result<Case> Cases::View(const store::CaseRecord& k, bool limited, bool with_identity) {
  Case out;
  out.id = k.id;
  out.kind = k.kind == CaseKindName(CaseKind::kNazorg) ? CaseKind::kNazorg : CaseKind::kCasus;
  out.state = ParseCaseState(k.status).value_or(CaseState::kClosed);
  out.limited = limited;
  out.created_at = StoredTime(k.created_at);
  if (with_identity && k.identity.is_object()) {
    for (auto it = k.identity.begin(); it != k.identity.end(); ++it) {
      out.identity.emplace(it.key(), it.value());
    }
  }
  if (!k.municipality.empty()) out.municipality = k.municipality;
  if (!k.release_date.empty()) out.release_date = k.release_date;
  if (!k.routed_to.empty()) out.routed_to = k.routed_to;
  if (!k.case_holder.empty()) out.case_holder = k.case_holder;
  out.closed_at = OptionalStoredTime(k.closed_at);
  out.retention_until = OptionalStoredTime(k.retention_until);
  auto notes = ctx_.cases.NotificationsOfCase(k.id);
  if (!notes.ok()) return notes.status();
  for (const store::NotificationRecord& n : *notes) {
    if (n.urgent && n.status != store::kNotificationClosed) out.urgent = true;
  }
  auto outcomes = ctx_.cases.CaseOutcomes(k.id);
  if (!outcomes.ok()) return outcomes.status();
  auto done = ctx_.cases.FollowUpsDone(k.id);
  if (!done.ok()) return done.status();
  out.follow_up = FollowUpPlan(k, *outcomes, *done, Today(ctx_));
  if (limited) return out;
  if (!k.overlegvorm.empty()) out.overlegvorm = k.overlegvorm;
  if (!k.close_reason.empty()) out.close_reason = k.close_reason;
  for (const store::NotificationRecord& n : *notes) {
    out.notifications.push_back(
        {n.id, n.partner, n.category, n.urgent, StoredTime(n.received_at), n.reason});
  }
  auto links = ctx_.cases.CaseMeetings(k.id);
  if (!links.ok()) return links.status();
  for (const store::CaseMeetingLink& l : *links) {
    if (std::any_of(out.meetings.begin(), out.meetings.end(),
                    [&](const CaseMeeting& m) { return m.meeting == l.meeting; })) {
      continue;
    }
    auto m = ctx_.cases.GetMeeting(l.meeting);
    if (!m.ok()) return m.status();
    out.meetings.push_back({m->id, m->overlegvorm, m->state});
  }
  for (const store::CaseOutcomeRecord& o : *outcomes) {
    out.outcomes.push_back({o.meeting, o.overlegvorm, o.decision, StoredTime(o.decided_at)});
  }
  return out;
}

Result<Case> Cases::Get(const audit::Actor& caller, std::string_view id) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  if (IsHouseCoordinator(caller, c)) {
    auto k = LoadCoordinated(caller, c, id);
    if (!k.ok()) return k.status();
    return View(*k, false, true);
  }
  // A gemeente's participant: the nazorg cases routed to its partner.
  const policy::Partner* gemeente =
      HasRole(caller, Role::kParticipant) ? MunicipalityPartner(caller, c) : nullptr;
  auto k = ctx_.cases.GetCase(id);
  if (!k.ok() && k.status().code() != Code::kNotFound) return k.status();
  if (gemeente == nullptr || !k.ok() || k->status == store::kCaseShredded ||
      k->routed_to != gemeente->id) {
    // Unknown and not routed here look the same: nothing about other
    // municipalities' residents.
    return CaseRefusal(ctx_, caller, c, id,
                       Status::Make(Code::kPermissionDenied, "not_routed",
                                    "this case is not routed to your organisation"));
  }
  auto view = View(*k, true, true);
  if (!view.ok()) return view.status();
  audit::Event e = CaseEventOf(audit::kCaseDisclosed, caller, c, *k);
  e.recipient = caller.partner;
  VH_RETURN_IF_ERROR(ctx_.events.AppendAll({std::move(e)}));
  return view;
}

Result<std::vector<Case>> Cases::List(const audit::Actor& caller, CaseFilter filter) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  const bool coordinator = IsHouseCoordinator(caller, c);
  const policy::Partner* gemeente =
      HasRole(caller, Role::kParticipant) ? MunicipalityPartner(caller, c) : nullptr;
  std::vector<Case> out;
  if (!coordinator && gemeente == nullptr) return out;
  auto all = ctx_.cases.ListCases(true);
  if (!all.ok()) return all.status();
  for (const store::CaseRecord& k : *all) {
    if (coordinator ? !SeesCase(caller, c, k) : k.routed_to != gemeente->id) continue;
    if ((filter == CaseFilter::kOpen || filter == CaseFilter::kDue) &&
        k.status != store::kCaseOpen) {
      continue;
    }
    if (filter == CaseFilter::kClosed && k.status != store::kCaseClosed) continue;
    auto v = View(k, !coordinator, coordinator);
    if (!v.ok()) return v.status();
    if (filter == CaseFilter::kDue &&
        std::none_of(v->follow_up.begin(), v->follow_up.end(),
                     [](const FollowUpItem& i) { return i.state == FollowUpState::kDue; })) {
      continue;
    }
    out.push_back(std::move(*v));
  }
  return out;
}

Result<FollowUpItem> Cases::FollowUp(const audit::Actor& caller, std::string_view id,
                                     const CompleteFollowUp& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto k = LoadOpen(caller, c, id);
  if (!k.ok()) return k.status();
  if (command.outcome.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid("empty", "/outcome", "a short outcome is required");
  }
  auto outcomes = ctx_.cases.CaseOutcomes(k->id);
  if (!outcomes.ok()) return outcomes.status();
  auto done = ctx_.cases.FollowUpsDone(k->id);
  if (!done.ok()) return done.status();
  const std::vector<FollowUpItem> plan = FollowUpPlan(*k, *outcomes, *done, Today(ctx_));
  // The item of that day (and kind); when two share the day, the first one
  // still open.
  const FollowUpItem* item = nullptr;
  for (const FollowUpItem& i : plan) {
    if (i.due != command.due || (command.kind && *command.kind != i.kind)) continue;
    if (item == nullptr ||
        (item->state == FollowUpState::kDone && i.state != FollowUpState::kDone)) {
      item = &i;
    }
  }
  if (item == nullptr) {
    return Invalid("unknown_follow_up", "/due", "the case's follow-up plan has no item that day");
  }
  if (item->state == FollowUpState::kDone) {
    return CaseRefusal(ctx_, caller, c, id,
                       Status::Conflict("follow_up_done", "this follow-up item is closed already"));
  }
  store::FollowUpRecord r{k->id,      item->due, std::string(FollowUpKindName(item->kind)),
                          ctx_.Now(), caller.cn, command.outcome};
  audit::Event e = CaseEventOf(audit::kFollowUpDone, caller, c, *k);
  e.detail["due"] = r.due;
  e.detail["kind"] = r.kind;
  VH_RETURN_IF_ERROR(
      ctx_.cases.CompleteFollowUp(r, [&] { return ctx_.events.AppendAll({std::move(e)}); }));
  FollowUpItem out = *item;
  out.state = FollowUpState::kDone;
  out.outcome = r.outcome;
  out.done_at = StoredTime(r.done_at);
  return out;
}

Result<ClosedCase> Cases::Close(const audit::Actor& caller, std::string_view id,
                                const CloseCase& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto k = LoadOpen(caller, c, id);
  if (!k.ok()) return k.status();
  if (command.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid("empty", "/reason", "a reason is required");
  }
  const TimePoint now = ctx_.clock.Now();
  const std::string closed_at = FormatUtc(now);
  const std::string until = FormatUtc(now + std::chrono::hours(24) * c.case_retention_days());
  audit::Event e = CaseEventOf(audit::kCaseClosed, caller, c, *k);
  e.detail["retention_until"] = until;
  VH_RETURN_IF_ERROR(ctx_.cases.CloseCase(k->id, closed_at, until, command.reason,
                                          [&] { return ctx_.events.AppendAll({std::move(e)}); }));
  LogInfo("case_closed", {{"case", k->id}});
  return ClosedCase{k->id, StoredTime(closed_at), StoredTime(until)};
}

Result<Case> Cases::NameHolder(const audit::Actor& caller, std::string_view id,
                               const NameCaseHolder& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto k = LoadOpen(caller, c, id);
  if (!k.ok()) return k.status();
  const policy::Partner* p = c.FindPartner(command.case_holder);
  if (!p) return Invalid("unknown_partner", "/case_holder", "not a partner of the covenant");
  if (!p->signatory) {
    return Invalid("non_signatory", "/case_holder",
                   "a partner that has not signed the covenant cannot hold a case");
  }
  audit::Event e = CaseEventOf(audit::kCaseUpdated, caller, c, *k);
  e.detail["change"] = "case_holder";
  e.detail["case_holder"] = p->id;
  VH_RETURN_IF_ERROR(ctx_.cases.SetCaseHolder(
      k->id, p->id, [&] { return ctx_.events.AppendAll({std::move(e)}); }));
  auto updated = ctx_.cases.GetCase(k->id);
  if (!updated.ok()) return updated.status();
  return View(*updated, false, true);
}

}  // namespace vh::exchange
