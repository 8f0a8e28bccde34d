#pragma once
// EventRecorder: the exchange's one door to the audit log (internal to
// exchange/). Every use case builds its events from Base() and appends them
// here, so the event types, their common fields and what a caller is told
// when the log cannot write are the same everywhere, and the exchange calls
// the audit log in this file only.
//
// Durability: AppendAll and Refuse return once the events are durable; the
// async appends call `done` once, on the audit writer's thread after the
// commit (or at once on the caller's thread when the log refuses the event).
// Errors: a failed append becomes Unavailable ("audit_unavailable"), whose
// message says nothing was disclosed; the audit log's reason is logged.
// Thread-safety: as the audit log (every method may be called concurrently).
// Borrows the audit log, which must outlive the recorder.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "core/json.h"
#include "core/status.h"

namespace vh::policy {
class Covenant;
struct Overlegvorm;
}  // namespace vh::policy

namespace vh::exchange {

// The stamp every audit event carries of the covenant it was decided under
// (audit/event.h CovenantRef): the one place that reads it off a covenant.
audit::CovenantRef CovenantRefOf(const policy::Covenant& covenant);

class EventRecorder {
 public:
  explicit EventRecorder(audit::AuditLog& log) : log_(log) {}

  // An event of `type` by `actor` about `meeting` under covenant `c`, with
  // the overlegvorm and its purpose when `o` is known; outcome "ok".
  static audit::Event Base(const char* type, const audit::Actor& actor, const policy::Covenant& c,
                           const policy::Overlegvorm* o, std::string_view meeting);
  // The access_refused event of `refusal` (outcome "refused 403", 409 for a
  // Conflict, 401 for Unauthenticated; detail {reason}), with the actor's
  // partner as recipient.
  static audit::Event Refusal(const audit::Actor& actor, const policy::Covenant& c,
                              const policy::Overlegvorm* o, std::string_view meeting,
                              const Status& refusal, std::string_view subject = "",
                              std::string_view supplier = "");

  // Appends `events` in one batch (they share the writer's group commit);
  // ok once all are durable.
  Status AppendAll(std::vector<audit::Event> events);
  // Records a refusal that concerns data access; returns `refusal`, or
  // RefusalUnrecorded() when the log did not take its event.
  Status Refuse(const audit::Actor& actor, const policy::Covenant& c, const policy::Overlegvorm* o,
                std::string_view meeting, const Status& refusal, std::string_view subject = "",
                std::string_view supplier = "");
  // The same with the refusal's event made already (Refusal(), then
  // narrowed or given more detail).
  Status Refuse(audit::Event refusal_event, const Status& refusal);
  // A refusal event without blocking (dossier views).
  void AppendRefusalAsync(audit::Event refusal, std::function<void(Status)> done);
  // How many refusals this thread has handed to the log (Refuse,
  // AppendRefusalAsync), whether or not they were written: ExchangeService
  // compares it around a call to record, once, a refusal (401/403/409) that
  // the use case did not (exchange_service.cc).
  static uint64_t RefusalsOnThisThread();
  // A dossier view's event naming its part list and decision sets.
  void AppendViewAsync(audit::Event event, std::shared_ptr<const audit::PartList> list,
                       std::vector<std::shared_ptr<const audit::DecisionSet>> sets,
                       std::function<void(Status)> done);

  // What the caller is told when the audit log did not take its events
  // (ok when `result` is ok).
  static Status Recorded(const Status& result);
  // What the caller is told when the audit log did not take a refusal's event.
  static Status RefusalUnrecorded();

  // The audit log's pseudonyms of subjects and MACs of values.
  const audit::Pseudonymizer& pseudonymizer() const { return log_.pseudonymizer(); }

 private:
  audit::AuditLog& log_;
};

}  // namespace vh::exchange
