#include "exchange/case_links.h"

#include "exchange/case_access.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {

Result<std::vector<store::CaseMeetingLink>> CaseLinksOf(Context& ctx, const audit::Actor& caller,
                                                        const policy::Covenant& c,
                                                        const policy::Overlegvorm& o,
                                                        const CreateMeeting& command) {
  std::vector<store::CaseMeetingLink> links;
  for (std::size_t i = 0; i < command.subjects.size(); ++i) {
    const std::optional<std::string>& id = command.subjects[i].case_id;
    if (!id) continue;
    const std::string path = "/subjects/" + std::to_string(i) + "/case";
    auto k = ctx.cases.GetCase(*id);
    if (!k.ok() && k.status().code() != Code::kNotFound) return k.status();
    if (!k.ok() || k->status == store::kCaseShredded) {
      return Invalid("unknown_case", path, "no such case");
    }
    auto refuse = [&](const Status& s) {
      audit::Event e = EventRecorder::Refusal(caller, c, &o, "", s);
      e.detail["case"] = k->id;
      return ctx.events.Refuse(std::move(e), s);
    };
    if (!SeesCase(caller, c, *k)) {
      return refuse(
          Status::Make(Code::kPermissionDenied, "not_in_circle", "not in this case's circle"));
    }
    if (k->status != store::kCaseOpen) {
      return refuse(Status::Conflict("case_closed", "the case is closed"));
    }
    links.push_back({k->id, "", static_cast<int>(i), o.restricted});
  }
  return links;
}

Result<bool> IsUrgentMeeting(Context& ctx, const policy::Overlegvorm& o, std::string_view meeting) {
  if (!o.urgent) return false;
  auto links = ctx.cases.MeetingCases(meeting);
  if (!links.ok()) return links.status();
  for (const store::CaseMeetingLink& l : *links) {
    auto notes = ctx.cases.NotificationsOfCase(l.case_id);
    if (!notes.ok()) return notes.status();
    for (const store::NotificationRecord& n : *notes) {
      if (n.urgent && n.status != store::kNotificationClosed) return true;
    }
  }
  return false;
}

Status CheckRequestNotice(Context& ctx, const policy::Overlegvorm& o, std::string_view meeting,
                          TimePoint deadline) {
  auto urgent = IsUrgentMeeting(ctx, o, meeting);
  if (!urgent.ok()) return urgent.status();
  const TimePoint now = ctx.clock.Now();
  if (*urgent ? deadline <= now : deadline < now + kMinRequestNotice) {
    return Invalid("deadline_too_soon", "/deadline",
                   *urgent ? "must be in the future"
                           : "must be at least an hour ahead (only a code rood meeting may ask "
                             "for answers sooner)");
  }
  return Status::Ok();
}

}  // namespace vh::exchange
