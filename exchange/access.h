#pragma once
// Need-to-know per person and per subject (internal to exchange/):
// the checks every use case makes beyond the certificate's role, so that the
// meeting routes, the dossier and the audit events agree on them.
//
//   - The circle: in a meeting of an overlegvorm with a `circle`, only the
//     certificates it lists (partner and CN) take part, whatever their role:
//     the house's coordinators and participants, the partners' participants
//     and their supplier systems. Anyone else: 403 "not_in_circle".
//   - Staff: a meeting of another overlegvorm may name the house CNs that
//     take part (CreateMeeting::staff); then the house's participant
//     certificates take part only when listed (403 "not_in_staff"). The
//     house's coordinators run every meeting they are not kept out of by a
//     circle.
//   - Declarations are per person: an ad hoc participant has signed when a
//     declaration of its partner, CN and certificate fingerprint holds the
//     hash of the text in force (else unsigned, or outdated after a reload
//     changed the text).
//   - Residents only: a subject whose municipality is not the partner's
//     does not exist for a partner the overlegvorm's `residents_only` names
//     (policy/engine.h SubjectExistsFor), in whichever way it takes part.
//
// Thread-safety: pure functions over immutable values.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/context.h"
#include "exchange/snapshot.h"
#include "exchange/types.h"

namespace vh::policy {
class Covenant;
struct Overlegvorm;
}  // namespace vh::policy

namespace vh::exchange {

// Ok when the certificate may act in a meeting of `o` (null: no longer in
// the covenant; nothing to check) that names `staff`; else PermissionDenied
// "not_in_circle" or "not_in_staff" (not yet recorded).
Status CheckCircle(const audit::Actor& caller, const policy::Covenant& c,
                   const policy::Overlegvorm* o,
                   const std::optional<std::vector<std::string>>& staff);

// Whether `caller` is a participant certificate of an ad hoc invitee of `s`.
bool IsAdHocParticipant(const audit::Actor& caller, const Snapshot& s);

// The caller's own declaration state for `s`, against the text of `c`.
DeclarationState DeclarationStateOf(const audit::Actor& caller, const Snapshot& s,
                                    const policy::Covenant& c);

// Whether subject `index` of `s` exists for `partner` (a partner id or the
// house) in `o`: residents only, in whichever way the partner takes part.
// True for the house; false for an unknown partner.
bool SubjectExists(const policy::Covenant& c, const policy::Overlegvorm& o, const Snapshot& s,
                   int index, std::string_view partner);

// A meeting the caller coordinates: the caller is a coordinator of the house
// and, where the overlegvorm has a circle, in it. A refusal is recorded
// (access_refused) before it is returned; NotFound for an unknown meeting.
Result<std::shared_ptr<const Snapshot>> LoadCoordinated(Context& ctx, const audit::Actor& caller,
                                                        const policy::Covenant& c,
                                                        std::string_view meeting_id);

}  // namespace vh::exchange
