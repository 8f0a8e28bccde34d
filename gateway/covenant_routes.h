#pragma once
// The covenant as the web console reads it. The covenant is the
// partners' shared agreement, not personal data; these routes show what it
// says, never anything about a person, and put nothing in force.
//   GET  /v1/covenant                  any role: id, version, title, house,
//        partners (id, name, chain, signatory, municipality?), fields (id,
//        label, type, values?, category), overlegvormen (id, name, purpose,
//        members, ad_hoc, restricted, retention_days, request_identity,
//        suppliers: the partners a meeting of O may ask, a member as a member
//        and any other partner as an ad hoc invitee; residents_only: the
//        partners that see and are asked about only their residents, each as
//        it would take part; circle: whether O has one, never its CNs),
//        outcomes
//   GET  /v1/covenant/fields?overlegvorm=O
//        any role: {overlegvorm, fields: [{id, label, type, values?, category,
//        supply, see, identity}]}: the fields the caller's partner may supply
//        or see in O (as a member, or as an ad hoc invitee where O admits
//        them; the house: what it enters for a subject or sees). Missing O:
//        400 bad_query; unknown O: 404.
//   GET  /v1/covenant/matrix[?overlegvorm=O]
//        privacy-officer, coordinator, admin: the matrix of `vhgate policy
//        matrix` as data (policy/matrix.h BuildMatrix), all tables or O's only
//        (unknown O: 404)
//   POST /v1/covenant/diff             privacy-officer: body {text, name?}, a
//        candidate covenant file; the diff of `vhgate policy diff` against the
//        covenant in force: {in_force, candidate, widens, more, less, lines:
//        [{kind, text}]}. A candidate that does not load: 422
//        "invalid_covenant" with its problem lines. Read-only.
//
// REQUIRES: `services` outlives the router.

#include "gateway/router.h"
#include "gateway/services.h"

namespace vh::gw {

void RegisterCovenantRoutes(Router& router, Services& services);

}  // namespace vh::gw
