#pragma once
// Notifications (meldingen; internal to exchange/, CaseService is the
// entry): a partner notifies the house of a person, the house's
// coordinators see it with what is already known of the person and triage
// it, and the notifier hears the decision.
//
//   Notify   a supplier or participant of a signatory partner (else 403
//            "not_signatory"). The category must be the covenant's (422
//            "unknown_category"), the reason not empty, the identity a BSN or
//            a name and date of birth (exchange/case_identity.h); a category
//            with `release_date` needs one (422 "missing_field"), any other
//            may not carry one (422 "release_date_not_allowed"). Identity and
//            reason are sealed in the case store. A detention notice (a
//            category with `release_date`) is triaged at once: it joins the
//            person's open nazorg case (same BSN) or opens one, routed to the
//            gemeente whose `municipality` is the person's. `urgent` (code
//            rood) puts it first in the coordinators' list and is an
//            urgent_notification event and a warning in the log (ids only).
//   List     the house's coordinators: urgent first, then oldest first, each
//            with its matches (exchange/case_access.h MatchesOf); what is
//            restricted only to those in a circle (SeesNotification).
//   Feedback the notifying partner (any of its certificates; of a restricted
//            notification the one that sent it or one in a restricted
//            circle) or a house coordinator who sees it: the state and the
//            decision only; another partner gets 403 "not_notifier", others
//            403 "not_in_circle". Every answer is a notification_disclosed
//            event.
//   Triage   the house's coordinators who see it (403 "not_in_circle"; also
//            into an overlegvorm whose circle they are not in), once (409
//            "already_triaged").
//            agenderen puts it in a case: the open case `case` names (422
//            "unknown_case"; 409 "case_closed") or a new one (in
//            `overlegvorm` when given); niet-agenderen and doorverwijzen
//            close it (422 "case_not_allowed" with a case or overlegvorm),
//            and its retention (case_retention_days) runs from then.
//
// Events: notification_received, urgent_notification, notification_triaged,
// case_created, case_updated, notification_disclosed, access_refused; each
// appended inside the store's transaction (before_commit).
// Errors and thread-safety: as CaseService (exchange/case_service.h).
// Borrows the context, which must outlive it.

#include <optional>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/case_types.h"
#include "exchange/context.h"
#include "store/case_records.h"

namespace vh::exchange {

class Notifications {
 public:
  explicit Notifications(Context& ctx) : ctx_(ctx) {}

  Result<NotificationReceipt> Notify(const audit::Actor& caller, const exchange::Notify& command);
  // Every check of Notify, without storing or recording anything (the
  // file-drop adapter checks a whole file before it imports a row).
  Status Check(const audit::Actor& caller, const exchange::Notify& command);
  Result<std::vector<Notification>> List(const audit::Actor& caller, NotificationFilter filter);
  Result<NotificationFeedback> Feedback(const audit::Actor& caller, std::string_view id);
  Result<TriageResult> Triage(const audit::Actor& caller, std::string_view id,
                              const exchange::Triage& command);

 private:
  struct Planned {
    store::NotificationRecord record;
    store::CaseChange change;
    std::vector<audit::Event> events;
  };
  // Checks `command` and builds the record, its case change and events;
  // `record_refusals` says whether a refusal is recorded (not in a Check).
  Result<Planned> Plan(const audit::Actor& caller, const policy::Covenant& c,
                       const exchange::Notify& command, bool record_refusals);
  // The case notification `n` is in; nullopt when none (or it is gone).
  Result<std::optional<store::CaseRecord>> CaseOf(const store::NotificationRecord& n);

  Context& ctx_;
};

}  // namespace vh::exchange
