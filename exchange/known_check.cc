#include "exchange/known_check.h"

#include "core/bsn.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {

Status MayCheckKnown(Context& ctx, const audit::Actor& caller, const policy::Covenant& c) {
  const policy::Partner* partner = c.FindPartner(caller.partner);
  const bool role = HasRole(caller, Role::kSupplier) || HasRole(caller, Role::kParticipant);
  if (role && partner != nullptr && partner->check) return Status::Ok();
  return ctx.events.Refuse(
      caller, c, nullptr, "",
      Status::Make(Code::kPermissionDenied, "check_not_allowed",
                   "the covenant does not let this partner check whether a person is known"));
}

Result<KnownAnswer> CheckKnown(Context& ctx, const audit::Actor& caller,
                               const KnownCheck& command) {
  auto cp = ctx.covenant();
  VH_RETURN_IF_ERROR(MayCheckKnown(ctx, caller, *cp));
  const policy::Partner* partner = cp->FindPartner(caller.partner);  // there: MayCheckKnown
  std::optional<std::string> bsn = NormaliseBsn(command.bsn);
  if (!bsn || !IsValidBsn(*bsn))
    return Invalid("invalid_bsn", "/bsn", "not a valid BSN (11-proef)");
  const std::string pseudonym = ctx.events.pseudonymizer().SubjectPseudonym(*bsn);

  auto cases = ctx.cases.ListCases(false);
  if (!cases.ok()) return cases.status();
  KnownAnswer answer;
  std::string newest;  // created_at of the most recent open case (FormatUtc text)
  for (const store::CaseRecord& k : *cases) {
    if (k.pseudonym != pseudonym || k.status != store::kCaseOpen || k.restricted) continue;
    answer.known = true;
    if (partner->check_case_holder && k.created_at >= newest) {
      newest = k.created_at;
      answer.case_holder =
          k.case_holder.empty() ? std::nullopt : std::optional<std::string>(k.case_holder);
    }
  }
  if (!answer.known) {
    auto notes = ctx.cases.ListNotifications(false);
    if (!notes.ok()) return notes.status();
    for (const store::NotificationRecord& n : *notes) {
      if (n.pseudonym == pseudonym && n.status == store::kNotificationNew && !n.restricted) {
        answer.known = true;
        break;
      }
    }
  }
  audit::Event e = EventRecorder::Base(audit::kCheckPerformed, caller, *cp, nullptr, "");
  e.subject = pseudonym;
  e.recipient = caller.partner;
  e.detail = Json{{"known", answer.known}, {"case_holder", answer.case_holder.has_value()}};
  VH_RETURN_IF_ERROR(ctx.events.AppendAll({std::move(e)}));
  return answer;
}

}  // namespace vh::exchange
