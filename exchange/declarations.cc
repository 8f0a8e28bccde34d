#include "exchange/declarations.h"

#include "crypto/hex.h"
#include "crypto/primitives.h"
#include "exchange/access.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {

Result<std::shared_ptr<const Snapshot>> Declarations::InvitedMeeting(const audit::Actor& caller,
                                                                     const policy::Covenant& c,
                                                                     std::string_view meeting_id) {
  auto snap = ctx_.snapshots.Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const policy::Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  auto refuse = [&](Status refusal) {
    return ctx_.events.Refuse(caller, c, o, meeting_id, refusal);
  };
  if (!IsAdHocParticipant(caller, s)) {
    return refuse(Status::PermissionDenied(
        "only ad hoc partners invited to this meeting sign a declaration"));
  }
  if (Status in = CheckCircle(caller, c, o, s.staff); !in.ok()) return refuse(in);
  if (StateOf(s.meeting) != MeetingState::kOpen) {
    return refuse(Status::Make(Code::kPermissionDenied, "meeting_closed", "the meeting is closed"));
  }
  return snap;
}

Result<Declaration> Declarations::Get(const audit::Actor& caller, std::string_view meeting_id) {
  auto cp = ctx_.covenant();
  auto snap = InvitedMeeting(caller, *cp, meeting_id);
  if (!snap.ok()) return snap.status();
  const std::string& text = cp->declaration();
  return Declaration{(*snap)->meeting.id, text, crypto::Sha256Hex(text),
                     DeclarationStateOf(caller, **snap, *cp)};
}

Status Declarations::MaySign(const audit::Actor& caller, std::string_view meeting_id) {
  auto cp = ctx_.covenant();
  return InvitedMeeting(caller, *cp, meeting_id).status();
}

Result<DeclarationSignature> Declarations::Sign(const audit::Actor& caller,
                                                std::string_view meeting_id,
                                                const SignDeclaration& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto snap = InvitedMeeting(caller, c, meeting_id);
  if (!snap.ok()) return snap.status();
  const std::string& hash = command.text_sha256;
  const std::string expected = crypto::Sha256Hex(c.declaration());
  if (hash.size() != expected.size() ||
      !crypto::ConstantTimeEqual(reinterpret_cast<const uint8_t*>(hash.data()),
                                 reinterpret_cast<const uint8_t*>(expected.data()),
                                 expected.size())) {
    return Invalid("declaration_mismatch", "/text_sha256",
                   "not the hash of the declaration in force");
  }
  const policy::Overlegvorm* o = c.FindOverlegvorm((*snap)->meeting.overlegvorm);
  const std::string now = ctx_.Now();
  audit::Event e = EventRecorder::Base(audit::kDeclarationSigned, caller, c, o, meeting_id);
  e.recipient = caller.partner;
  e.detail = Json{{"text_sha256", expected}};
  // The person signs: the signature binds the certificate that signed.
  store::DeclarationRecord d{caller.partner, caller.cn, expected, now, caller.fingerprint};
  VH_RETURN_IF_ERROR(ctx_.cases.AddDeclaration(
      meeting_id, d, [&] { return ctx_.events.AppendAll({std::move(e)}); }));
  return DeclarationSignature{std::string(meeting_id), caller.partner, caller.cn, StoredTime(now),
                              expected};
}

}  // namespace vh::exchange
