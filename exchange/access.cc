#include "exchange/access.h"

#include <algorithm>

#include "crypto/primitives.h"
#include "exchange/context.h"
#include "policy/covenant.h"
#include "policy/engine.h"

namespace vh::exchange {

Status CheckCircle(const audit::Actor& caller, const policy::Covenant& c,
                   const policy::Overlegvorm* o,
                   const std::optional<std::vector<std::string>>& staff) {
  if (o == nullptr) return Status::Ok();
  if (!o->circle.empty()) {
    if (policy::InCircle(*o, caller.partner, caller.cn)) return Status::Ok();
    return Status::Make(Code::kPermissionDenied, "not_in_circle",
                        "this certificate is not in the circle of this overlegvorm");
  }
  if (staff && c.IsHouse(caller.partner) && HasRole(caller, Role::kParticipant) &&
      std::find(staff->begin(), staff->end(), caller.cn) == staff->end()) {
    return Status::Make(Code::kPermissionDenied, "not_in_staff",
                        "this meeting names the house staff taking part; this certificate is "
                        "not among them");
  }
  return Status::Ok();
}

bool IsAdHocParticipant(const audit::Actor& caller, const Snapshot& s) {
  return HasRole(caller, Role::kParticipant) && s.IsAdHoc(caller.partner);
}

DeclarationState DeclarationStateOf(const audit::Actor& caller, const Snapshot& s,
                                    const policy::Covenant& c) {
  return s.DeclarationOf(caller.partner, caller.cn, caller.fingerprint,
                         crypto::Sha256Hex(c.declaration()));
}

bool SubjectExists(const policy::Covenant& c, const policy::Overlegvorm& o, const Snapshot& s,
                   int index, std::string_view partner) {
  if (c.IsHouse(partner)) return true;
  const int principal = c.PrincipalIndex(partner);
  if (principal < 0 || index < 0 || static_cast<std::size_t>(index) >= s.scopes.size()) {
    return false;
  }
  const std::string& municipality = s.scopes[static_cast<std::size_t>(index)].municipality;
  // As the filter decides (policy/filter.h): whichever way it takes part.
  return policy::SubjectExistsFor(c, o, principal, false, municipality) &&
         policy::SubjectExistsFor(c, o, principal, true, municipality);
}

Result<std::shared_ptr<const Snapshot>> LoadCoordinated(Context& ctx, const audit::Actor& caller,
                                                        const policy::Covenant& c,
                                                        std::string_view meeting_id) {
  if (Status s = RequireHouseCoordinator(caller, c); !s.ok()) {
    return ctx.events.Refuse(caller, c, nullptr, meeting_id, s);
  }
  auto snap = ctx.snapshots.Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const policy::Overlegvorm* o = c.FindOverlegvorm((*snap)->meeting.overlegvorm);
  if (Status s = CheckCircle(caller, c, o, (*snap)->staff); !s.ok()) {
    return ctx.events.Refuse(caller, c, o, meeting_id, s);
  }
  return snap;
}

}  // namespace vh::exchange
