#include "exchange/events.h"

#include "core/log.h"
#include "policy/covenant.h"

namespace vh::exchange {

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
  e.covenant_id = c.id();
  e.covenant_version = c.version();
  e.covenant_sha256 = c.sha256();
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
  e.outcome = "refused " + std::to_string(refusal.code() == Code::kConflict ? 409 : 403);
  e.detail = Json{{"reason", refusal.reason()}};
  return e;
}

Status EventRecorder::AppendAll(std::vector<audit::Event> events) {
  if (events.empty()) return Status::Ok();
  return Recorded(log_.AppendBatch(std::move(events)));
}

Status EventRecorder::Refuse(const audit::Actor& actor, const policy::Covenant& c,
                             const policy::Overlegvorm* o, std::string_view meeting,
                             const Status& refusal, std::string_view subject,
                             std::string_view supplier) {
  Status s = log_.Append(Refusal(actor, c, o, meeting, refusal, subject, supplier));
  if (!s.ok()) return RefusalUnrecorded();
  return refusal;
}

void EventRecorder::AppendRefusalAsync(audit::Event refusal, std::function<void(Status)> done) {
  log_.AppendWithSetsAsync(std::move(refusal), {}, std::move(done));
}

void EventRecorder::AppendViewAsync(audit::Event event, std::shared_ptr<const audit::PartList> list,
                                    std::vector<std::shared_ptr<const audit::DecisionSet>> sets,
                                    std::function<void(Status)> done) {
  log_.AppendViewAsync(std::move(event), std::move(list), std::move(sets), std::move(done));
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

std::string EventRecorder::SubjectPseudonym(std::string_view bsn_or_ref) const {
  return log_.SubjectPseudonym(bsn_or_ref);
}

std::string EventRecorder::ValueMac(std::string_view field, const Json& value) const {
  return log_.ValueMac(field, value);
}

std::string EventRecorder::ValueMacOfText(std::string_view field,
                                          std::string_view json_text) const {
  return log_.ValueMacOfText(field, json_text);
}

}  // namespace vh::exchange
