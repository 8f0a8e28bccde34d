#include "exchange/exchange_service.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <unordered_map>

#include "core/bsn.h"
#include "core/log.h"
#include "crypto/hex.h"
#include "crypto/primitives.h"
#include "policy/covenant.h"
#include "policy/engine.h"
#include "policy/filter.h"
#include "policy/loader.h"
#include "store/case_store.h"

namespace vh::exchange {
namespace {

using policy::Covenant;
using policy::Overlegvorm;

constexpr std::size_t kMaxSubjects = 500;
constexpr std::size_t kMaxRefBytes = 128;
constexpr std::size_t kMaxTitleBytes = 200;
constexpr std::size_t kMaxReasonBytes = 2000;

const char* const kDecisions[] = {"focus", "bilateraal", "monitoren", "verwijzen", "geen-vervolg"};

Status Missing(std::string_view path) {
  return Status::Unprocessable("missing_field", std::string(path) + ": missing");
}
Status WrongType(std::string_view path, std::string_view expected) {
  return Status::Unprocessable("wrong_type",
                               std::string(path) + ": expected " + std::string(expected));
}
Status Invalid(std::string_view reason, std::string_view path, std::string_view what) {
  return Status::Unprocessable(std::string(reason), std::string(path) + ": " + std::string(what));
}

// Reads a required string member (or optional when `optional`).
Status GetString(const Json& obj, const char* key, std::string_view path, std::size_t max_bytes,
                 bool optional, std::string* out) {
  auto it = obj.find(key);
  const std::string p = std::string(path) + "/" + key;
  if (it == obj.end()) return optional ? Status::Ok() : Missing(p);
  if (!it->is_string()) return WrongType(p, "a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) return Invalid("too_long", p, "longer than allowed");
  *out = s;
  return Status::Ok();
}

Status GetTime(const Json& obj, const char* key, std::string_view path, TimePoint* out) {
  std::string s;
  VH_RETURN_IF_ERROR(GetString(obj, key, path, 64, false, &s));
  auto t = ParseUtc(s);
  if (!t) return Invalid("invalid_time", std::string(path) + "/" + key, "not an RFC 3339 time");
  *out = *t;
  return Status::Ok();
}

Status GetStringList(const Json& obj, const char* key, std::string_view path,
                     std::vector<std::string>* out, bool* present) {
  auto it = obj.find(key);
  *present = it != obj.end();
  if (!*present) return Status::Ok();
  const std::string p = std::string(path) + "/" + key;
  if (!it->is_array()) return WrongType(p, "an array of partner ids");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& x = (*it)[i];
    if (!x.is_string()) return WrongType(p + "/" + std::to_string(i), "a string");
    out->push_back(x.get<std::string>());
  }
  return Status::Ok();
}

std::string PhaseName(bool client_present) {
  return client_present ? "client_present" : "client_absent";
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// One partner's dossier view of a snapshot under one covenant: the response
// body and the parts of its dossier_disclosed event. Rendered at the first
// view after a change; later views of the unchanged dossier send the same
// body and write an event naming the same decision sets.
struct RenderedView {
  std::shared_ptr<const Covenant> covenant;  // the covenant it was filtered under
  std::string body;
  // A part per subject, in agenda order, as the audit log stores them.
  std::shared_ptr<const audit::PartList> list;
  std::vector<std::shared_ptr<const audit::DecisionSet>> sets;  // distinct
  std::string supplier;  // the one supplier of every value shown, else ""
};

// A meeting's state read once per call (cached between changes).
struct Snapshot {
  store::MeetingRecord meeting;
  std::vector<store::Participant> participants;
  std::vector<store::DeclarationRecord> declarations;
  std::vector<store::SubjectRecord> subjects;
  std::vector<policy::SubjectAnswers> answers;  // one per subject, agenda order
  // Rendered views by recipient partner (the snapshot itself never changes).
  mutable std::mutex views_mu;
  mutable std::map<std::string, std::shared_ptr<const RenderedView>, std::less<>> views;

  bool IsAdHoc(std::string_view partner) const {
    for (const auto& p : participants) {
      if (p.partner == partner) return p.ad_hoc;
    }
    return false;
  }
  bool IsParticipant(std::string_view partner) const {
    for (const auto& p : participants) {
      if (p.partner == partner) return true;
    }
    return false;
  }
  bool Signed(std::string_view partner) const {
    for (const auto& d : declarations) {
      if (d.partner == partner) return true;
    }
    return false;
  }
  std::vector<std::string> AdHocIds() const {
    std::vector<std::string> v;
    for (const auto& p : participants) {
      if (p.ad_hoc) v.push_back(p.partner);
    }
    return v;
  }
  std::vector<std::string> MemberIds() const {
    std::vector<std::string> v;
    for (const auto& p : participants) {
      if (!p.ad_hoc) v.push_back(p.partner);
    }
    return v;
  }
};

}  // namespace

struct ExchangeService::Impl {
  CovenantSource covenant;
  audit::AuditLog& audit;
  store::CaseStore& cases;
  const Clock& clock;

  std::mutex cache_mu;
  struct CacheEntry {
    uint64_t generation = 0;
    std::shared_ptr<const Snapshot> snap;
  };
  std::unordered_map<std::string, CacheEntry> cache;  // guarded by cache_mu

  Impl(CovenantSource c, audit::AuditLog& a, store::CaseStore& s, const Clock& k)
      : covenant(std::move(c)), audit(a), cases(s), clock(k) {}

  std::string Now() const { return FormatUtc(clock.Now()); }

  audit::Event BaseEvent(const char* type, const audit::Actor& actor, const Covenant& c,
                         const Overlegvorm* o, std::string_view meeting) const {
    audit::Event e;
    e.type = type;
    e.actor = actor;
    e.meeting = std::string(meeting);
    if (o) {
      e.overlegvorm = o->id;
      e.purpose = o->purpose;
    }
    e.covenant = {c.id(), c.version(), c.sha256()};
    e.outcome = "ok";
    return e;
  }

  // Appends all events; durable when it returns ok. They are queued in the
  // audit log together and share its group commit.
  Status AppendAll(std::vector<audit::Event> events) {
    if (events.empty()) return Status::Ok();
    return Recorded(audit.Append(audit::AppendRequest(std::move(events))).status());
  }
  // What the caller is told when the audit log did not take its events.
  static Status Recorded(const Status& result) {
    if (!result.ok()) {
      LogError("audit_append_failed", {{"reason", result.reason()}});
      return Status::Unavailable("audit_unavailable",
                                 "the audit log cannot record this; nothing was disclosed");
    }
    return Status::Ok();
  }

  audit::Event RefusalEvent(const audit::Actor& actor, const Covenant& c, const Overlegvorm* o,
                            std::string_view meeting, const Status& refusal,
                            std::string_view subject = "", std::string_view supplier = "") const {
    audit::Event e = BaseEvent(audit::kAccessRefused, actor, c, o, meeting);
    e.subject = std::string(subject);
    e.supplier = std::string(supplier);
    e.recipient = actor.partner;
    e.outcome = "refused " + std::to_string(refusal.code() == Code::kConflict ? 409 : 403);
    e.detail = Json{{"reason", refusal.reason()}};
    return e;
  }

  // What the caller is told when the audit log did not take a refusal's event.
  static Status RefusalUnrecorded() {
    return Status::Unavailable("audit_unavailable", "the audit log cannot record this");
  }

  // Records a refusal that concerns data access; returns `refusal`.
  Status Refuse(const audit::Actor& actor, const Covenant& c, const Overlegvorm* o,
                std::string_view meeting, const Status& refusal, std::string_view subject = "",
                std::string_view supplier = "") {
    Status s =
        audit.Append(RefusalEvent(actor, c, o, meeting, refusal, subject, supplier)).status();
    if (!s.ok()) return RefusalUnrecorded();
    return refusal;
  }

  Result<std::shared_ptr<const Snapshot>> Load(std::string_view meeting_id) {
    const uint64_t gen = cases.generation();
    {
      std::lock_guard<std::mutex> lock(cache_mu);
      auto it = cache.find(std::string(meeting_id));
      if (it != cache.end() && it->second.generation == gen) return it->second.snap;
    }
    auto snap = std::make_shared<Snapshot>();
    auto m = cases.GetMeeting(meeting_id);
    if (!m.ok()) return m.status();
    snap->meeting = std::move(*m);
    if (snap->meeting.state != store::kMeetingShredded) {
      auto p = cases.Participants(meeting_id);
      if (!p.ok()) return p.status();
      snap->participants = std::move(*p);
      auto d = cases.Declarations(meeting_id);
      if (!d.ok()) return d.status();
      snap->declarations = std::move(*d);
      auto s = cases.Subjects(meeting_id);
      if (!s.ok()) return s.status();
      snap->subjects = std::move(*s);
      auto a = cases.Answers(meeting_id);
      if (!a.ok()) return a.status();
      snap->answers.resize(snap->subjects.size());
      std::vector<std::map<std::string, std::size_t>> field_pos(snap->subjects.size());
      for (std::size_t i = 0; i < snap->subjects.size(); ++i) {
        snap->answers[i].ref = snap->subjects[i].ref;
      }
      for (auto& ans : *a) {
        if (ans.subject < 0 || static_cast<std::size_t>(ans.subject) >= snap->subjects.size()) {
          continue;
        }
        const auto si = static_cast<std::size_t>(ans.subject);
        auto& sa = snap->answers[si];
        auto [it, inserted] = field_pos[si].emplace(ans.field, sa.fields.size());
        if (inserted) sa.fields.push_back(policy::FieldAnswers{ans.field, {}});
        sa.fields[it->second].values.push_back({ans.supplier, std::move(ans.value)});
      }
    }
    std::shared_ptr<const Snapshot> out = std::move(snap);
    {
      std::lock_guard<std::mutex> lock(cache_mu);
      if (cache.size() > 256) cache.clear();
      cache[std::string(meeting_id)] = CacheEntry{gen, out};
    }
    return out;
  }

  Status RequireHouseCoordinator(const audit::Actor& caller, const Covenant& c) const {
    if (caller.role != "coordinator" || !c.IsHouse(caller.partner)) {
      return Status::PermissionDenied("only coordinators of the house may do this");
    }
    return Status::Ok();
  }

  // The partner's view of `s` under `cov` (cached in the snapshot).
  Result<std::shared_ptr<const RenderedView>> Render(const Snapshot& s,
                                                     const std::shared_ptr<const Covenant>& cov,
                                                     const std::string& partner) {
    {
      std::lock_guard<std::mutex> lock(s.views_mu);
      auto it = s.views.find(partner);
      if (it != s.views.end() && it->second->covenant == cov) return it->second;
    }
    policy::FilterOptions text_only;
    text_only.json = false;
    text_only.text = true;
    auto filtered = policy::FilterDossier(*cov, Context(s), partner, s.answers, text_only);
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
        fd.value_mac = audit.pseudonymizer().ValueMacOfText(
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
    for (std::size_t i = 0; i < s.subjects.size(); ++i) {
      auto set = audit::MakeDecisionSet(fields[i], from[i]);
      parts[i].subject = s.subjects[i].pseudonym;
      parts[i].set = set->hex;
      bool seen = std::any_of(out->sets.begin(), out->sets.end(),
                              [&](const auto& x) { return x->digest == set->digest; });
      if (!seen) out->sets.push_back(std::move(set));
    }
    out->list = audit::MakePartList(parts);
    // The keys in the order DumpJson writes them (sorted).
    std::string& body = out->body;
    body.reserve(filtered->subjects_text.size() + 128);
    body.append("{\"meeting\":").append(DumpJson(Json(s.meeting.id)));
    body.append(",\"overlegvorm\":").append(DumpJson(Json(s.meeting.overlegvorm)));
    body.append(",\"phase\":").append(DumpJson(Json(PhaseName(s.meeting.client_present))));
    body.append(",\"subjects\":").append(filtered->subjects_text).append("}");

    std::shared_ptr<const RenderedView> result = std::move(out);
    std::lock_guard<std::mutex> lock(s.views_mu);
    if (s.views.size() > 64) s.views.clear();
    s.views[partner] = result;
    return result;
  }

  policy::MeetingContext Context(const Snapshot& s) const {
    policy::MeetingContext ctx;
    ctx.overlegvorm = s.meeting.overlegvorm;
    ctx.participants = s.MemberIds();
    ctx.ad_hoc = s.AdHocIds();
    for (const auto& d : s.declarations) {
      if (!Contains(ctx.declarations_signed, d.partner))
        ctx.declarations_signed.push_back(d.partner);
    }
    ctx.client_present = s.meeting.client_present;
    if (auto t = ParseUtc(s.meeting.starts_at)) ctx.starts_on = DateOf(*t);
    ctx.closed = s.meeting.state != store::kMeetingOpen;
    return ctx;
  }

  Json MeetingJson(const Snapshot& s, const Covenant& c, bool coordinator) {
    const auto& m = s.meeting;
    Json j = {
        {"id", m.id},
        {"overlegvorm", m.overlegvorm},
        {"state", m.state},
        {"covenant",
         {{"id", m.covenant_id}, {"version", m.covenant_version}, {"sha256", m.covenant_sha256}}}};
    if (m.state == store::kMeetingShredded) {
      j["shredded_at"] = m.shredded_at;
      return j;
    }
    if (const Overlegvorm* o = c.FindOverlegvorm(m.overlegvorm)) j["purpose"] = o->purpose;
    j["title"] = m.title;
    j["starts_at"] = m.starts_at;
    j["ends_at"] = m.ends_at;
    j["phase"] = PhaseName(m.client_present);
    j["client_present"] = m.client_present;
    j["created_at"] = m.created_at;
    Json parts = Json::array(), adhoc = Json::array();
    for (const auto& p : s.participants) {
      if (p.ad_hoc) {
        adhoc.push_back({{"partner", p.partner}, {"declaration_signed", s.Signed(p.partner)}});
      } else {
        parts.push_back(p.partner);
      }
    }
    j["participants"] = std::move(parts);
    j["ad_hoc"] = std::move(adhoc);
    Json subjects = Json::array();
    for (const auto& sub : s.subjects) {
      Json x = {{"ref", sub.ref}};
      if (coordinator) x["reason"] = sub.reason;
      if (!sub.outcome.empty()) x["outcome"] = sub.outcome;
      subjects.push_back(std::move(x));
    }
    j["subjects"] = std::move(subjects);
    if (m.state == store::kMeetingClosed) {
      j["closed_at"] = m.closed_at;
      j["retention_until"] = m.retention_until;
      if (!m.extended_until.empty()) {
        j["extended_until"] = m.extended_until;
        if (coordinator) j["extension_reason"] = m.extension_reason;
      }
    }
    if (coordinator) {
      auto reqs = cases.RequestsOfMeeting(m.id);
      if (reqs.ok()) {
        std::map<std::string, int> counts;
        const std::string now = Now();
        for (const auto& r : *reqs) counts[EffectiveStatus(r, now)]++;
        Json rc = Json::object();
        for (const auto& [k, v] : counts) rc[k] = v;
        j["requests"] = std::move(rc);
      }
    }
    return j;
  }

  static std::string EffectiveStatus(const store::RequestRecord& r, const std::string& now) {
    if (r.status == store::kRequestOpen && !r.deadline.empty() && r.deadline < now) {
      return store::kRequestOverdue;
    }
    return r.status;
  }
};

ExchangeService::ExchangeService(CovenantSource covenant, audit::AuditLog& audit,
                                 store::CaseStore& cases, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(covenant), audit, cases, clock)) {}

ExchangeService::~ExchangeService() = default;

// ---------------------------------------------------------------------------
// Meetings

Result<Json> ExchangeService::CreateMeeting(const audit::Actor& caller, const Json& body) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  VH_RETURN_IF_ERROR(impl_->RequireHouseCoordinator(caller, c));
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(
      body, "",
      {"overlegvorm", "title", "starts_at", "ends_at", "participants", "ad_hoc", "subjects"}));
  std::string ov_id;
  VH_RETURN_IF_ERROR(GetString(body, "overlegvorm", "", 128, false, &ov_id));
  const Overlegvorm* o = c.FindOverlegvorm(ov_id);
  if (!o)
    return Invalid("unknown_overlegvorm", "/overlegvorm", "not an overlegvorm of the covenant");
  std::string title;
  VH_RETURN_IF_ERROR(GetString(body, "title", "", kMaxTitleBytes, false, &title));
  TimePoint starts, ends;
  VH_RETURN_IF_ERROR(GetTime(body, "starts_at", "", &starts));
  VH_RETURN_IF_ERROR(GetTime(body, "ends_at", "", &ends));
  if (ends <= starts) return Invalid("invalid_time", "/ends_at", "must be after starts_at");

  // Participants: members of the overlegvorm (default: all of them).
  std::vector<std::string> members;
  bool present = false;
  VH_RETURN_IF_ERROR(GetStringList(body, "participants", "", &members, &present));
  if (!present) {
    for (const auto* p : o->members) members.push_back(p->id);
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string path = "/participants/" + std::to_string(i);
    const policy::Partner* p = c.FindPartner(members[i]);
    if (!p) return Invalid("unknown_partner", path, "not a partner of the covenant");
    if (!p->signatory) {
      return Invalid("non_signatory", path,
                     "a partner that has not signed the covenant can only be invited ad hoc");
    }
    if (!o->IsMember(p->index)) {
      return Invalid("not_a_member", path, "not a member of this overlegvorm");
    }
    if (!seen.insert(members[i]).second) return Invalid("duplicate", path, "listed twice");
  }
  std::vector<std::string> ad_hoc;
  VH_RETURN_IF_ERROR(GetStringList(body, "ad_hoc", "", &ad_hoc, &present));
  for (std::size_t i = 0; i < ad_hoc.size(); ++i) {
    const std::string path = "/ad_hoc/" + std::to_string(i);
    if (!o->AdmitsAdHoc()) {
      return Invalid("ad_hoc_not_admitted", path,
                     o->restricted ? "a restricted overlegvorm admits members only"
                                   : "this overlegvorm admits no ad hoc partners");
    }
    const policy::Partner* p = c.FindPartner(ad_hoc[i]);
    if (!p) return Invalid("unknown_partner", path, "not a partner of the covenant");
    if (o->IsMember(p->index)) return Invalid("duplicate", path, "already a member");
    if (!seen.insert(ad_hoc[i]).second) return Invalid("duplicate", path, "listed twice");
  }

  // Subjects.
  auto sit = body.find("subjects");
  if (sit == body.end()) return Missing("/subjects");
  if (!sit->is_array()) return WrongType("/subjects", "an array");
  if (sit->empty()) return Invalid("empty", "/subjects", "at least one subject");
  if (sit->size() > kMaxSubjects) return Invalid("too_many", "/subjects", "too many subjects");
  const std::string now = impl_->Now();
  store::NewMeeting nm;
  nm.meeting.id = store::NewId("m");
  nm.meeting.overlegvorm = o->id;
  nm.meeting.title = title;
  nm.meeting.starts_at = FormatUtc(starts);
  nm.meeting.ends_at = FormatUtc(ends);
  nm.meeting.created_at = now;
  nm.meeting.created_by = caller.cn;
  nm.meeting.covenant_id = c.id();
  nm.meeting.covenant_version = c.version();
  nm.meeting.covenant_sha256 = c.sha256();
  for (const auto& m : members) nm.participants.push_back({m, false});
  for (const auto& a : ad_hoc) nm.participants.push_back({a, true});
  std::vector<store::AnswerRecord> house_answers;
  std::set<std::string> refs;
  for (std::size_t i = 0; i < sit->size(); ++i) {
    const Json& sj = (*sit)[i];
    const std::string path = "/subjects/" + std::to_string(i);
    VH_RETURN_IF_ERROR(RequireObject(sj, path));
    VH_RETURN_IF_ERROR(CheckKnownKeys(sj, path, {"ref", "identity", "reason"}));
    store::SubjectRecord s;
    s.index = static_cast<int>(i);
    VH_RETURN_IF_ERROR(GetString(sj, "ref", path, kMaxRefBytes, false, &s.ref));
    if (s.ref.empty()) return Invalid("empty", path + "/ref", "must not be empty");
    if (!refs.insert(s.ref).second) return Invalid("duplicate", path + "/ref", "listed twice");
    VH_RETURN_IF_ERROR(GetString(sj, "reason", path, kMaxReasonBytes, true, &s.reason));
    auto iit = sj.find("identity");
    if (iit == sj.end()) return Missing(path + "/identity");
    if (!iit->is_object()) return WrongType(path + "/identity", "an object");
    std::string bsn;
    Json identity = Json::object();
    for (auto f = iit->begin(); f != iit->end(); ++f) {
      const std::string fpath = path + "/identity/" + policy::JsonPointerToken(f.key());
      const policy::Field* field = c.FindField(f.key());
      if (!field)
        return Status::Unprocessable("unknown_field", fpath + ": not a field of the covenant");
      const bool for_requests = std::find(o->request_identity.begin(), o->request_identity.end(),
                                          field) != o->request_identity.end();
      const bool house_supplies = policy::MaySupply(c, *o, *field, c.house());
      if (!for_requests && !house_supplies) {
        return Invalid("not_identity_field", fpath,
                       "neither a request_identity field of the overlegvorm nor supplied by the "
                       "house");
      }
      VH_RETURN_IF_ERROR(policy::ValidateValue(*field, *f, fpath));
      if (field->category == policy::Category::kBsn && !f->is_null()) {
        if (!f->is_string() || !IsValidBsn(f->get_ref<const std::string&>())) {
          return Invalid("invalid_bsn", fpath, "not a valid BSN (11-proef)");
        }
        bsn = f->get<std::string>();
      }
      if (for_requests) identity[field->id] = *f;
      if (house_supplies && !f->is_null()) {
        house_answers.push_back({s.index, c.house(), field->id, *f, "", now});
      }
    }
    s.identity = std::move(identity);
    s.pseudonym = impl_->audit.pseudonymizer().SubjectPseudonym(bsn.empty() ? s.ref : bsn);
    nm.subjects.push_back(std::move(s));
  }

  std::vector<audit::Event> events;
  {
    audit::Event e = impl_->BaseEvent(audit::kMeetingCreated, caller, c, o, nm.meeting.id);
    e.detail = Json{{"subjects", nm.subjects.size()},
                    {"participants", members},
                    {"ad_hoc", ad_hoc},
                    {"starts_at", nm.meeting.starts_at},
                    {"ends_at", nm.meeting.ends_at}};
    events.push_back(std::move(e));
  }
  Status s = impl_->cases.CreateMeeting(nm, house_answers,
                                        [&] { return impl_->AppendAll(std::move(events)); });
  if (!s.ok()) return s;
  LogInfo("meeting_created",
          {{"meeting", nm.meeting.id}, {"overlegvorm", o->id}, {"subjects", nm.subjects.size()}});
  auto snap = impl_->Load(nm.meeting.id);
  if (!snap.ok()) return snap.status();
  return impl_->MeetingJson(**snap, c, true);
}

Result<Json> ExchangeService::GetMeeting(const audit::Actor& caller, std::string_view meeting_id) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  auto snap = impl_->Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const bool coordinator = caller.role == "coordinator" && c.IsHouse(caller.partner);
  if (!coordinator) {
    const Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
    if (caller.role != "participant" ||
        !(s.IsParticipant(caller.partner) || c.IsHouse(caller.partner))) {
      return impl_->Refuse(caller, c, o, meeting_id,
                           Status::PermissionDenied("not a participant of this meeting"));
    }
    if (s.meeting.state != store::kMeetingOpen) {
      return impl_->Refuse(
          caller, c, o, meeting_id,
          Status::Make(Code::kPermissionDenied, "meeting_closed", "the meeting is closed"));
    }
  }
  return impl_->MeetingJson(s, c, coordinator);
}

Result<Json> ExchangeService::CreateRequests(const audit::Actor& caller,
                                             std::string_view meeting_id, const Json& body) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  VH_RETURN_IF_ERROR(impl_->RequireHouseCoordinator(caller, c));
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"deadline", "suppliers"}));
  TimePoint deadline;
  VH_RETURN_IF_ERROR(GetTime(body, "deadline", "", &deadline));
  std::vector<std::string> wanted;
  bool present = false;
  VH_RETURN_IF_ERROR(GetStringList(body, "suppliers", "", &wanted, &present));

  auto snap = impl_->Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  if (s.meeting.state != store::kMeetingOpen) {
    return Status::Conflict("meeting_closed", "the meeting is closed");
  }
  const Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  if (!o)
    return Status::Conflict("overlegvorm_withdrawn",
                            "the overlegvorm is no longer in the covenant");
  const std::vector<std::string> ad_hoc = s.AdHocIds();
  std::vector<const policy::Partner*> suppliers = policy::RequestSuppliers(c, *o, ad_hoc);
  // Ad hoc suppliers not invited to this meeting supply nothing here.
  if (present) {
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
  auto existing = impl_->cases.RequestsOfMeeting(meeting_id);
  if (!existing.ok()) return existing.status();
  std::set<std::pair<int, std::string>> have;
  for (const auto& r : *existing) have.insert({r.subject, r.supplier});

  const std::string now = impl_->Now();
  const std::string deadline_s = FormatUtc(deadline);
  std::vector<store::RequestRecord> records;
  std::vector<audit::Event> events;
  for (const auto& sub : s.subjects) {
    if (sub.identity.is_null()) continue;  // identity dropped: no further requests
    for (const policy::Partner* p : suppliers) {
      if (have.count({sub.index, p->id})) continue;
      const bool sup_ad_hoc = Contains(ad_hoc, p->id);
      std::vector<const policy::Field*> fields = policy::SuppliableFields(c, *o, p->id, sup_ad_hoc);
      if (fields.empty()) continue;
      store::RequestRecord r;
      r.id = store::NewId("r");
      r.meeting = s.meeting.id;
      r.subject = sub.index;
      r.supplier = p->id;
      for (const auto* f : fields) r.fields.push_back(f->id);
      r.deadline = deadline_s;
      r.status = store::kRequestOpen;
      r.created_at = now;
      audit::Event e = impl_->BaseEvent(audit::kRequestSent, caller, c, o, s.meeting.id);
      e.subject = sub.pseudonym;
      e.supplier = p->id;
      e.recipient = p->id;
      for (const auto* f : fields) e.fields.push_back({f->id, "requested", "", "", "", ""});
      e.detail = Json{{"request", r.id}, {"deadline", deadline_s}};
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
        impl_->cases.AddRequests(records, [&] { return impl_->AppendAll(std::move(events)); });
    if (!st.ok()) return st;
  }
  LogInfo("requests_sent", {{"meeting", s.meeting.id}, {"requests", records.size()}});
  Json out = Json::array();
  for (const auto& r : records) {
    out.push_back({{"id", r.id},
                   {"supplier", r.supplier},
                   {"subject", s.subjects[static_cast<std::size_t>(r.subject)].ref},
                   {"fields", r.fields},
                   {"deadline", r.deadline},
                   {"status", r.status}});
  }
  return Json{{"meeting", s.meeting.id}, {"requests", std::move(out)}};
}

Result<Json> ExchangeService::SetPhase(const audit::Actor& caller, std::string_view meeting_id,
                                       const Json& body) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  VH_RETURN_IF_ERROR(impl_->RequireHouseCoordinator(caller, c));
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"client_present"}));
  auto it = body.find("client_present");
  if (it == body.end()) return Missing("/client_present");
  if (!it->is_boolean()) return WrongType("/client_present", "a boolean");
  const bool present = it->get<bool>();
  auto snap = impl_->Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Overlegvorm* o = c.FindOverlegvorm((*snap)->meeting.overlegvorm);
  audit::Event e = impl_->BaseEvent(audit::kPhaseChanged, caller, c, o, meeting_id);
  e.detail = Json{{"client_present", present}};
  VH_RETURN_IF_ERROR(
      impl_->cases.SetPhase(meeting_id, present, [&] { return impl_->AppendAll({std::move(e)}); }));
  return Json{{"meeting", std::string(meeting_id)},
              {"phase", PhaseName(present)},
              {"client_present", present}};
}

Result<Json> ExchangeService::Close(const audit::Actor& caller, std::string_view meeting_id,
                                    const Json& body) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  VH_RETURN_IF_ERROR(impl_->RequireHouseCoordinator(caller, c));
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"outcomes"}));
  auto snap = impl_->Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  if (s.meeting.state != store::kMeetingOpen) {
    return Status::Conflict("meeting_closed", "the meeting is already closed");
  }
  std::map<int, std::string> outcomes;
  Json by_subject = Json::object();
  auto oit = body.find("outcomes");
  if (oit == body.end()) return Missing("/outcomes");
  if (!oit->is_array()) return WrongType("/outcomes", "an array");
  for (std::size_t i = 0; i < oit->size(); ++i) {
    const std::string path = "/outcomes/" + std::to_string(i);
    const Json& x = (*oit)[i];
    VH_RETURN_IF_ERROR(RequireObject(x, path));
    VH_RETURN_IF_ERROR(CheckKnownKeys(x, path, {"subject", "decision"}));
    std::string ref, decision;
    VH_RETURN_IF_ERROR(GetString(x, "subject", path, kMaxRefBytes, false, &ref));
    VH_RETURN_IF_ERROR(GetString(x, "decision", path, 64, false, &decision));
    auto sub = std::find_if(s.subjects.begin(), s.subjects.end(),
                            [&](const store::SubjectRecord& r) { return r.ref == ref; });
    if (sub == s.subjects.end()) {
      return Invalid("unknown_subject", path + "/subject", "not a subject of this meeting");
    }
    if (std::find(std::begin(kDecisions), std::end(kDecisions), decision) == std::end(kDecisions)) {
      return Invalid("invalid_decision", path + "/decision",
                     "one of focus, bilateraal, monitoren, verwijzen, geen-vervolg");
    }
    if (!outcomes.emplace(sub->index, decision).second) {
      return Invalid("duplicate", path + "/subject", "listed twice");
    }
  }
  const Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  const TimePoint now = impl_->clock.Now();
  const int days = o ? o->retention_days : 0;
  const std::string until = FormatUtc(now + std::chrono::hours(24) * days);
  std::vector<audit::Event> events;
  audit::Event closed = impl_->BaseEvent(audit::kMeetingClosed, caller, c, o, meeting_id);
  closed.detail = Json{{"outcomes", outcomes.size()}, {"retention_until", until}};
  events.push_back(std::move(closed));
  // One event per decided subject, so that the access report shows the
  // decision about that person.
  for (const auto& [idx, decision] : outcomes) {
    audit::Event e = impl_->BaseEvent(audit::kMeetingClosed, caller, c, o, meeting_id);
    e.subject = s.subjects[static_cast<std::size_t>(idx)].pseudonym;
    e.detail = Json{{"decision", decision}};
    events.push_back(std::move(e));
  }
  VH_RETURN_IF_ERROR(impl_->cases.Close(meeting_id, outcomes, FormatUtc(now), until,
                                        [&] { return impl_->AppendAll(std::move(events)); }));
  LogInfo("meeting_closed", {{"meeting", std::string(meeting_id)}});
  Json out = {{"id", std::string(meeting_id)},
              {"state", store::kMeetingClosed},
              {"closed_at", FormatUtc(now)},
              {"retention_until", until}};
  Json oc = Json::array();
  for (const auto& [idx, decision] : outcomes) {
    oc.push_back(
        {{"subject", s.subjects[static_cast<std::size_t>(idx)].ref}, {"decision", decision}});
  }
  out["outcomes"] = std::move(oc);
  return out;
}

Result<Json> ExchangeService::ExtendRetention(const audit::Actor& caller,
                                              std::string_view meeting_id, const Json& body) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  VH_RETURN_IF_ERROR(impl_->RequireHouseCoordinator(caller, c));
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"until", "reason"}));
  TimePoint until;
  VH_RETURN_IF_ERROR(GetTime(body, "until", "", &until));
  std::string reason;
  VH_RETURN_IF_ERROR(GetString(body, "reason", "", kMaxReasonBytes, false, &reason));
  if (reason.empty()) return Invalid("empty", "/reason", "a reason is required");
  auto m = impl_->cases.GetMeeting(meeting_id);
  if (!m.ok()) return m.status();
  if (m->state != store::kMeetingClosed) {
    return Status::Conflict("meeting_not_closed",
                            "retention can be extended for closed meetings only");
  }
  std::string current = m->retention_until;
  if (m->extended_until > current) current = m->extended_until;
  const std::string until_s = FormatUtc(until);
  if (until_s <= current) {
    return Invalid("not_later", "/until", "must be later than the current retention end");
  }
  const Overlegvorm* o = c.FindOverlegvorm(m->overlegvorm);
  audit::Event e = impl_->BaseEvent(audit::kRetentionExtended, caller, c, o, meeting_id);
  e.detail = Json{{"until", until_s}, {"previous_until", current}, {"reason", reason}};
  VH_RETURN_IF_ERROR(impl_->cases.ExtendRetention(
      meeting_id, until_s, reason, [&] { return impl_->AppendAll({std::move(e)}); }));
  return Json{{"id", std::string(meeting_id)},
              {"retention_until", m->retention_until},
              {"extended_until", until_s}};
}

// ---------------------------------------------------------------------------
// Suppliers

Result<Json> ExchangeService::ListRequests(const audit::Actor& caller, std::string_view status) {
  if (caller.role != "supplier") return Status::PermissionDenied("only suppliers list requests");
  if (!status.empty() && status != "open" && status != "answered" && status != "declined" &&
      status != "overdue" && status != "failed") {
    return Invalid("invalid_status", "/status", "one of open, answered, declined, overdue, failed");
  }
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  auto reqs = impl_->cases.RequestsOfSupplier(caller.partner);
  if (!reqs.ok()) return reqs.status();
  const std::string now = impl_->Now();
  std::map<std::string, std::shared_ptr<const Snapshot>> snaps;
  Json out = Json::array();
  for (const auto& r : *reqs) {
    const std::string eff = Impl::EffectiveStatus(r, now);
    if (status == "open") {
      if (eff != store::kRequestOpen && eff != store::kRequestOverdue &&
          eff != store::kRequestFailed) {
        continue;
      }
    } else if (!status.empty() && eff != status) {
      continue;
    }
    auto& snap = snaps[r.meeting];
    if (!snap) {
      auto l = impl_->Load(r.meeting);
      if (!l.ok()) return l.status();
      snap = *l;
    }
    if (r.subject < 0 || static_cast<std::size_t>(r.subject) >= snap->subjects.size()) continue;
    const auto& sub = snap->subjects[static_cast<std::size_t>(r.subject)];
    Json identity = Json::object();
    const Overlegvorm* o = c.FindOverlegvorm(snap->meeting.overlegvorm);
    if (!sub.identity.is_null() && o) {
      for (const auto* f : o->request_identity) {
        auto it = sub.identity.find(f->id);
        if (it != sub.identity.end()) identity[f->id] = *it;
      }
    }
    out.push_back({{"id", r.id},
                   {"meeting", r.meeting},
                   {"overlegvorm", snap->meeting.overlegvorm},
                   {"subject", sub.ref},
                   {"identity", std::move(identity)},
                   {"fields", r.fields},
                   {"deadline", r.deadline},
                   {"status", eff}});
  }
  return Json{{"requests", std::move(out)}};
}

Result<Json> ExchangeService::Answer(const audit::Actor& caller, std::string_view request_id,
                                     const Json& body) {
  if (caller.role != "supplier") return Status::PermissionDenied("only suppliers answer");
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  auto req = impl_->cases.GetRequest(request_id);
  if (!req.ok()) return req.status();
  auto snap = impl_->Load(req->meeting);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  if (req->subject < 0 || static_cast<std::size_t>(req->subject) >= s.subjects.size()) {
    return Status::Internal("request refers to a subject the meeting does not have");
  }
  const std::string& pseudonym = s.subjects[static_cast<std::size_t>(req->subject)].pseudonym;
  if (req->supplier != caller.partner) {
    return impl_->Refuse(caller, c, o, req->meeting,
                         Status::PermissionDenied("this request was sent to another partner"),
                         pseudonym, req->supplier);
  }
  if (s.meeting.state != store::kMeetingOpen) {
    return Status::Conflict("meeting_closed", "the meeting is closed; answers are not accepted");
  }
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"fields"}));
  auto fit = body.find("fields");
  if (fit == body.end()) return Missing("/fields");
  if (!fit->is_object()) return WrongType("/fields", "an object");
  if (!o)
    return Status::Conflict("overlegvorm_withdrawn",
                            "the overlegvorm is no longer in the covenant");
  auto intake = policy::SplitAnswer(c, o->id, caller.partner, s.IsAdHoc(caller.partner), *fit);
  if (!intake.ok()) return intake.status();

  std::vector<store::AnswerRecord> accepted;
  Json accepted_ids = Json::array();
  Json withheld_out = Json::array();
  audit::Event e = impl_->BaseEvent(audit::kAnswerReceived, caller, c, o, req->meeting);
  e.subject = pseudonym;
  e.supplier = caller.partner;
  e.recipient = c.house();
  audit::Event w = e;
  w.type = audit::kFieldWithheld;
  const std::string now = impl_->Now();
  for (auto it = intake->accepted.begin(); it != intake->accepted.end(); ++it) {
    if (!Contains(req->fields, it.key())) {
      // The covenant allows it, but it was not asked for this request.
      withheld_out.push_back({{"field", it.key()}, {"reason", "not_requested"}});
      w.fields.push_back({it.key(), "withheld", "", "", "not_requested", ""});
      continue;
    }
    accepted_ids.push_back(it.key());
    e.fields.push_back({it.key(), "accepted", "", "", "",
                        impl_->audit.pseudonymizer().ValueMac(it.key(), it.value())});
    if (!it.value().is_null()) {
      accepted.push_back({req->subject, caller.partner, it.key(), it.value(), req->id, now});
    }
  }
  for (const auto& wh : intake->withheld) {
    withheld_out.push_back({{"field", wh.field}, {"reason", wh.reason}});
    w.fields.push_back({wh.field, "withheld", "", "", wh.reason, ""});
  }
  const bool replaces = req->answers > 0 || req->status == store::kRequestDeclined;
  e.detail = Json{{"request", req->id}, {"replaces", replaces}};
  if (replaces) e.detail["previous_status"] = req->status;
  w.detail = Json{{"request", req->id}};
  std::vector<audit::Event> events;
  events.push_back(std::move(e));
  if (!w.fields.empty()) events.push_back(std::move(w));
  VH_RETURN_IF_ERROR(impl_->cases.StoreAnswer(request_id, accepted, now,
                                              [&] { return impl_->AppendAll(std::move(events)); }));
  LogInfo("answer_received", {{"request", req->id},
                              {"supplier", caller.partner},
                              {"accepted", accepted_ids.size()},
                              {"withheld", withheld_out.size()}});
  Json withheld_ids = Json::array();
  for (const auto& x : withheld_out) withheld_ids.push_back(x["field"]);
  return Json{{"request", req->id},
              {"accepted", std::move(accepted_ids)},
              {"withheld", std::move(withheld_ids)},
              {"withheld_reasons", std::move(withheld_out)},
              {"replaced", replaces}};
}

Result<Json> ExchangeService::Decline(const audit::Actor& caller, std::string_view request_id,
                                      const Json& body) {
  if (caller.role != "supplier") return Status::PermissionDenied("only suppliers decline");
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  auto req = impl_->cases.GetRequest(request_id);
  if (!req.ok()) return req.status();
  auto snap = impl_->Load(req->meeting);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  if (req->subject < 0 || static_cast<std::size_t>(req->subject) >= s.subjects.size()) {
    return Status::Internal("request refers to a subject the meeting does not have");
  }
  const std::string& pseudonym = s.subjects[static_cast<std::size_t>(req->subject)].pseudonym;
  if (req->supplier != caller.partner) {
    return impl_->Refuse(caller, c, o, req->meeting,
                         Status::PermissionDenied("this request was sent to another partner"),
                         pseudonym, req->supplier);
  }
  if (s.meeting.state != store::kMeetingOpen) {
    return Status::Conflict("meeting_closed", "the meeting is closed");
  }
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"reason"}));
  std::string reason;
  VH_RETURN_IF_ERROR(GetString(body, "reason", "", kMaxReasonBytes, false, &reason));
  if (reason.empty()) return Invalid("empty", "/reason", "a reason is required");
  if (req->status == store::kRequestAnswered) {
    return Status::Conflict("already_answered", "the request has been answered");
  }
  if (req->status == store::kRequestDeclined) {
    return Status::Conflict("already_declined", "the request has been declined");
  }
  audit::Event e = impl_->BaseEvent(audit::kRequestDeclined, caller, c, o, req->meeting);
  e.subject = pseudonym;
  e.supplier = caller.partner;
  e.recipient = c.house();
  e.detail = Json{{"request", req->id}, {"reason", reason}};
  const std::string now = impl_->Now();
  VH_RETURN_IF_ERROR(
      impl_->cases.SetRequestStatus(request_id, store::kRequestDeclined, reason, now,
                                    [&] { return impl_->AppendAll({std::move(e)}); }));
  return Json{{"request", req->id}, {"status", store::kRequestDeclined}};
}

Status ExchangeService::RecordSupplierFailure(const audit::Actor& system,
                                              std::string_view request_id,
                                              std::string_view reason) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  auto req = impl_->cases.GetRequest(request_id);
  if (!req.ok()) return req.status();
  auto snap = impl_->Load(req->meeting);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  if (s.meeting.state != store::kMeetingOpen) {
    return Status::Conflict("meeting_closed", "the meeting is closed");
  }
  if (req->status == store::kRequestAnswered || req->status == store::kRequestDeclined) {
    return Status::Conflict("already_" + req->status, "the request is no longer open");
  }
  const Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  audit::Event e = impl_->BaseEvent(audit::kSupplierFailed, system, c, o, req->meeting);
  if (req->subject < 0 || static_cast<std::size_t>(req->subject) >= s.subjects.size()) {
    return Status::Internal("request refers to a subject the meeting does not have");
  }
  e.subject = s.subjects[static_cast<std::size_t>(req->subject)].pseudonym;
  e.supplier = req->supplier;
  e.recipient = c.house();
  e.outcome = "error";
  const std::string short_reason(reason.substr(0, 200));
  e.detail = Json{{"request", req->id}, {"reason", short_reason}};
  return impl_->cases.SetRequestStatus(request_id, store::kRequestFailed, short_reason,
                                       impl_->Now(),
                                       [&] { return impl_->AppendAll({std::move(e)}); });
}

// ---------------------------------------------------------------------------
// Participants

Result<Json> ExchangeService::GetDeclaration(const audit::Actor& caller,
                                             std::string_view meeting_id) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  auto snap = impl_->Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  if (caller.role != "participant" || !s.IsAdHoc(caller.partner)) {
    return Status::PermissionDenied(
        "only ad hoc partners invited to this meeting sign a declaration");
  }
  if (s.meeting.state != store::kMeetingOpen) {
    return Status::Make(Code::kPermissionDenied, "meeting_closed", "the meeting is closed");
  }
  const std::string& text = c.declaration();
  Json out = {{"meeting", s.meeting.id},
              {"text", text},
              {"text_sha256", crypto::Sha256Hex(text)},
              {"signed", s.Signed(caller.partner)}};
  return out;
}

Result<Json> ExchangeService::SignDeclaration(const audit::Actor& caller,
                                              std::string_view meeting_id, const Json& body) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  auto snap = impl_->Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  if (caller.role != "participant" || !s.IsAdHoc(caller.partner)) {
    return Status::PermissionDenied(
        "only ad hoc partners invited to this meeting sign a declaration");
  }
  if (s.meeting.state != store::kMeetingOpen) {
    return Status::Make(Code::kPermissionDenied, "meeting_closed", "the meeting is closed");
  }
  VH_RETURN_IF_ERROR(RequireObject(body, ""));
  VH_RETURN_IF_ERROR(CheckKnownKeys(body, "", {"text_sha256"}));
  std::string hash;
  VH_RETURN_IF_ERROR(GetString(body, "text_sha256", "", 128, false, &hash));
  const std::string expected = crypto::Sha256Hex(c.declaration());
  if (hash.size() != expected.size() ||
      !crypto::ConstantTimeEqual(reinterpret_cast<const uint8_t*>(hash.data()),
                                 reinterpret_cast<const uint8_t*>(expected.data()),
                                 expected.size())) {
    return Invalid("declaration_mismatch", "/text_sha256",
                   "not the hash of the declaration in force");
  }
  const Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  const std::string now = impl_->Now();
  audit::Event e = impl_->BaseEvent(audit::kDeclarationSigned, caller, c, o, meeting_id);
  e.recipient = caller.partner;
  e.detail = Json{{"text_sha256", expected}};
  store::DeclarationRecord d{caller.partner, caller.cn, expected, now};
  VH_RETURN_IF_ERROR(
      impl_->cases.AddDeclaration(meeting_id, d, [&] { return impl_->AppendAll({std::move(e)}); }));
  return Json{{"meeting", std::string(meeting_id)},
              {"partner", caller.partner},
              {"signed_by", caller.cn},
              {"signed_at", now},
              {"text_sha256", expected}};
}

// A view about to be shown (its event and the rendered view), or refused
// (`refusal` and its access_refused event).
struct PreparedView {
  audit::Event event;
  std::shared_ptr<const RenderedView> view;
  Status refusal;
};

Result<PreparedView> ExchangeService::PrepareView(const audit::Actor& caller,
                                                  std::string_view meeting_id) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  if (caller.role != "participant") {
    return Status::PermissionDenied("only participants view dossiers");
  }
  auto snap = impl_->Load(meeting_id);
  if (!snap.ok()) return snap.status();
  const Snapshot& s = **snap;
  const Overlegvorm* o = c.FindOverlegvorm(s.meeting.overlegvorm);
  auto refused = [&](Status refusal) {
    PreparedView out;
    out.event = impl_->RefusalEvent(caller, c, o, meeting_id, refusal);
    out.refusal = std::move(refusal);
    return out;
  };
  if (s.meeting.state != store::kMeetingOpen) {
    return refused(
        Status::Make(Code::kPermissionDenied, "meeting_closed", "the meeting is closed"));
  }
  if (!o) {
    return refused(Status::Make(Code::kPermissionDenied, "overlegvorm_withdrawn",
                                "the overlegvorm is no longer in the covenant"));
  }
  const bool house = c.IsHouse(caller.partner);
  if (!house && !s.IsParticipant(caller.partner)) {
    return refused(Status::PermissionDenied("not a participant of this meeting"));
  }
  if (!house && s.IsAdHoc(caller.partner)) {
    if (!s.Signed(caller.partner)) {
      return refused(Status::Make(Code::kPermissionDenied, "declaration_not_signed",
                                  "sign the confidentiality declaration for this meeting first"));
    }
    if (FormatUtc(impl_->clock.Now()) >= s.meeting.ends_at) {
      return refused(
          Status::Make(Code::kPermissionDenied, "meeting_ended", "the meeting has ended"));
    }
  }
  auto view = impl_->Render(s, cp, caller.partner);
  if (!view.ok()) return view.status();
  // One dossier_disclosed event for the view.
  PreparedView out;
  out.view = std::move(*view);
  out.event = impl_->BaseEvent(audit::kDossierDisclosed, caller, c, o, meeting_id);
  out.event.recipient = caller.partner;
  out.event.supplier = out.view->supplier;
  out.event.parts_list = out.view->list->hex;
  out.event.detail = Json{{"phase", PhaseName(s.meeting.client_present)}};
  return out;
}

void ExchangeService::DossierBodyAsync(const audit::Actor& caller, std::string_view meeting_id,
                                       std::function<void(Result<SharedText>)> done) {
  auto prepared = PrepareView(caller, meeting_id);
  if (!prepared.ok()) return done(prepared.status());
  if (!prepared->refusal.ok()) {
    // The refusal is answered once its event is durable (or 503).
    impl_->audit.AppendAsync(std::move(prepared->event),
                             [refusal = std::move(prepared->refusal), done = std::move(done)](
                                 Status s) { done(s.ok() ? refusal : Impl::RefusalUnrecorded()); });
    return;
  }
  // The body leaves only once its event is durable.
  std::shared_ptr<const RenderedView> view = std::move(prepared->view);
  auto sets = view->sets;
  auto list = view->list;
  impl_->audit.AppendAsync(
      audit::AppendRequest::View(std::move(prepared->event), std::move(sets), std::move(list)),
      [view = std::move(view), done = std::move(done)](Status s) {
        if (!s.ok()) return done(Impl::Recorded(s));
        done(SharedText(view, &view->body));  // shares the view, copies nothing
      });
}

Result<std::string> ExchangeService::DossierBody(const audit::Actor& caller,
                                                 std::string_view meeting_id) {
  std::promise<Result<std::string>> result;
  auto fut = result.get_future();
  DossierBodyAsync(caller, meeting_id, [&result](Result<SharedText> r) {
    result.set_value(r.ok() ? Result<std::string>(**r) : Result<std::string>(r.status()));
  });
  return fut.get();
}

Result<Json> ExchangeService::Dossier(const audit::Actor& caller, std::string_view meeting_id) {
  auto body = DossierBody(caller, meeting_id);
  if (!body.ok()) return body.status();
  JsonLimits unlimited;
  unlimited.max_bytes = body->size() + 1;
  return ParseJson(*body, unlimited);
}

// ---------------------------------------------------------------------------
// Retention

Result<Json> ExchangeService::RunRetention(const audit::Actor& system) {
  auto cp = impl_->covenant();
  const Covenant& c = *cp;
  const std::string now = impl_->Now();
  auto due = impl_->cases.DueForShredding(now);
  if (!due.ok()) return due.status();
  Json shredded = Json::array();
  for (const auto& m : *due) {
    const Overlegvorm* o = c.FindOverlegvorm(m.overlegvorm);
    audit::Event e = impl_->BaseEvent(audit::kDataShredded, system, c, o, m.id);
    if (!o) e.overlegvorm = m.overlegvorm;
    e.detail = Json{{"closed_at", m.closed_at},
                    {"retention_until", m.retention_until},
                    {"extended_until", m.extended_until}};
    Status s = impl_->cases.Shred(m.id, now, [&] { return impl_->AppendAll({std::move(e)}); });
    if (!s.ok()) {
      LogError("retention_shred_failed", {{"meeting", m.id}, {"reason", s.reason()}});
      return s;
    }
    LogInfo("meeting_shredded", {{"meeting", m.id}});
    shredded.push_back(
        {{"id", m.id},
         {"overlegvorm", m.overlegvorm},
         {"closed_at", m.closed_at},
         {"retention_until", m.extended_until.empty() ? m.retention_until : m.extended_until}});
  }
  return Json{{"shredded", std::move(shredded)}, {"at", now}};
}

}  // namespace vh::exchange
