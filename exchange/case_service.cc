#include "exchange/case_service.h"

#include <type_traits>

#include "exchange/cases.h"
#include "exchange/context.h"
#include "exchange/figures.h"
#include "exchange/known_check.h"
#include "exchange/notifications.h"
#include "policy/covenant.h"

namespace vh::exchange {
namespace {

// What a refused call concerned, for its access_refused event.
enum class CaseConcern { kNotification, kCase, kNone };

// A 401/403/409 that reaches the facade unrecorded (a store's Conflict in a
// race: triaged, closed or completed meanwhile) is recorded here, naming the
// notification or case (exchange_service.cc does the same for meetings).
template <typename R>
R RecordedCase(Context& ctx, const audit::Actor& caller, CaseConcern what, std::string_view id,
               uint64_t refusals_before, R result) {
  const Status st = result.status();
  const bool refusal = st.code() == Code::kUnauthenticated ||
                       st.code() == Code::kPermissionDenied || st.code() == Code::kConflict;
  if (st.ok() || !refusal || EventRecorder::RefusalsOnThisThread() != refusals_before) {
    return result;
  }
  auto cp = ctx.covenant();
  audit::Event e = EventRecorder::Refusal(caller, *cp, nullptr, "", st);
  if (what == CaseConcern::kNotification) e.detail["notification"] = std::string(id);
  if (what == CaseConcern::kCase) e.detail["case"] = std::string(id);
  return ctx.events.Refuse(std::move(e), st);
}

}  // namespace

CaseService::CaseService(Context& ctx)
    : ctx_(ctx),
      notifications_(std::make_unique<Notifications>(ctx)),
      cases_(std::make_unique<Cases>(ctx)) {}

CaseService::~CaseService() = default;

Result<NotificationReceipt> CaseService::Notify(const audit::Actor& caller,
                                                const exchange::Notify& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return RecordedCase(ctx_, caller, CaseConcern::kNone, "", before,
                      notifications_->Notify(caller, command));
}

Status CaseService::CheckNotification(const audit::Actor& caller, const exchange::Notify& command) {
  return notifications_->Check(caller, command);
}

Result<std::vector<Notification>> CaseService::ListNotifications(const audit::Actor& caller,
                                                                 NotificationFilter filter) {
  return notifications_->List(caller, filter);
}

Result<NotificationFeedback> CaseService::GetNotification(const audit::Actor& caller,
                                                          std::string_view id) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return RecordedCase(ctx_, caller, CaseConcern::kNotification, id, before,
                      notifications_->Feedback(caller, id));
}

Result<TriageResult> CaseService::Triage(const audit::Actor& caller, std::string_view id,
                                         const exchange::Triage& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return RecordedCase(ctx_, caller, CaseConcern::kNotification, id, before,
                      notifications_->Triage(caller, id, command));
}

Status CaseService::MayCheck(const audit::Actor& caller) {
  return MayCheckKnown(ctx_, caller, *ctx_.covenant());
}

Result<KnownAnswer> CaseService::Check(const audit::Actor& caller, const KnownCheck& command) {
  return CheckKnown(ctx_, caller, command);
}

Result<Case> CaseService::GetCase(const audit::Actor& caller, std::string_view id) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return RecordedCase(ctx_, caller, CaseConcern::kCase, id, before, cases_->Get(caller, id));
}

Result<std::vector<Case>> CaseService::ListCases(const audit::Actor& caller, CaseFilter filter) {
  return cases_->List(caller, filter);
}

Result<FollowUpItem> CaseService::CompleteFollowUp(const audit::Actor& caller, std::string_view id,
                                                   const exchange::CompleteFollowUp& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return RecordedCase(ctx_, caller, CaseConcern::kCase, id, before,
                      cases_->FollowUp(caller, id, command));
}

Result<ClosedCase> CaseService::CloseCase(const audit::Actor& caller, std::string_view id,
                                          const exchange::CloseCase& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return RecordedCase(ctx_, caller, CaseConcern::kCase, id, before,
                      cases_->Close(caller, id, command));
}

Result<Case> CaseService::NameCaseHolder(const audit::Actor& caller, std::string_view id,
                                         const exchange::NameCaseHolder& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return RecordedCase(ctx_, caller, CaseConcern::kCase, id, before,
                      cases_->NameHolder(caller, id, command));
}

Result<Figures> CaseService::Statistics(const audit::Actor& caller, const FiguresQuery& query) {
  return ComputeFigures(ctx_, caller, query);
}

}  // namespace vh::exchange
