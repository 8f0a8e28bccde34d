#include "exchange/declarations.h"

#include "crypto/hex.h"
#include "crypto/primitives.h"
#include "policy/covenant.h"
#include "store/case_store.h"

namespace vh::exchange {

Result<std::shared_ptr<const Snapshot>> Declarations::InvitedMeeting(const audit::Actor& caller,
                                                                     std::string_view meeting_id) {
  auto snap = ctx_.snapshots.Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  if (!HasRole(caller, Role::kParticipant) || !s.IsAdHoc(caller.partner)) {
    return Status::PermissionDenied(
        "only ad hoc partners invited to this meeting sign a declaration");
  }
  if (StateOf(s.meeting) != MeetingState::kOpen) {
    return Status::Make(Code::kPermissionDenied, "meeting_closed", "the meeting is closed");
  }
  return snap;
}

Result<Declaration> Declarations::Get(const audit::Actor& caller, std::string_view meeting_id) {
  auto cp = ctx_.covenant();
  auto snap = InvitedMeeting(caller, meeting_id);
  if (!snap.ok()) return snap.status();
  const std::string& text = cp->declaration();
  return Declaration{(*snap)->meeting.id, text, crypto::Sha256Hex(text),
                     (*snap)->Signed(caller.partner)};
}

Result<DeclarationSignature> Declarations::Sign(const audit::Actor& caller,
                                                std::string_view meeting_id,
                                                const SignDeclaration& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto snap = InvitedMeeting(caller, meeting_id);
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
  store::DeclarationRecord d{caller.partner, caller.cn, expected, now};
  VH_RETURN_IF_ERROR(ctx_.cases.AddDeclaration(
      meeting_id, d, [&] { return ctx_.events.AppendAll({std::move(e)}); }));
  return DeclarationSignature{std::string(meeting_id), caller.partner, caller.cn, StoredTime(now),
                              expected};
}

}  // namespace vh::exchange
