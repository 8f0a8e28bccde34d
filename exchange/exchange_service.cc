#include "exchange/exchange_service.h"

#include <type_traits>

#include "exchange/case_service.h"
#include "exchange/context.h"
#include "exchange/declarations.h"
#include "exchange/dossier_view.h"
#include "exchange/meetings.h"
#include "exchange/requests.h"
#include "exchange/retention.h"

namespace vh::exchange {
namespace {

// What a refused call concerned, for its access_refused event.
enum class Concern { kMeeting, kRequest, kNone };

bool IsRefusal(Code code) {
  return code == Code::kUnauthenticated || code == Code::kPermissionDenied ||
         code == Code::kConflict;
}

// Every 401/403/409 of the exchange is an access_refused event: the use
// cases record theirs with the overlegvorm and subject they know; a refusal
// that reaches the facade unrecorded (RefusalsOnThisThread did not move,
// e.g. a store's Conflict in a race) is recorded here with what the call
// names: the meeting, or the request (detail.request).
template <typename R>
R Recorded(Context& ctx, const audit::Actor& caller, Concern what, std::string_view id,
           uint64_t refusals_before, R result) {
  Status st;
  if constexpr (std::is_same_v<R, Status>) {
    st = result;
  } else {
    st = result.status();
  }
  if (st.ok() || !IsRefusal(st.code()) ||
      EventRecorder::RefusalsOnThisThread() != refusals_before) {
    return result;
  }
  auto cp = ctx.covenant();
  audit::Event e = EventRecorder::Refusal(caller, *cp, nullptr,
                                          what == Concern::kMeeting ? id : std::string_view(), st);
  if (what == Concern::kRequest) e.detail["request"] = std::string(id);
  return ctx.events.Refuse(std::move(e), st);
}

}  // namespace

// The shared context and the use cases over it.
struct ExchangeService::Parts {
  Parts(CovenantSource covenant, audit::AuditLog& audit, store::CaseStore& cases,
        const Clock& clock)
      : ctx(std::move(covenant), audit, cases, clock),
        meetings(ctx),
        requests(ctx),
        declarations(ctx),
        dossiers(ctx),
        retention(ctx),
        cases(ctx) {}

  Context ctx;
  Meetings meetings;
  Requests requests;
  Declarations declarations;
  DossierViews dossiers;
  Retention retention;
  CaseService cases;
};

ExchangeService::ExchangeService(CovenantSource covenant, audit::AuditLog& audit,
                                 store::CaseStore& cases, const Clock& clock)
    : parts_(std::make_unique<Parts>(std::move(covenant), audit, cases, clock)) {}

ExchangeService::~ExchangeService() = default;

Result<Meeting> ExchangeService::CreateMeeting(const audit::Actor& caller,
                                               const exchange::CreateMeeting& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, "", before,
                  parts_->meetings.Create(caller, command));
}

Result<Meeting> ExchangeService::GetMeeting(const audit::Actor& caller,
                                            std::string_view meeting_id) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, meeting_id, before,
                  parts_->meetings.Get(caller, meeting_id));
}

Result<std::vector<Meeting>> ExchangeService::ListMeetings(const audit::Actor& caller,
                                                           MeetingListFilter filter) {
  return parts_->meetings.List(caller, filter);
}

Result<std::vector<BoardRequest>> ExchangeService::RequestBoard(const audit::Actor& caller,
                                                                std::string_view meeting_id) {
  return parts_->requests.Board(caller, meeting_id);
}

Result<CreatedRequests> ExchangeService::CreateRequests(const audit::Actor& caller,
                                                        std::string_view meeting_id,
                                                        const exchange::CreateRequests& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, meeting_id, before,
                  parts_->requests.Create(caller, meeting_id, command));
}

Result<PhaseChange> ExchangeService::SetPhase(const audit::Actor& caller,
                                              std::string_view meeting_id,
                                              const exchange::SetPhase& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, meeting_id, before,
                  parts_->meetings.ChangePhase(caller, meeting_id, command));
}

Result<ClosedMeeting> ExchangeService::Close(const audit::Actor& caller,
                                             std::string_view meeting_id,
                                             const CloseMeeting& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, meeting_id, before,
                  parts_->meetings.Close(caller, meeting_id, command));
}

Result<RetentionExtension> ExchangeService::ExtendRetention(
    const audit::Actor& caller, std::string_view meeting_id,
    const exchange::ExtendRetention& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, meeting_id, before,
                  parts_->meetings.Extend(caller, meeting_id, command));
}

Result<std::vector<SupplierRequest>> ExchangeService::ListRequests(const audit::Actor& caller,
                                                                   RequestFilter filter) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kNone, "", before,
                  parts_->requests.List(caller, filter));
}

Status ExchangeService::MayAnswer(const audit::Actor& caller, std::string_view request_id) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kRequest, request_id, before,
                  parts_->requests.MayAnswer(caller, request_id));
}

Result<AnswerReceipt> ExchangeService::Answer(const audit::Actor& caller,
                                              std::string_view request_id,
                                              const AnswerRequest& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kRequest, request_id, before,
                  parts_->requests.Answer(caller, request_id, command));
}

Result<DeclinedRequest> ExchangeService::Decline(const audit::Actor& caller,
                                                 std::string_view request_id,
                                                 const DeclineRequest& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kRequest, request_id, before,
                  parts_->requests.Decline(caller, request_id, command));
}

Status ExchangeService::RecordSupplierFailure(const audit::Actor& system,
                                              std::string_view request_id,
                                              std::string_view reason) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, system, Concern::kRequest, request_id, before,
                  parts_->requests.RecordFailure(system, request_id, reason));
}

Result<Declaration> ExchangeService::GetDeclaration(const audit::Actor& caller,
                                                    std::string_view meeting_id) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, meeting_id, before,
                  parts_->declarations.Get(caller, meeting_id));
}

Status ExchangeService::MaySignDeclaration(const audit::Actor& caller,
                                           std::string_view meeting_id) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, meeting_id, before,
                  parts_->declarations.MaySign(caller, meeting_id));
}

Result<DeclarationSignature> ExchangeService::SignDeclaration(
    const audit::Actor& caller, std::string_view meeting_id,
    const exchange::SignDeclaration& command) {
  const uint64_t before = EventRecorder::RefusalsOnThisThread();
  return Recorded(parts_->ctx, caller, Concern::kMeeting, meeting_id, before,
                  parts_->declarations.Sign(caller, meeting_id, command));
}

Result<std::string> ExchangeService::DossierBody(const audit::Actor& caller,
                                                 std::string_view meeting_id) {
  return parts_->dossiers.Body(caller, meeting_id);
}

void ExchangeService::DossierBodyAsync(const audit::Actor& caller, std::string_view meeting_id,
                                       std::function<void(Result<SharedText>)> done) {
  parts_->dossiers.BodyAsync(caller, meeting_id, std::move(done));
}

Result<Json> ExchangeService::Dossier(const audit::Actor& caller, std::string_view meeting_id) {
  auto body = DossierBody(caller, meeting_id);
  if (!body.ok()) return body.status();
  JsonLimits unlimited;
  unlimited.max_bytes = body->size() + 1;
  return ParseJson(*body, unlimited);
}

Result<RetentionRun> ExchangeService::RunRetention(const audit::Actor& system) {
  return parts_->retention.Run(system);
}

CaseService& ExchangeService::cases() { return parts_->cases; }

}  // namespace vh::exchange
