#include "exchange/retention.h"

#include <chrono>
#include <map>

#include "core/log.h"
#include "exchange/case_retention.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {

Result<std::optional<ClosedMeeting>> Retention::CloseUnclosed(const audit::Actor& system,
                                                              const policy::Covenant& c,
                                                              const store::MeetingRecord& m) {
  auto snap = ctx_.snapshots.Load(m.id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const policy::Overlegvorm* o = c.FindOverlegvorm(m.overlegvorm);
  const std::string outcome(policy::Covenant::kReservedOutcome);
  std::map<int, std::string> outcomes;
  for (const auto& sub : s.subjects) outcomes.emplace(sub.index, outcome);
  // The retention runs from the end of a meeting nobody closed.
  const int days = o ? o->retention_days : 0;
  const std::string closed_at = ctx_.Now();
  const std::string until = FormatUtc(StoredTime(m.ends_at) + std::chrono::hours(24) * days);
  std::vector<audit::Event> events;
  audit::Event closed = EventRecorder::Base(audit::kMeetingClosed, system, c, o, m.id);
  if (!o) closed.overlegvorm = m.overlegvorm;
  closed.detail = Json{{"outcomes", outcomes.size()},
                       {"retention_until", until},
                       {"decision", outcome},
                       {"reason", "not closed by its end"},
                       {"ends_at", m.ends_at}};
  events.push_back(std::move(closed));
  for (const auto& sub : s.subjects) {
    audit::Event e = EventRecorder::Base(audit::kMeetingClosed, system, c, o, m.id);
    if (!o) e.overlegvorm = m.overlegvorm;
    e.subject = sub.pseudonym;
    e.detail = Json{{"decision", outcome}};
    events.push_back(std::move(e));
  }
  Status st = ctx_.cases.Close(m.id, outcomes, closed_at, until,
                               [&] { return ctx_.events.AppendAll(std::move(events)); });
  // Closed by a coordinator meanwhile: nothing to do.
  if (st.code() == Code::kConflict) return std::optional<ClosedMeeting>();
  if (!st.ok()) return st;
  LogInfo("meeting_closed_unclosed", {{"meeting", m.id}});
  ClosedMeeting out{m.id, StoredTime(closed_at), StoredTime(until), {}};
  for (const auto& sub : s.subjects) out.outcomes.push_back({sub.ref, outcome});
  return std::optional<ClosedMeeting>(std::move(out));
}

Result<RetentionRun> Retention::Run(const audit::Actor& system) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  const TimePoint at = ctx_.clock.Now();
  const std::string now = FormatUtc(at);
  RetentionRun run;
  run.at = StoredTime(now);
  // Meetings nobody closed: closed once their end is kUnclosedGrace past.
  auto unclosed = ctx_.cases.UnclosedEndedBy(FormatUtc(at - kUnclosedGrace));
  if (!unclosed.ok()) return unclosed.status();
  for (const auto& m : *unclosed) {
    auto closed = CloseUnclosed(system, c, m);
    if (!closed.ok()) {
      LogError("retention_close_failed", {{"meeting", m.id}, {"reason", closed.status().reason()}});
      return closed.status();
    }
    if (*closed) run.closed.push_back(std::move(**closed));
  }
  auto due = ctx_.cases.DueForShredding(now);
  if (!due.ok()) return due.status();
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
  // Cases and notifications.
  VH_RETURN_IF_ERROR(ShredCasesDue(ctx_, system, now, &run));
  return run;
}

}  // namespace vh::exchange
