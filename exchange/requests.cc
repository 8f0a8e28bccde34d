#include "exchange/requests.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "core/log.h"
#include "exchange/access.h"
#include "exchange/case_links.h"
#include "exchange/participation.h"
#include "policy/covenant.h"
#include "policy/engine.h"
#include "policy/filter.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

bool ListContains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The message of an answer of which nothing can be accepted: each withheld
// field the covenant knows with its reason; names it does not know only
// counted (they are the caller's free text).
std::string NothingAccepted(const std::vector<WithheldField>& withheld) {
  std::string out = "nothing in this answer can be accepted, so an earlier answer stays as it was";
  std::size_t unknown = 0;
  const char* sep = ": ";
  for (const auto& w : withheld) {
    if (w.reason == "not_in_covenant") {
      ++unknown;
      continue;
    }
    out.append(sep).append(w.field).append(" (").append(w.reason).append(")");
    sep = ", ";
  }
  if (unknown > 0) {
    out.append(sep).append(std::to_string(unknown)).append(unknown == 1 ? " name" : " names");
    out.append(" the covenant does not have");
  }
  if (withheld.empty()) out.append(": no fields were given");
  return out;
}

// A request addressed to the caller's partner, with its meeting.
struct OwnRequest {
  store::RequestRecord record;
  std::shared_ptr<const Snapshot> snap;
  const policy::Overlegvorm* overlegvorm = nullptr;  // null once withdrawn
  std::string pseudonym;                             // of the request's subject
};

// Loads request `request_id` for a supplier certificate of its partner;
// every refusal is audited (access_refused): another partner's request (the
// event names neither that partner nor, unless it exists for the caller's
// partner, the subject), a certificate outside the meeting's circle, a
// subject that no longer exists for the partner (a reload made it residents
// only).
Result<OwnRequest> LoadOwnRequest(Context& ctx, const audit::Actor& caller,
                                  const policy::Covenant& c, std::string_view request_id) {
  OwnRequest out;
  auto req = ctx.cases.GetRequest(request_id);
  if (!req.ok()) return req.status();
  out.record = std::move(*req);
  auto snap = ctx.snapshots.Load(out.record.meeting);
  if (!snap.ok()) return snap.status();
  out.snap = std::move(*snap);
  out.overlegvorm = c.FindOverlegvorm(out.snap->meeting.overlegvorm);
  const store::SubjectRecord* subject = out.snap->Subject(out.record.subject);
  if (!subject) return Status::Internal("request refers to a subject the meeting does not have");
  out.pseudonym = subject->pseudonym;
  const policy::Overlegvorm* o = out.overlegvorm;
  const bool exists = !o || SubjectExists(c, *o, *out.snap, out.record.subject, caller.partner);
  auto refuse = [&](Status refusal) {
    audit::Event e = EventRecorder::Refusal(caller, c, o, out.record.meeting, refusal,
                                            exists ? out.pseudonym : "");
    e.detail["request"] = out.record.id;
    return ctx.events.Refuse(std::move(e), refusal);
  };
  if (out.record.supplier != caller.partner) {
    return refuse(Status::PermissionDenied("this request was sent to another partner"));
  }
  if (Status in = CheckCircle(caller, c, o, out.snap->staff); !in.ok()) return refuse(in);
  if (!exists) {
    return refuse(Status::Make(Code::kPermissionDenied, "not_resident",
                               "the subject of this request does not exist for this partner"));
  }
  return out;
}

// The keyed MACs (purpose "field_name", scope the request) of the names in
// `fields` that the covenant does not know, sorted: what the field_withheld
// event keeps of them. Over each name as sent (the receipt caps it).
Json UnknownFieldMacs(const policy::Covenant& c, const audit::Pseudonymizer& p,
                      std::string_view request_id, const FieldValues& fields) {
  std::vector<std::string> macs;
  for (const auto& [name, value] : fields) {
    if (!c.FindField(name)) macs.push_back(p.TextMac(audit::kFieldNameMac, request_id, name));
  }
  std::sort(macs.begin(), macs.end());
  Json out = Json::array();
  for (auto& m : macs) out.push_back(std::move(m));
  return out;
}

bool Matches(RequestFilter filter, RequestState state) {
  if (!filter) return true;
  if (*filter == RequestState::kOpen) {
    return state == RequestState::kOpen || state == RequestState::kOverdue ||
           state == RequestState::kFailed;
  }
  return state == *filter;
}

}  // namespace

Result<CreatedRequests> Requests::Create(const audit::Actor& caller, std::string_view meeting_id,
                                         const CreateRequests& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto snap = LoadCoordinated(ctx_, caller, c, meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const policy::Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  if (StateOf(s.meeting) != MeetingState::kOpen) {
    return ctx_.events.Refuse(caller, c, o, meeting_id,
                              Status::Conflict("meeting_closed", "the meeting is closed"));
  }
  if (!o) {
    return ctx_.events.Refuse(
        caller, c, o, meeting_id,
        Status::Conflict("overlegvorm_withdrawn", "the overlegvorm is no longer in the covenant"));
  }
  const std::vector<std::string> ad_hoc = s.AdHocIds();
  std::vector<const policy::Partner*> suppliers = policy::RequestSuppliers(c, *o, ad_hoc);
  // Ad hoc suppliers not invited to this meeting supply nothing here.
  if (command.suppliers) {
    const std::vector<std::string>& wanted = *command.suppliers;
    std::vector<const policy::Partner*> chosen;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      const std::string path = "/suppliers/" + std::to_string(i);
      if (!c.FindPartner(wanted[i])) {
        return Invalid("unknown_partner", path, "not a partner of the covenant");
      }
      auto it = std::find_if(suppliers.begin(), suppliers.end(),
                             [&](const policy::Partner* p) { return p->id == wanted[i]; });
      if (it == suppliers.end()) {
        return Invalid("nothing_to_supply", path,
                       "the covenant lets this partner supply nothing in this overlegvorm");
      }
      if (std::find(chosen.begin(), chosen.end(), *it) == chosen.end()) chosen.push_back(*it);
    }
    suppliers = std::move(chosen);
  }
  // A minimum notice, except for a code rood meeting (exchange/case_links.h).
  VH_RETURN_IF_ERROR(CheckRequestNotice(ctx_, *o, s.meeting.id, command.deadline));
  auto existing = ctx_.cases.RequestsOfMeeting(meeting_id);
  if (!existing.ok()) return existing.status();
  std::set<std::pair<int, std::string>> have;
  for (const auto& r : *existing) have.insert({r.subject, r.supplier});

  const std::string now = ctx_.Now();
  const std::string deadline = FormatUtc(command.deadline);
  std::vector<store::RequestRecord> records;
  std::vector<audit::Event> events;
  for (const auto& sub : s.subjects) {
    if (sub.identity.is_null()) continue;  // identity dropped: no further requests
    const store::SubjectScope& scope = s.scopes[static_cast<std::size_t>(sub.index)];
    // Per subject: only the partners for which it exists (residents only)
    // and, when the coordinator named them, only those.
    const std::vector<const policy::Partner*> about =
        policy::RequestSuppliersAbout(c, *o, ad_hoc, scope.municipality);
    for (const policy::Partner* p : suppliers) {
      if (have.count({sub.index, p->id})) continue;
      if (std::find(about.begin(), about.end(), p) == about.end()) continue;
      if (scope.suppliers && !ListContains(*scope.suppliers, p->id)) continue;
      const bool sup_ad_hoc = ListContains(ad_hoc, p->id);
      std::vector<const policy::Field*> fields = policy::SuppliableFields(c, *o, p->id, sup_ad_hoc);
      if (fields.empty()) continue;
      store::RequestRecord r;
      r.id = store::NewId("r");
      r.meeting = s.meeting.id;
      r.subject = sub.index;
      r.supplier = p->id;
      for (const auto* f : fields) r.fields.push_back(f->id);
      r.deadline = deadline;
      r.status = store::kRequestOpen;
      r.created_at = now;
      audit::Event e = EventRecorder::Base(audit::kRequestSent, caller, c, o, s.meeting.id);
      e.subject = sub.pseudonym;
      e.supplier = p->id;
      e.recipient = p->id;
      for (const auto* f : fields) e.fields.push_back({f->id, "requested", "", "", "", ""});
      e.detail = Json{{"request", r.id}, {"deadline", deadline}};
      // The identity fields go to the supplier with the request.
      Json idf = Json::array();
      for (auto it = sub.identity.begin(); it != sub.identity.end(); ++it) idf.push_back(it.key());
      e.detail["identity_fields"] = std::move(idf);
      events.push_back(std::move(e));
      records.push_back(std::move(r));
    }
  }
  if (!records.empty()) {
    Status st =
        ctx_.cases.AddRequests(records, [&] { return ctx_.events.AppendAll(std::move(events)); });
    if (!st.ok()) return st;
  }
  LogInfo("requests_sent", {{"meeting", s.meeting.id}, {"requests", records.size()}});
  CreatedRequests out;
  out.meeting = s.meeting.id;
  for (auto& r : records) {
    out.requests.push_back({std::move(r.id), std::move(r.supplier), s.Subject(r.subject)->ref,
                            std::move(r.fields), StoredTime(deadline), RequestState::kOpen});
  }
  return out;
}

Result<std::vector<SupplierRequest>> Requests::List(const audit::Actor& caller,
                                                    RequestFilter filter) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  if (!HasRole(caller, Role::kSupplier)) {
    return ctx_.events.Refuse(caller, c, nullptr, "",
                              Status::PermissionDenied("only suppliers list requests"));
  }
  auto reqs = ctx_.cases.RequestsOfSupplier(caller.partner);
  if (!reqs.ok()) return reqs.status();
  const std::string now = ctx_.Now();
  std::map<std::string, std::shared_ptr<const Snapshot>> snaps;
  std::vector<SupplierRequest> out;
  for (auto& r : *reqs) {
    const RequestState state = EffectiveState(r, now);
    if (!Matches(filter, state)) continue;
    auto& snap = snaps[r.meeting];
    if (!snap) {
      auto l = ctx_.snapshots.Load(r.meeting);
      if (!l.ok()) return l.status();
      snap = *l;
    }
    const store::SubjectRecord* sub = snap->Subject(r.subject);
    if (!sub) continue;
    SupplierRequest row;
    const policy::Overlegvorm* o = c.FindOverlegvorm(snap->meeting.overlegvorm);
    // Not listed: requests of a circle the certificate is not in, and about a
    // subject that no longer exists for the partner (a reload).
    if (!CheckCircle(caller, c, o, snap->staff).ok()) continue;
    if (o && !SubjectExists(c, *o, *snap, r.subject, caller.partner)) continue;
    if (!sub->identity.is_null() && o) {
      for (const auto* f : o->request_identity) {
        auto it = sub->identity.find(f->id);
        if (it != sub->identity.end()) row.identity.emplace(f->id, *it);
      }
    }
    row.id = std::move(r.id);
    row.meeting = std::move(r.meeting);
    row.overlegvorm = snap->meeting.overlegvorm;
    row.subject = sub->ref;
    row.fields = std::move(r.fields);
    row.deadline = StoredTime(r.deadline);
    row.status = state;
    out.push_back(std::move(row));
  }
  return out;
}

Status Requests::MayAnswer(const audit::Actor& caller, std::string_view request_id) {
  auto cp = ctx_.covenant();
  if (!HasRole(caller, Role::kSupplier)) {
    return ctx_.events.Refuse(caller, *cp, nullptr, "",
                              Status::PermissionDenied("only suppliers answer or decline"));
  }
  return LoadOwnRequest(ctx_, caller, *cp, request_id).status();
}

Result<AnswerReceipt> Requests::Answer(const audit::Actor& caller, std::string_view request_id,
                                       const AnswerRequest& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  if (!HasRole(caller, Role::kSupplier)) {
    return ctx_.events.Refuse(caller, c, nullptr, "",
                              Status::PermissionDenied("only suppliers answer"));
  }
  auto own = LoadOwnRequest(ctx_, caller, c, request_id);
  if (!own.ok()) return own.status();
  const store::RequestRecord& req = own->record;
  const Snapshot& s = *own->snap;
  const policy::Overlegvorm* o = own->overlegvorm;
  if (StateOf(s.meeting) != MeetingState::kOpen) {
    return ctx_.events.Refuse(
        caller, c, o, req.meeting,
        Status::Conflict("meeting_closed", "the meeting is closed; answers are not accepted"),
        own->pseudonym);
  }
  if (!o) {
    return ctx_.events.Refuse(
        caller, c, o, req.meeting,
        Status::Conflict("overlegvorm_withdrawn", "the overlegvorm is no longer in the covenant"),
        own->pseudonym);
  }
  Json fields = Json::object();
  for (const auto& [field, value] : command.fields) fields[field] = value;
  auto intake = policy::SplitAnswer(c, o->id, caller.partner, s.IsAdHoc(caller.partner), fields);
  if (!intake.ok()) return intake.status();

  AnswerReceipt receipt;
  receipt.request = req.id;
  std::vector<store::AnswerRecord> accepted;
  audit::Event e = EventRecorder::Base(audit::kAnswerReceived, caller, c, o, req.meeting);
  e.subject = own->pseudonym;
  e.supplier = caller.partner;
  e.recipient = c.house();
  audit::Event w = e;
  w.type = audit::kFieldWithheld;
  const std::string now = ctx_.Now();
  for (auto it = intake->accepted.begin(); it != intake->accepted.end(); ++it) {
    if (!ListContains(req.fields, it.key())) {
      // The covenant allows it, but it was not asked for this request.
      receipt.withheld.push_back({it.key(), "not_requested"});
      w.fields.push_back({it.key(), "withheld", "", "", "not_requested", ""});
      continue;
    }
    receipt.accepted.push_back(it.key());
    e.fields.push_back({it.key(), "accepted", "", "", "",
                        ctx_.events.pseudonymizer().ValueMac(it.key(), it.value())});
    if (!it.value().is_null()) {
      accepted.push_back({req.subject, caller.partner, it.key(), it.value(), req.id, now});
    }
  }
  for (const auto& wh : intake->withheld) {
    receipt.withheld.push_back({wh.field, wh.reason});
    // A name the covenant does not know is the caller's free text: it goes
    // back in the receipt, not into the log (below: a count and MACs).
    if (wh.reason == "not_in_covenant") continue;
    w.fields.push_back({wh.field, "withheld", "", "", wh.reason, ""});
  }
  w.detail = Json{{"request", req.id}};
  if (Json unknown = UnknownFieldMacs(c, ctx_.events.pseudonymizer(), req.id, command.fields);
      !unknown.empty()) {
    w.detail["unknown_fields"] = unknown.size();
    w.detail["unknown_field_macs"] = std::move(unknown);
  }
  const bool any_withheld = !w.fields.empty() || w.detail.contains("unknown_fields");
  if (receipt.accepted.empty()) {
    // Nothing the request can take (a misspelt name, a field the partner may
    // not supply): refused, and an earlier answer stays as it was. What was
    // withheld is audited all the same.
    if (any_withheld) VH_RETURN_IF_ERROR(ctx_.events.AppendAll({std::move(w)}));
    return Invalid("nothing_accepted", "/fields", NothingAccepted(receipt.withheld));
  }
  receipt.replaced = req.answers > 0 || req.status == store::kRequestDeclined;
  e.detail = Json{{"request", req.id}, {"replaces", receipt.replaced}};
  if (receipt.replaced) e.detail["previous_status"] = req.status;
  std::vector<audit::Event> events;
  events.push_back(std::move(e));
  if (any_withheld) events.push_back(std::move(w));
  VH_RETURN_IF_ERROR(ctx_.cases.StoreAnswer(
      request_id, accepted, now, [&] { return ctx_.events.AppendAll(std::move(events)); }));
  LogInfo("answer_received", {{"request", req.id},
                              {"supplier", caller.partner},
                              {"accepted", receipt.accepted.size()},
                              {"withheld", receipt.withheld.size()}});
  return receipt;
}

Result<DeclinedRequest> Requests::Decline(const audit::Actor& caller, std::string_view request_id,
                                          const DeclineRequest& command) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  if (!HasRole(caller, Role::kSupplier)) {
    return ctx_.events.Refuse(caller, c, nullptr, "",
                              Status::PermissionDenied("only suppliers decline"));
  }
  auto own = LoadOwnRequest(ctx_, caller, c, request_id);
  if (!own.ok()) return own.status();
  const store::RequestRecord& req = own->record;
  auto conflict = [&](const char* reason, const char* message) {
    return ctx_.events.Refuse(caller, c, own->overlegvorm, req.meeting,
                              Status::Conflict(reason, message), own->pseudonym);
  };
  if (StateOf(own->snap->meeting) != MeetingState::kOpen) {
    return conflict("meeting_closed", "the meeting is closed");
  }
  if (command.reason.size() > kMaxReasonBytes) {
    return Invalid("too_long", "/reason", "longer than allowed");
  }
  if (command.reason.empty()) return Invalid("empty", "/reason", "a reason is required");
  const std::string code = command.code.value_or(std::string(kOtherReason));
  if (!IsReasonCode(kDeclineCodes, code)) {
    return Invalid("invalid_code", "/code", "one of " + ReasonCodeList(kDeclineCodes));
  }
  if (req.status == store::kRequestAnswered) {
    return conflict("already_answered", "the request has been answered");
  }
  if (req.status == store::kRequestDeclined) {
    return conflict("already_declined", "the request has been declined");
  }
  audit::Event e =
      EventRecorder::Base(audit::kRequestDeclined, caller, c, own->overlegvorm, req.meeting);
  e.subject = own->pseudonym;
  e.supplier = caller.partner;
  e.recipient = c.house();
  // The reason's text is sealed with the meeting; the log keeps its code and
  // MAC (exchange/types.h "reasons").
  e.detail = Json{{"request", req.id},
                  {"code", code},
                  {"reason_mac",
                   ctx_.events.pseudonymizer().TextMac(audit::kReasonMac, req.id, command.reason)}};
  VH_RETURN_IF_ERROR(ctx_.cases.SetRequestStatus(
      request_id, store::kRequestDeclined, {code, command.reason}, ctx_.Now(),
      [&] { return ctx_.events.AppendAll({std::move(e)}); }));
  return DeclinedRequest{req.id};
}

Result<std::vector<BoardRequest>> Requests::Board(const audit::Actor& caller,
                                                  std::string_view meeting_id) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto snap = ctx_.snapshots.Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const policy::Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  if (Status st = RequireHouseCoordinator(caller, c); !st.ok()) {
    return ctx_.events.Refuse(caller, c, o, meeting_id, st);
  }
  if (Status st = Participation(caller, c, s); !st.ok()) {
    return ctx_.events.Refuse(caller, c, o, meeting_id, st);
  }
  auto reqs = ctx_.cases.RequestsOfMeeting(meeting_id);
  if (!reqs.ok()) return reqs.status();
  const std::string now = ctx_.Now();
  std::vector<BoardRequest> out;
  for (const store::RequestRecord& r : *reqs) {
    const store::SubjectRecord* sub = s.Subject(r.subject);
    if (!sub) continue;
    BoardRequest row{r.id,
                     r.supplier,
                     sub->ref,
                     EffectiveState(r, now),
                     StoredTime(r.deadline),
                     OptionalStoredTime(r.answered_at),
                     std::nullopt,
                     std::nullopt};
    // A decline's or failure's reason, from the store while the meeting lives.
    if (r.status == store::kRequestDeclined || r.status == store::kRequestFailed) {
      if (!r.note_code.empty()) row.reason_code = r.note_code;
      if (!r.note.empty()) row.reason = r.note;
    }
    out.push_back(std::move(row));
  }
  return out;
}

Status Requests::RecordFailure(const audit::Actor& system, std::string_view request_id,
                               std::string_view reason) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  auto req = ctx_.cases.GetRequest(request_id);
  if (!req.ok()) return req.status();
  auto snap = ctx_.snapshots.Load(req->meeting);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const policy::Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  if (StateOf(s.meeting) != MeetingState::kOpen) {
    return ctx_.events.Refuse(system, c, o, req->meeting,
                              Status::Conflict("meeting_closed", "the meeting is closed"));
  }
  if (req->status == store::kRequestAnswered || req->status == store::kRequestDeclined) {
    return ctx_.events.Refuse(
        system, c, o, req->meeting,
        Status::Conflict("already_" + req->status, "the request is no longer open"));
  }
  audit::Event e = EventRecorder::Base(audit::kSupplierFailed, system, c, o, req->meeting);
  const store::SubjectRecord* subject = s.Subject(req->subject);
  if (!subject) return Status::Internal("request refers to a subject the meeting does not have");
  e.subject = subject->pseudonym;
  e.supplier = req->supplier;
  e.recipient = c.house();
  e.outcome = "error";
  // A failure is told by a code (kFailureCodes). Anything else may hold the
  // partner's output: it is recorded as kOtherReason with its MAC, and its
  // text is sealed with the meeting like a decline's.
  const bool is_code = IsReasonCode(kFailureCodes, reason);
  const std::string code(is_code ? reason : kOtherReason);
  const std::string text(is_code ? std::string_view() : reason.substr(0, kMaxReasonBytes));
  e.detail = Json{{"request", req->id}, {"reason", code}};
  if (!is_code) {
    e.detail["reason_mac"] = ctx_.events.pseudonymizer().TextMac(audit::kReasonMac, req->id, text);
  }
  return ctx_.cases.SetRequestStatus(request_id, store::kRequestFailed, {code, text}, ctx_.Now(),
                                     [&] { return ctx_.events.AppendAll({std::move(e)}); });
}

}  // namespace vh::exchange
