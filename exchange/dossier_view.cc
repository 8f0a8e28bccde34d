#include "exchange/dossier_view.h"

#include <algorithm>
#include <future>
#include <set>
#include <unordered_map>

#include "exchange/access.h"
#include "policy/covenant.h"
#include "policy/engine.h"
#include "policy/filter.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

// What the covenant needs to know about the meeting of `s` to filter it
// for `partner`: the members taking part, every ad hoc invitee (they supply
// through @ad_hoc and receive through @ad_hoc and @participants), and the
// caller's partner as signed when the person asking has signed the text in
// force (declarations are per person; the filter reads only the caller's).
policy::MeetingContext FilterContext(const Snapshot& s, const std::string& partner,
                                     bool person_signed) {
  policy::MeetingContext ctx;
  ctx.overlegvorm = s.meeting.overlegvorm;
  ctx.participants = s.MemberIds();
  ctx.ad_hoc = s.AdHocIds();
  if (person_signed) ctx.declarations_signed.push_back(partner);
  ctx.client_present = s.meeting.client_present;
  if (auto t = ParseUtc(s.meeting.starts_at)) ctx.starts_on = DateOf(*t);
  ctx.closed = StateOf(s.meeting) != MeetingState::kOpen;
  return ctx;
}

std::string PhaseOf(const store::MeetingRecord& m) {
  return std::string(PhaseName(m.client_present ? Phase::kClientPresent : Phase::kClientAbsent));
}

}  // namespace

Result<std::shared_ptr<const RenderedView>> DossierViews::Render(
    const Snapshot& s, const std::shared_ptr<const policy::Covenant>& cov,
    const std::string& partner, bool person_signed) {
  // The key is what the filter reads of the caller (ViewKey in the header).
  const std::string key = person_signed ? partner + "|signed" : partner;
  {
    std::lock_guard<std::mutex> lock(s.views_mu);
    auto it = s.views.find(key);
    if (it != s.views.end() && it->second->covenant == cov) return it->second;
  }
  policy::FilterOptions text_only;
  text_only.json = false;
  text_only.text = true;
  auto filtered = policy::FilterDossier(*cov, FilterContext(s, partner, person_signed), partner,
                                        s.answers, text_only);
  if (!filtered.ok()) return filtered.status();
  auto out = std::make_shared<RenderedView>();
  out->covenant = cov;

  // Per subject: what was shown (with a MAC of the value as shown), what
  // was withheld and why, and from whom.
  std::unordered_map<std::string_view, std::size_t> subject_of_ref;
  for (std::size_t i = 0; i < s.subjects.size(); ++i) subject_of_ref[s.subjects[i].ref] = i;
  std::vector<std::vector<audit::FieldDecision>> fields(s.subjects.size());
  std::vector<std::vector<std::string>> from(s.subjects.size());
  std::vector<audit::SubjectPart> parts(s.subjects.size());
  std::set<std::string_view> suppliers;
  for (const auto& d : filtered->disclosures) {
    auto it = subject_of_ref.find(d.subject);
    if (it == subject_of_ref.end()) continue;
    const std::size_t si = it->second;
    audit::FieldDecision fd;
    fd.field = std::string(d.field);
    if (d.decision.allowed) {
      fd.decision = "disclosed";
      fd.rule = std::string(d.decision.rule_id());
      fd.transform = std::string(policy::TransformName(d.decision.as));
      // The MAC of the value as shown, over its text in the body.
      fd.value_mac = ctx_.events.pseudonymizer().ValueMacOfText(
          fd.field, std::string_view(filtered->subjects_text).substr(d.shown_at, d.shown_len));
      ++parts[si].shown;
      suppliers.insert(d.supplier);
    } else {
      fd.decision = "withheld";
      fd.reason = std::string(policy::DenyReasonCode(d.decision.reason));
      ++parts[si].withheld;
    }
    fields[si].push_back(std::move(fd));
    from[si].push_back(std::string(d.supplier));
  }
  if (suppliers.size() == 1) out->supplier = std::string(*suppliers.begin());
  out->suppliers.assign(suppliers.begin(), suppliers.end());  // sorted, distinct
  // A part per subject that exists for the partner: the event about a view
  // names only the subjects it could show (residents only).
  const policy::Overlegvorm* o = cov->FindOverlegvorm(s.meeting.overlegvorm);
  std::vector<audit::SubjectPart> shown_parts;
  for (std::size_t i = 0; i < s.subjects.size(); ++i) {
    if (!o || !SubjectExists(*cov, *o, s, static_cast<int>(i), partner)) continue;
    auto set = audit::MakeDecisionSet(fields[i], from[i]);
    parts[i].subject = s.subjects[i].pseudonym;
    parts[i].set = set->hex;
    bool seen = std::any_of(out->sets.begin(), out->sets.end(),
                            [&](const auto& x) { return x->digest == set->digest; });
    if (!seen) out->sets.push_back(std::move(set));
    shown_parts.push_back(std::move(parts[i]));
  }
  out->list = audit::MakePartList(shown_parts);
  // The keys in the order DumpJson writes them (sorted).
  std::string& body = out->body;
  body.reserve(filtered->subjects_text.size() + 128);
  body.append("{\"meeting\":").append(DumpJson(Json(s.meeting.id)));
  body.append(",\"overlegvorm\":").append(DumpJson(Json(s.meeting.overlegvorm)));
  body.append(",\"phase\":").append(DumpJson(Json(PhaseOf(s.meeting))));
  body.append(",\"subjects\":").append(filtered->subjects_text).append("}");

  std::shared_ptr<const RenderedView> result = std::move(out);
  std::lock_guard<std::mutex> lock(s.views_mu);
  if (s.views.size() > 64) s.views.clear();
  s.views[key] = result;
  return result;
}

Result<DossierViews::Prepared> DossierViews::Prepare(const audit::Actor& caller,
                                                     std::string_view meeting_id) {
  auto cp = ctx_.covenant();
  const policy::Covenant& c = *cp;
  const policy::Overlegvorm* o = nullptr;
  auto refused = [&](Status refusal) {
    Prepared out;
    out.event = EventRecorder::Refusal(caller, c, o, meeting_id, refusal);
    out.refusal = std::move(refusal);
    return out;
  };
  if (!HasRole(caller, Role::kParticipant)) {
    return refused(Status::PermissionDenied("only participants view dossiers"));
  }
  auto snap = ctx_.snapshots.Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  o = c.FindOverlegvorm(s.meeting.overlegvorm);
  const bool house = c.IsHouse(caller.partner);
  if (!house && !s.IsParticipant(caller.partner)) {
    return refused(Status::PermissionDenied("not a participant of this meeting"));
  }
  // The circle and the meeting's staff: a hash look-up and a short list.
  if (Status in = CheckCircle(caller, c, o, s.staff); !in.ok()) return refused(in);
  if (StateOf(s.meeting) != MeetingState::kOpen) {
    return refused(
        Status::Make(Code::kPermissionDenied, "meeting_closed", "the meeting is closed"));
  }
  if (!o) {
    return refused(Status::Make(Code::kPermissionDenied, "overlegvorm_withdrawn",
                                "the overlegvorm is no longer in the covenant"));
  }
  bool person_signed = false;
  if (!house && s.IsAdHoc(caller.partner)) {
    // The person signs, for the text in force (exchange/access.h).
    switch (DeclarationStateOf(caller, s, c)) {
      case DeclarationState::kUnsigned:
        return refused(Status::Make(Code::kPermissionDenied, "declaration_not_signed",
                                    "sign the confidentiality declaration for this meeting first"));
      case DeclarationState::kOutdated:
        return refused(Status::Make(Code::kPermissionDenied, "declaration_outdated",
                                    "the confidentiality declaration has changed since it was "
                                    "signed; sign the declaration in force"));
      case DeclarationState::kSigned:
        person_signed = true;
        break;
    }
    if (ctx_.Now() >= s.meeting.ends_at) {
      return refused(
          Status::Make(Code::kPermissionDenied, "meeting_ended", "the meeting has ended"));
    }
  }
  auto view = Render(s, cp, caller.partner, person_signed);
  if (!view.ok()) return view.status();
  // One dossier_disclosed event for the view, naming every supplier whose
  // values it shows.
  Prepared out;
  out.view = std::move(*view);
  out.event = EventRecorder::Base(audit::kDossierDisclosed, caller, c, o, meeting_id);
  out.event.recipient = caller.partner;
  out.event.supplier = out.view->supplier;
  out.event.suppliers = out.view->suppliers;
  out.event.parts_list = out.view->list->hex;
  out.event.detail = Json{{"phase", PhaseOf(s.meeting)}};
  return out;
}

void DossierViews::BodyAsync(const audit::Actor& caller, std::string_view meeting_id,
                             std::function<void(Result<SharedText>)> done) {
  auto prepared = Prepare(caller, meeting_id);
  if (!prepared.ok()) return done(prepared.status());
  if (!prepared->refusal.ok()) {
    // The refusal is answered once its event is durable (or 503).
    ctx_.events.AppendRefusalAsync(
        std::move(prepared->event),
        [refusal = std::move(prepared->refusal), done = std::move(done)](Status s) {
          done(s.ok() ? refusal : EventRecorder::RefusalUnrecorded());
        });
    return;
  }
  // The body leaves only once its event is durable.
  std::shared_ptr<const RenderedView> view = std::move(prepared->view);
  auto sets = view->sets;
  auto list = view->list;
  ctx_.events.AppendViewAsync(std::move(prepared->event), std::move(list), std::move(sets),
                              [view = std::move(view), done = std::move(done)](Status s) {
                                if (!s.ok()) return done(EventRecorder::Recorded(s));
                                done(SharedText(view, &view->body));  // shares, copies nothing
                              });
}

Result<std::string> DossierViews::Body(const audit::Actor& caller, std::string_view meeting_id) {
  std::promise<Result<std::string>> result;
  auto fut = result.get_future();
  BodyAsync(caller, meeting_id, [&result](Result<SharedText> r) {
    result.set_value(r.ok() ? Result<std::string>(**r) : Result<std::string>(r.status()));
  });
  return fut.get();
}

}  // namespace vh::exchange
