#pragma once
// CaseService: before and after the meeting (exchange/README.md "Before and
// after the meeting"), transport-free: notifications
// (meldingen) and their triage, "known or not", cases with their follow-up
// plan, and the figures for municipal factsheets. The gateway's routes
// (gateway/case_routes.cc, through gateway/codecs/case_codec.h), the
// file-drop adapter in notification mode (adapters/exchange_sink.h) and
// `vhgate stats` call it; it is a facade over exchange/notifications.h,
// cases.h, known_check.h and figures.h, which share the exchange's Context
// (covenant, audit log, case store, clock). ExchangeService owns it
// (ExchangeService::cases()).
//
// Every method, as ExchangeService's (exchange/exchange_service.h):
//   - takes the caller as an audit::Actor and checks its role and partner
//     itself (an adapter cannot go around what the router enforces);
//   - takes a typed command (exchange/case_types.h) that is structurally
//     sound, does the semantic checks and names the JSON path in 422s;
//   - returns a typed result, or a Status the router maps to HTTP (403, 404,
//     409, 422, 503);
//   - appends its audit events before returning anything that discloses or
//     records data (inside the store's transaction for writes); when the
//     log cannot write, 503 and nothing happened.
// Every 401/403/409 is an access_refused event with its reason code and the
// notification or case it concerns (detail). Status messages and log lines
// never contain names, BSNs, values or reasons: ids and codes only.
//
// Need-to-know: a notifier hears only its own notification's state and
// decision; a case of a restricted circle is seen only by the circle's
// coordinators and never counted or disclosed by a check; a gemeente sees
// the nazorg cases routed to it and the figures of its own residents.
//
// Thread-safety: all methods may be called concurrently.

#include <memory>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/case_types.h"

namespace vh::exchange {

struct Context;
class Notifications;
class Cases;

class CaseService {
 public:
  // Borrows the exchange's context, which must outlive the service.
  explicit CaseService(Context& ctx);
  ~CaseService();
  CaseService(const CaseService&) = delete;
  CaseService& operator=(const CaseService&) = delete;

  // --- notifications (exchange/notifications.h) ------------------------------
  // POST /v1/notifications.
  Result<NotificationReceipt> Notify(const audit::Actor& caller, const exchange::Notify& command);
  // Every check Notify makes, nothing stored or recorded (the file-drop
  // adapter validates a whole file first).
  Status CheckNotification(const audit::Actor& caller, const exchange::Notify& command);
  // GET /v1/notifications?status= (house coordinators).
  Result<std::vector<Notification>> ListNotifications(const audit::Actor& caller,
                                                      NotificationFilter filter);
  // GET /v1/notifications/{id}: the feedback, for the notifier or the house.
  Result<NotificationFeedback> GetNotification(const audit::Actor& caller, std::string_view id);
  // POST /v1/notifications/{id}/triage.
  Result<TriageResult> Triage(const audit::Actor& caller, std::string_view id,
                              const exchange::Triage& command);

  // --- known or not (exchange/known_check.h) --------------------------------
  // GET /v1/check?bsn= and POST /v1/check; MayCheck before the question is
  // read (a partner without check: true is refused whatever it asks).
  Status MayCheck(const audit::Actor& caller);
  Result<KnownAnswer> Check(const audit::Actor& caller, const KnownCheck& command);

  // --- cases (exchange/cases.h) ----------------------------------------------
  Result<Case> GetCase(const audit::Actor& caller, std::string_view id);
  Result<std::vector<Case>> ListCases(const audit::Actor& caller, CaseFilter filter);
  Result<FollowUpItem> CompleteFollowUp(const audit::Actor& caller, std::string_view id,
                                        const exchange::CompleteFollowUp& command);
  Result<ClosedCase> CloseCase(const audit::Actor& caller, std::string_view id,
                               const exchange::CloseCase& command);
  Result<Case> NameCaseHolder(const audit::Actor& caller, std::string_view id,
                              const exchange::NameCaseHolder& command);

  // --- figures (exchange/figures.h) ------------------------------------------
  // GET /v1/statistics, `vhgate stats`.
  Result<Figures> Statistics(const audit::Actor& caller, const FiguresQuery& query);

 private:
  Context& ctx_;
  std::unique_ptr<Notifications> notifications_;
  std::unique_ptr<Cases> cases_;
};

}  // namespace vh::exchange
