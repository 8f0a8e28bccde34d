#pragma once
// Cases (casussen; internal to exchange/, CaseService is the entry; issue
// 19): what the house keeps about a person between meetings: the
// notifications it grouped, the meetings that named it and their decisions,
// the case holder, the follow-up plan (exchange/follow_up.h), closing, and
// retention from the close.
//
//   Get/List   a house coordinator sees every case it may (exchange/
//              case_access.h SeesCase; else 403 "not_in_circle"); a gemeente's
//              participant sees the nazorg cases routed to its partner,
//              limited (no notifications, reasons, meetings or outcomes;
//              elsewhere 403 "not_routed"), each single view a case_disclosed
//              event. The list shows nobody's identity to a gemeente.
//   FollowUp   a house coordinator closes a plan item with a short outcome
//              (422 "unknown_follow_up" for a day the plan does not have, 409
//              "follow_up_done" when closed before, "case_closed").
//   Close      a house coordinator, with a reason (sealed); 409 "case_closed".
//              Its notifications close with it; its retention runs
//              case_retention_days from now.
//   Holder     a house coordinator names the case holder: a signatory partner
//              (422 "unknown_partner", "non_signatory").
//
// Events: follow_up_done, case_closed, case_updated, case_disclosed,
// access_refused; appended inside the store's transaction.
// Errors and thread-safety: as CaseService. Borrows the context.

#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/case_types.h"
#include "exchange/context.h"
#include "store/case_records.h"

namespace vh::exchange {

class Cases {
 public:
  explicit Cases(Context& ctx) : ctx_(ctx) {}

  Result<Case> Get(const audit::Actor& caller, std::string_view id);
  Result<std::vector<Case>> List(const audit::Actor& caller, CaseFilter filter);
  Result<FollowUpItem> FollowUp(const audit::Actor& caller, std::string_view id,
                                const CompleteFollowUp& command);
  Result<ClosedCase> Close(const audit::Actor& caller, std::string_view id,
                           const CloseCase& command);
  Result<Case> NameHolder(const audit::Actor& caller, std::string_view id,
                          const NameCaseHolder& command);

 private:
  // A case the caller coordinates (SeesCase), or the recorded refusal;
  // NotFound for an unknown or shredded case.
  Result<store::CaseRecord> LoadCoordinated(const audit::Actor& caller, const policy::Covenant& c,
                                            std::string_view id);
  // The same, and still open (else the recorded 409 case_closed).
  Result<store::CaseRecord> LoadOpen(const audit::Actor& caller, const policy::Covenant& c,
                                     std::string_view id);
  // The case as a coordinator (full) or a gemeente (limited) sees it;
  // `with_identity` false leaves the identity out (lists for a gemeente).
  Result<Case> View(const store::CaseRecord& k, bool limited, bool with_identity);

  Context& ctx_;
};

}  // namespace vh::exchange
