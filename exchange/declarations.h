#pragma once
// Confidentiality declarations (internal to exchange/; ExchangeService is the
// entry): a participant of an ad hoc partner invited to a meeting reads the
// covenant's declaration and signs it by its SHA-256 before it sees anything
// of the meeting's dossier. The person signs, not the organisation: a
// signature binds the partner, the certificate's CN and fingerprint and the
// hash of the text; a reload that changes the text makes it outdated
// (exchange/access.h). Every refusal is audited.
//
// Audit events: declaration_signed. Errors and thread-safety: as
// ExchangeService (exchange_service.h). Borrows the context, which must
// outlive it.

#include <string_view>

#include "audit/event.h"
#include "core/status.h"
#include "exchange/context.h"
#include "exchange/types.h"

namespace vh::exchange {

class Declarations {
 public:
  explicit Declarations(Context& ctx) : ctx_(ctx) {}

  Result<Declaration> Get(const audit::Actor& caller, std::string_view meeting_id);
  Result<DeclarationSignature> Sign(const audit::Actor& caller, std::string_view meeting_id,
                                    const SignDeclaration& command);
  // Ok when `caller` may sign for meeting `meeting_id` (InvitedMeeting);
  // else the refusal, audited.
  Status MaySign(const audit::Actor& caller, std::string_view meeting_id);

 private:
  // The meeting, when the caller is a participant of an ad hoc partner
  // invited to it and it is open.
  Result<std::shared_ptr<const Snapshot>> InvitedMeeting(const audit::Actor& caller,
                                                         const policy::Covenant& c,
                                                         std::string_view meeting_id);

  Context& ctx_;
};

}  // namespace vh::exchange
