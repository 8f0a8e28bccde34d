#include "exchange/events.h"

#include "core/log.h"
#include "core/trace_context.h"
#include "policy/covenant.h"

namespace vh::exchange {
namespace {
thread_local uint64_t t_refusals = 0;
}  // namespace

uint64_t EventRecorder::RefusalsOnThisThread() { return t_refusals; }

audit::CovenantRef CovenantRefOf(const policy::Covenant& c) {
  return audit::CovenantRef{c.id(), c.version(), c.sha256()};
}

audit::Event EventRecorder::Base(const char* type, const audit::Actor& actor,
                                 const policy::Covenant& c, const policy::Overlegvorm* o,
                                 std::string_view meeting) {
  audit::Event e;
  e.type = type;
  e.actor = actor;
  e.meeting = std::string(meeting);
  if (o) {
    e.overlegvorm = o->id;
    e.purpose = o->purpose;
  }
  e.covenant = CovenantRefOf(c);
  e.outcome = "ok";
  return e;
}

audit::Event EventRecorder::Refusal(const audit::Actor& actor, const policy::Covenant& c,
                                    const policy::Overlegvorm* o, std::string_view meeting,
                                    const Status& refusal, std::string_view subject,
                                    std::string_view supplier) {
  audit::Event e = Base(audit::kAccessRefused, actor, c, o, meeting);
  e.subject = std::string(subject);
  e.supplier = std::string(supplier);
  e.recipient = actor.partner;
  const int http = refusal.code() == Code::kConflict          ? 409
                   : refusal.code() == Code::kUnauthenticated ? 401
                                                              : 403;
  e.outcome = "refused " + std::to_string(http);
  e.detail = Json{{"reason", refusal.reason()}};
  // Within a request: the route it was refused on, as the gateway's own
  // refusals name it (gateway/app.cc RecordRefusal).
  if (const auto& t = CurrentTrace(); t && !t->route.empty()) {
    e.detail["method"] = t->method;
    e.detail["route"] = t->route;
  }
  return e;
}

Status EventRecorder::AppendAll(std::vector<audit::Event> events) {
  if (events.empty()) return Status::Ok();
  return Recorded(log_.Append(audit::AppendRequest(std::move(events))).status());
}

Status EventRecorder::Refuse(const audit::Actor& actor, const policy::Covenant& c,
                             const policy::Overlegvorm* o, std::string_view meeting,
                             const Status& refusal, std::string_view subject,
                             std::string_view supplier) {
  ++t_refusals;
  Status s = log_.Append(Refusal(actor, c, o, meeting, refusal, subject, supplier)).status();
  if (!s.ok()) return RefusalUnrecorded();
  return refusal;
}

Status EventRecorder::Refuse(audit::Event refusal_event, const Status& refusal) {
  ++t_refusals;
  Status s = log_.Append(std::move(refusal_event)).status();
  if (!s.ok()) return RefusalUnrecorded();
  return refusal;
}

void EventRecorder::AppendRefusalAsync(audit::Event refusal, std::function<void(Status)> done) {
  ++t_refusals;
  log_.AppendAsync(std::move(refusal), std::move(done));
}

void EventRecorder::AppendViewAsync(audit::Event event, std::shared_ptr<const audit::PartList> list,
                                    std::vector<std::shared_ptr<const audit::DecisionSet>> sets,
                                    std::function<void(Status)> done) {
  log_.AppendAsync(audit::AppendRequest::View(std::move(event), std::move(sets), std::move(list)),
                   std::move(done));
}

Status EventRecorder::Recorded(const Status& result) {
  if (!result.ok()) {
    LogError("audit_append_failed", {{"reason", result.reason()}});
    return Status::Unavailable("audit_unavailable",
                               "the audit log cannot record this; nothing was disclosed");
  }
  return Status::Ok();
}

Status EventRecorder::RefusalUnrecorded() {
  return Status::Unavailable("audit_unavailable", "the audit log cannot record this");
}

}  // namespace vh::exchange
