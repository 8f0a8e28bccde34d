#include "exchange/meetings.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "core/bsn.h"
#include "core/log.h"
#include "crypto/primitives.h"
#include "exchange/access.h"
#include "exchange/case_links.h"
#include "exchange/participation.h"
#include "policy/covenant.h"
#include "policy/engine.h"
#include "policy/filter.h"
#include "policy/loader.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

// Checks the participants (members) and ad hoc invitees of a new meeting.
Status CheckParticipants(const policy::Covenant& c, const policy::Overlegvorm& o,
                         const std::vector<std::string>& members,
                         const std::vector<std::string>& ad_hoc) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string path = "/participants/" + std::to_string(i);
    const policy::Partner* p = c.FindPartner(members[i]);
    if (!p) return Invalid("unknown_partner", path, "not a partner of the covenant");
    if (!p->signatory) {
      return Invalid("non_signatory", path,
                     "a partner that has not signed the covenant can only be invited ad hoc");
    }
    if (!o.IsMember(p->index)) {
      return Invalid("not_a_member", path, "not a member of this overlegvorm");
    }
    if (!seen.insert(members[i]).second) return Invalid("duplicate", path, "listed twice");
  }
  for (std::size_t i = 0; i < ad_hoc.size(); ++i) {
    const std::string path = "/ad_hoc/" + std::to_string(i);
    if (!o.AdmitsAdHoc()) {
      return Invalid("ad_hoc_not_admitted", path,
                     o.restricted ? "a restricted overlegvorm admits members only"
                                  : "this overlegvorm admits no ad hoc partners");
    }
    const policy::Partner* p = c.FindPartner(ad_hoc[i]);
    if (!p) return Invalid("unknown_partner", path, "not a partner of the covenant");
    if (o.IsMember(p->index)) return Invalid("duplicate", path, "already a member");
    if (!seen.insert(ad_hoc[i]).second) return Invalid("duplicate", path, "listed twice");
  }
  return Status::Ok();
}

bool HasControlChars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; });
}

// The house CNs a new meeting names.
Status CheckStaff(const policy::Overlegvorm& o, const std::vector<std::string>& staff) {
  if (!o.circle.empty()) {
    return Invalid("staff_with_circle", "/staff",
                   "the overlegvorm's circle names who of the house takes part");
  }
  if (staff.size() > kMaxStaff) return Invalid("too_many", "/staff", "too many CNs");
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < staff.size(); ++i) {
    const std::string path = "/staff/" + std::to_string(i);
    if (staff[i].empty()) return Invalid("empty", path, "must not be empty");
    if (staff[i].size() > kMaxCnBytes || HasControlChars(staff[i])) {
      return Invalid("invalid_cn", path, "not a certificate CN (at most 64 characters)");
    }
    if (!seen.insert(staff[i]).second) return Invalid("duplicate", path, "listed twice");
  }
  return Status::Ok();
}

// The municipality a subject lives in: as the coordinator gave it, else the
// `gemeente` of the first address in its identity (field order); "" when
// unknown.
Result<std::string> SubjectMunicipality(const policy::Covenant& c, const SubjectEntry& entry,
                                        const std::string& path) {
  if (entry.municipality) {
    std::string_view m = policy::TrimAscii(*entry.municipality);
    if (m.empty()) return Invalid("empty", path + "/municipality", "must not be blank");
    if (m.size() > kMaxMunicipalityBytes || HasControlChars(m)) {
      return Invalid("invalid_municipality", path + "/municipality",
                     "not a municipality name (at most 128 characters)");
    }
    return std::string(m);
  }
  for (const auto& [key, value] : entry.identity) {
    const policy::Field* field = c.FindField(key);
    if (!field || field->type != policy::FieldType::kAddress || !value.is_object()) continue;
    auto g = value.find("gemeente");
    if (g != value.end() && g->is_string()) {
      std::string_view m = policy::TrimAscii(g->get_ref<const std::string&>());
      if (!m.empty()) return std::string(m);
    }
  }
  return std::string();
}

// The partners a coordinator names for one subject: each one the covenant
// lets supply in the overlegvorm and for which the subject exists.
Status CheckSubjectSuppliers(const policy::Covenant& c, const policy::Overlegvorm& o,
                             const std::vector<std::string>& ad_hoc,
                             const std::string& municipality,
                             const std::vector<std::string>& suppliers, const std::string& path) {
  const std::vector<const policy::Partner*> may = policy::RequestSuppliers(c, o, ad_hoc);
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < suppliers.size(); ++i) {
    const std::string p = path + "/suppliers/" + std::to_string(i);
    const policy::Partner* partner = c.FindPartner(suppliers[i]);
    if (!partner) return Invalid("unknown_partner", p, "not a partner of the covenant");
    if (std::find(may.begin(), may.end(), partner) == may.end()) {
      return Invalid("nothing_to_supply", p,
                     "the covenant lets this partner supply nothing in this meeting");
    }
    const bool invited = std::find(ad_hoc.begin(), ad_hoc.end(), partner->id) != ad_hoc.end();
    if (!policy::AskAbout(c, o, partner->id, invited, municipality)) {
      return Invalid("not_resident", p,
                     "this partner sees only residents of its municipality in this overlegvorm");
    }
    if (!seen.insert(suppliers[i]).second) return Invalid("duplicate", p, "listed twice");
  }
  return Status::Ok();
}

}  // namespace

Result<Meeting> Meetings::Create(const audit::Actor& caller, const CreateMeeting& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  if (Status s = RequireHouseCoordinator(caller, c); !s.ok()) {
    return ctx_.events.Refuse(caller, c, nullptr, "", s);
  }
  const policy::Overlegvorm* o = c.FindOverlegvorm(command.overlegvorm);
  if (!o) {
    return Invalid("unknown_overlegvorm", "/overlegvorm", "not an overlegvorm of the covenant");
  }
  // The coordinator who creates a meeting of a circle must be in it.
  if (Status s = CheckCircle(caller, c, o, std::nullopt); !s.ok()) {
    return ctx_.events.Refuse(caller, c, o, "", s);
  }
  if (command.staff) VH_RETURN_IF_ERROR(CheckStaff(*o, *command.staff));
  if (command.ends_at <= command.starts_at) {
    return Invalid("invalid_time", "/ends_at", "must be after starts_at");
  }
  // Participants: members of the overlegvorm (default: all of them).
  std::vector<std::string> members;
  if (command.participants) {
    members = *command.participants;
  } else {
    for (const auto* p : o->members) members.push_back(p->id);
  }
  const std::vector<std::string>& ad_hoc = command.ad_hoc;
  VH_RETURN_IF_ERROR(CheckParticipants(c, *o, members, ad_hoc));

  // Subjects.
  if (command.subjects.empty()) return Invalid("empty", "/subjects", "at least one subject");
  if (command.subjects.size() > kMaxSubjects) {
    return Invalid("too_many", "/subjects", "too many subjects");
  }
  const std::string now = ctx_.Now();
  store::NewMeeting nm;
  nm.meeting.id = store::NewId("m");
  nm.meeting.overlegvorm = o->id;
  nm.meeting.title = command.title;
  nm.meeting.starts_at = FormatUtc(command.starts_at);
  nm.meeting.ends_at = FormatUtc(command.ends_at);
  nm.meeting.created_at = now;
  nm.meeting.created_by = caller.cn;
  nm.meeting.covenant_id = c.id();
  nm.meeting.covenant_version = c.version();
  nm.meeting.covenant_sha256 = c.sha256();
  for (const auto& m : members) nm.participants.push_back({m, false});
  for (const auto& a : ad_hoc) nm.participants.push_back({a, true});
  nm.staff = command.staff;
  Json ref_keys = Json::object();  // the audit's key of each (meeting, ref) -> pseudonym
  std::vector<store::AnswerRecord> house_answers;
  std::set<std::string> refs;
  for (std::size_t i = 0; i < command.subjects.size(); ++i) {
    const SubjectEntry& entry = command.subjects[i];
    const std::string path = "/subjects/" + std::to_string(i);
    store::SubjectRecord s;
    s.index = static_cast<int>(i);
    s.ref = entry.ref;
    if (s.ref.empty()) return Invalid("empty", path + "/ref", "must not be empty");
    if (!refs.insert(s.ref).second) return Invalid("duplicate", path + "/ref", "listed twice");
    s.reason = entry.reason;
    std::string bsn;
    Json identity = Json::object();
    for (const auto& [key, value] : entry.identity) {
      const std::string fpath = path + "/identity/" + policy::JsonPointerToken(key);
      const policy::Field* field = c.FindField(key);
      if (!field) {
        return Status::Unprocessable("unknown_field", fpath + ": not a field of the covenant");
      }
      const bool for_requests = std::find(o->request_identity.begin(), o->request_identity.end(),
                                          field) != o->request_identity.end();
      const bool house_supplies = policy::MaySupply(c, *o, *field, c.house());
      if (!for_requests && !house_supplies) {
        return Invalid("not_identity_field", fpath,
                       "neither a request_identity field of the overlegvorm nor supplied by the "
                       "house");
      }
      VH_RETURN_IF_ERROR(policy::ValidateValue(*field, value, fpath));
      if (field->category == policy::Category::kBsn && !value.is_null()) {
        if (!value.is_string() || !IsValidBsn(value.get_ref<const std::string&>())) {
          return Invalid("invalid_bsn", fpath, "not a valid BSN (11-proef)");
        }
        bsn = value.get<std::string>();
      }
      if (for_requests) identity[field->id] = value;
      if (house_supplies && !value.is_null()) {
        house_answers.push_back({s.index, c.house(), field->id, value, "", now});
      }
    }
    s.identity = std::move(identity);
    // Without a BSN the pseudonym is the meeting's own: "S1" of one meeting
    // is not "S1" of another.
    const audit::Pseudonymizer& pseudonyms = ctx_.events.pseudonymizer();
    const std::string ref_key = pseudonyms.MeetingSubjectPseudonym(nm.meeting.id, s.ref);
    s.pseudonym = bsn.empty() ? ref_key : pseudonyms.SubjectPseudonym(bsn);
    ref_keys[ref_key] = s.pseudonym;
    auto municipality = SubjectMunicipality(c, entry, path);
    if (!municipality.ok()) return municipality.status();
    if (entry.suppliers) {
      VH_RETURN_IF_ERROR(
          CheckSubjectSuppliers(c, *o, ad_hoc, *municipality, *entry.suppliers, path));
    }
    if (!municipality->empty() || entry.suppliers) {
      nm.scopes.push_back({s.index, std::move(*municipality), entry.suppliers});
    }
    nm.subjects.push_back(std::move(s));
  }
  // Subjects discussed for a case (exchange/case_links.h).
  auto case_links = CaseLinksOf(ctx_, caller, c, *o, command);
  if (!case_links.ok()) return case_links.status();
  nm.case_links = std::move(*case_links);

  std::vector<audit::Event> events;
  {
    audit::Event e = EventRecorder::Base(audit::kMeetingCreated, caller, c, o, nm.meeting.id);
    // `refs` lets an access report be asked for by meeting and ref
    // (audit/audit_service.h); it names pseudonyms only.
    e.detail = Json{{"subjects", nm.subjects.size()},
                    {"participants", members},
                    {"ad_hoc", ad_hoc},
                    {"starts_at", nm.meeting.starts_at},
                    {"ends_at", nm.meeting.ends_at},
                    {"refs", std::move(ref_keys)}};
    if (command.staff) e.detail["staff"] = *command.staff;
    if (!nm.case_links.empty()) e.detail["cases"] = nm.case_links.size();
    events.push_back(std::move(e));
  }
  Status s = ctx_.cases.CreateMeeting(nm, house_answers,
                                      [&] { return ctx_.events.AppendAll(std::move(events)); });
  if (!s.ok()) return s;
  LogInfo("meeting_created",
          {{"meeting", nm.meeting.id}, {"overlegvorm", o->id}, {"subjects", nm.subjects.size()}});
  auto snap = ctx_.snapshots.Load(nm.meeting.id);
  if (!snap.ok()) return snap.status();
  return View(**snap, c, "");
}

Result<Meeting> Meetings::Get(const audit::Actor& caller, std::string_view meeting_id) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto snap = ctx_.snapshots.Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  auto seen = SeenBy(caller, c, s);
  if (!seen.ok() && seen.status().code() == Code::kPermissionDenied) {
    return ctx_.events.Refuse(caller, c, c.FindOverlegvorm(s.meeting.overlegvorm), meeting_id,
                              seen.status());
  }
  return seen;
}

Result<Meeting> Meetings::SeenBy(const audit::Actor& caller, const policy::Covenant& c,
                                 const Snapshot& s) {
  VH_RETURN_IF_ERROR(Participation(caller, c, s));
  if (IsHouseCoordinator(caller, c)) return View(s, c, "");
  if (IsAdHocParticipant(caller, s)) {
    // Before the person signed the text in force, and after the end, an ad
    // hoc participant sees only when the meeting is and its own state.
    const DeclarationState d = DeclarationStateOf(caller, s, c);
    if (d != DeclarationState::kSigned || ctx_.Now() >= s.meeting.ends_at) {
      Meeting limited;
      limited.id = s.meeting.id;
      limited.overlegvorm = s.meeting.overlegvorm;
      limited.state = StateOf(s.meeting);
      limited.limited = true;
      limited.declaration = d;
      limited.starts_at = StoredTime(s.meeting.starts_at);
      limited.ends_at = StoredTime(s.meeting.ends_at);
      return limited;
    }
    Meeting out = View(s, c, caller.partner);
    out.declaration = d;
    return out;
  }
  return View(s, c, caller.partner);
}
Result<std::vector<Meeting>> Meetings::List(const audit::Actor& caller, MeetingListFilter filter) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto listing = ctx_.cases.ListMeetings();
  if (!listing.ok()) return listing.status();
  const std::string now = ctx_.Now();
  std::vector<Meeting> out;
  for (const store::MeetingListing& m : *listing) {
    const bool open = m.state == store::kMeetingOpen;
    const bool started = m.starts_at <= now;  // both FormatUtc text: string order is time order
    if ((filter == MeetingListFilter::kUpcoming && !(open && !started)) ||
        (filter == MeetingListFilter::kOpen && !(open && started)) ||
        (filter == MeetingListFilter::kClosed && m.state != store::kMeetingClosed)) {
      continue;
    }
    auto snap = ctx_.snapshots.Load(m.id);
    if (!snap.ok()) return snap.status();
    // What Get shows; a meeting the caller does not take part in is left out
    // without an event (listing is not an attempt to read it).
    auto seen = SeenBy(caller, c, **snap);
    if (!seen.ok()) {
      if (seen.status().code() == Code::kPermissionDenied) continue;
      return seen.status();
    }
    out.push_back(std::move(*seen));
  }
  return out;
}

Meeting Meetings::View(const Snapshot& s, const policy::Covenant& c, std::string_view viewer) {
  const bool coordinator = viewer.empty();
  const store::MeetingRecord& m = s.meeting;
  Meeting out;
  out.id = m.id;
  out.overlegvorm = m.overlegvorm;
  out.state = StateOf(m);
  out.covenant = {m.covenant_id, m.covenant_version, m.covenant_sha256};
  if (out.state == MeetingState::kShredded) {
    out.shredded_at = StoredTime(m.shredded_at);
    return out;
  }
  const policy::Overlegvorm* o = c.FindOverlegvorm(m.overlegvorm);
  if (o) out.purpose = o->purpose;
  out.title = m.title;
  out.starts_at = StoredTime(m.starts_at);
  out.ends_at = StoredTime(m.ends_at);
  out.created_at = StoredTime(m.created_at);
  out.phase = m.client_present ? Phase::kClientPresent : Phase::kClientAbsent;
  const std::string text_sha256 = crypto::Sha256Hex(c.declaration());
  for (const auto& p : s.participants) {
    if (p.ad_hoc) {
      out.ad_hoc.push_back({p.partner, s.AnySigned(p.partner, text_sha256)});
    } else {
      out.participants.push_back(p.partner);
    }
  }
  for (const auto& sub : s.subjects) {
    // A subject that does not exist for the viewer's partner is not listed
    // (residents only); fail closed once the overlegvorm is withdrawn.
    if (!coordinator && (!o || !SubjectExists(c, *o, s, sub.index, viewer))) continue;
    MeetingSubject x{sub.ref, std::nullopt, std::nullopt};
    if (coordinator) x.reason = sub.reason;
    if (!sub.outcome.empty()) x.outcome = sub.outcome;
    out.subjects.push_back(std::move(x));
  }
  if (out.state == MeetingState::kClosed) {
    out.closed_at = StoredTime(m.closed_at);
    out.retention_until = StoredTime(m.retention_until);
    if (!m.extended_until.empty()) {
      out.extended_until = StoredTime(m.extended_until);
      if (coordinator) {
        out.extension_reason = m.extension_reason;
        if (!m.extension_code.empty()) out.extension_code = m.extension_code;
      }
    }
  }
  if (coordinator) {
    out.staff = s.staff;
    auto reqs = ctx_.cases.RequestsOfMeeting(m.id);
    if (reqs.ok()) {
      std::map<RequestState, int> counts;
      const std::string now = ctx_.Now();
      for (const auto& r : *reqs) counts[EffectiveState(r, now)]++;
      out.requests = std::move(counts);
    }
  }
  return out;
}

Result<PhaseChange> Meetings::ChangePhase(const audit::Actor& caller, std::string_view meeting_id,
                                          const SetPhase& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  const bool present = command.client_present;
  auto snap = LoadCoordinated(ctx_, caller, c, meeting_id);
  if (!snap.ok()) return snap.status();
  const policy::Overlegvorm* o = c.FindOverlegvorm((*snap)->meeting.overlegvorm);
  audit::Event e = EventRecorder::Base(audit::kPhaseChanged, caller, c, o, meeting_id);
  e.detail = Json{{"client_present", present}};
  VH_RETURN_IF_ERROR(ctx_.cases.SetPhase(meeting_id, present,
                                         [&] { return ctx_.events.AppendAll({std::move(e)}); }));
  return PhaseChange{std::string(meeting_id),
                     present ? Phase::kClientPresent : Phase::kClientAbsent};
}

Result<ClosedMeeting> Meetings::Close(const audit::Actor& caller, std::string_view meeting_id,
                                      const CloseMeeting& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto snap = LoadCoordinated(ctx_, caller, c, meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  if (StateOf(s.meeting) != MeetingState::kOpen) {
    return ctx_.events.Refuse(caller, c, c.FindOverlegvorm(s.meeting.overlegvorm), meeting_id,
                              Status::Conflict("meeting_closed", "the meeting is already closed"));
  }
  std::map<int, std::string> outcomes;  // by agenda position
  for (std::size_t i = 0; i < command.outcomes.size(); ++i) {
    const std::string path = "/outcomes/" + std::to_string(i);
    const SubjectOutcome& x = command.outcomes[i];
    auto sub = std::find_if(s.subjects.begin(), s.subjects.end(),
                            [&](const store::SubjectRecord& r) { return r.ref == x.subject; });
    if (sub == s.subjects.end()) {
      return Invalid("unknown_subject", path + "/subject", "not a subject of this meeting");
    }
    if (c.FindOutcome(x.decision) == nullptr) {
      return Invalid("invalid_decision", path + "/decision",
                     "not one of the covenant's outcomes (GET /v1/covenant lists them)");
    }
    if (!outcomes.emplace(sub->index, x.decision).second) {
      return Invalid("duplicate", path + "/subject", "listed twice");
    }
  }
  const policy::Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  const TimePoint now = ctx_.clock.Now();
  const int days = o ? o->retention_days : 0;
  const std::string closed_at = FormatUtc(now);
  const std::string until = FormatUtc(now + std::chrono::hours(24) * days);
  std::vector<audit::Event> events;
  audit::Event closed = EventRecorder::Base(audit::kMeetingClosed, caller, c, o, meeting_id);
  closed.detail = Json{{"outcomes", outcomes.size()}, {"retention_until", until}};
  events.push_back(std::move(closed));
  // One event per decided subject, so that the access report shows the
  // decision about that person.
  for (const auto& [idx, decision] : outcomes) {
    audit::Event e = EventRecorder::Base(audit::kMeetingClosed, caller, c, o, meeting_id);
    e.subject = s.Subject(idx)->pseudonym;
    e.detail = Json{{"decision", decision}};
    events.push_back(std::move(e));
  }
  VH_RETURN_IF_ERROR(ctx_.cases.Close(meeting_id, outcomes, closed_at, until,
                                      [&] { return ctx_.events.AppendAll(std::move(events)); }));
  LogInfo("meeting_closed", {{"meeting", std::string(meeting_id)}});
  ClosedMeeting out{std::string(meeting_id), StoredTime(closed_at), StoredTime(until), {}};
  for (const auto& [idx, decision] : outcomes) {
    out.outcomes.push_back({s.Subject(idx)->ref, decision});
  }
  return out;
}

Result<RetentionExtension> Meetings::Extend(const audit::Actor& caller, std::string_view meeting_id,
                                            const ExtendRetention& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto snap = LoadCoordinated(ctx_, caller, c, meeting_id);
  if (!snap.ok()) return snap.status();
  const store::MeetingRecord* m = &(*snap)->meeting;
  if (StateOf(*m) != MeetingState::kClosed) {
    return ctx_.events.Refuse(
        caller, c, c.FindOverlegvorm(m->overlegvorm), meeting_id,
        Status::Conflict("meeting_not_closed",
                         "retention can be extended for closed meetings only"));
  }
  if (command.reason.empty()) return Invalid("empty", "/reason", "a reason is required");
  if (command.reason.size() > kMaxReasonBytes) {
    return Invalid("too_long", "/reason", "longer than allowed");
  }
  const std::string code = command.code.value_or(std::string(kOtherReason));
  if (!IsReasonCode(kRetentionCodes, code)) {
    return Invalid("invalid_code", "/code", "one of " + ReasonCodeList(kRetentionCodes));
  }
  std::string current = m->retention_until;
  if (m->extended_until > current) current = m->extended_until;
  const std::string until = FormatUtc(command.until);
  if (until <= current) {
    return Invalid("not_later", "/until", "must be later than the current retention end");
  }
  const policy::Overlegvorm* o = c.FindOverlegvorm(m->overlegvorm);
  audit::Event e = EventRecorder::Base(audit::kRetentionExtended, caller, c, o, meeting_id);
  // The reason's text is sealed with the meeting; the log keeps its code and
  // MAC (exchange/types.h "reasons").
  e.detail = Json{{"until", until},
                  {"previous_until", current},
                  {"code", code},
                  {"reason_mac", ctx_.events.pseudonymizer().TextMac(audit::kReasonMac, meeting_id,
                                                                     command.reason)}};
  VH_RETURN_IF_ERROR(ctx_.cases.ExtendRetention(meeting_id, until, {code, command.reason}, [&] {
    return ctx_.events.AppendAll({std::move(e)});
  }));
  return RetentionExtension{std::string(meeting_id), StoredTime(m->retention_until),
                            StoredTime(until)};
}

}  // namespace vh::exchange
