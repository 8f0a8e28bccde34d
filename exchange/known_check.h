#pragma once
// Known or not (internal to exchange/, CaseService is the entry):
// ZSM chain coordinators check daily whether a suspect is discussed in the
// house, and need "known or not", nothing more.
//
// A supplier or participant of a partner whose covenant entry has `check:
// true` (else 403 "check_not_allowed") asks with a BSN (11-proef: 422
// "invalid_bsn", never echoed). Known means: an open case of that person,
// or a notification about them not yet triaged; cases and notifications of
// a restricted circle (radicalisering: a restricted overlegvorm or category)
// are never disclosed. With `check_case_holder` the answer names the case
// holder of the person's most recent open case, when one is named. Each
// answer is a check_performed event about the person (their pseudonym), so
// the access report shows who asked.
//
// Thread-safety: as CaseService. Borrows the context.

#include "audit/event.h"
#include "core/status.h"
#include "exchange/case_types.h"
#include "exchange/context.h"

namespace vh::exchange {

// Ok when the covenant lets the caller's partner ask (check: true, a
// supplier or participant certificate); else 403 "check_not_allowed",
// audited. CheckKnown asks it first.
Status MayCheckKnown(Context& ctx, const audit::Actor& caller, const policy::Covenant& c);
Result<KnownAnswer> CheckKnown(Context& ctx, const audit::Actor& caller, const KnownCheck& command);

}  // namespace vh::exchange
