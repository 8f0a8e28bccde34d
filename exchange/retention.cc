#include "exchange/retention.h"

#include "core/log.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {

Result<RetentionRun> Retention::Run(const audit::Actor& system) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  const std::string now = ctx_.Now();
  auto due = ctx_.cases.DueForShredding(now);
  if (!due.ok()) return due.status();
  RetentionRun run;
  run.at = StoredTime(now);
  for (const auto& m : *due) {
    const policy::Overlegvorm* o = c.FindOverlegvorm(m.overlegvorm);
    audit::Event e = EventRecorder::Base(audit::kDataShredded, system, c, o, m.id);
    if (!o) e.overlegvorm = m.overlegvorm;
    e.detail = Json{{"closed_at", m.closed_at},
                    {"retention_until", m.retention_until},
                    {"extended_until", m.extended_until}};
    Status s = ctx_.cases.Shred(m.id, now, [&] { return ctx_.events.AppendAll({std::move(e)}); });
    if (!s.ok()) {
      LogError("retention_shred_failed", {{"meeting", m.id}, {"reason", s.reason()}});
      return s;
    }
    LogInfo("meeting_shredded", {{"meeting", m.id}});
    run.shredded.push_back(
        {m.id, m.overlegvorm, StoredTime(m.closed_at),
         StoredTime(m.extended_until.empty() ? m.retention_until : m.extended_until)});
  }
  return run;
}

}  // namespace vh::exchange
