#include "exchange/case_retention.h"

#include "core/log.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {

Status ShredCasesDue(Context& ctx, const audit::Actor& system, const std::string& now,
                     RetentionRun* run) {
  auto cp = ctx.covenant();
  const policy::Covenant& c = *cp;
  auto cases = ctx.cases.CasesDueForShredding(now);
  if (!cases.ok()) return cases.status();
  for (const store::CaseRecord& k : *cases) {
    audit::Event e = EventRecorder::Base(audit::kDataShredded, system, c, nullptr, "");
    e.subject = k.subject;
    e.detail =
        Json{{"case", k.id}, {"closed_at", k.closed_at}, {"retention_until", k.retention_until}};
    if (k.restricted) e.detail["restricted"] = true;
    Status s = ctx.cases.ShredCase(k.id, now, [&] { return ctx.events.AppendAll({std::move(e)}); });
    if (!s.ok()) {
      LogError("retention_shred_failed", {{"case", k.id}, {"reason", s.reason()}});
      return s;
    }
    LogInfo("case_shredded", {{"case", k.id}});
    run->cases.push_back({k.id, StoredTime(k.closed_at), StoredTime(k.retention_until)});
  }
  auto notes = ctx.cases.NotificationsDueForShredding(now);
  if (!notes.ok()) return notes.status();
  for (const store::NotificationRecord& n : *notes) {
    audit::Event e = EventRecorder::Base(audit::kDataShredded, system, c, nullptr, "");
    e.subject = n.subject;
    e.detail = Json{{"notification", n.id}, {"retention_until", n.retention_until}};
    if (n.restricted) e.detail["restricted"] = true;
    Status s = ctx.cases.ShredNotification(n.id, now,
                                           [&] { return ctx.events.AppendAll({std::move(e)}); });
    if (!s.ok()) {
      LogError("retention_shred_failed", {{"notification", n.id}, {"reason", s.reason()}});
      return s;
    }
    LogInfo("notification_shredded", {{"notification", n.id}});
    run->notifications.push_back(n.id);
  }
  return Status::Ok();
}

}  // namespace vh::exchange
