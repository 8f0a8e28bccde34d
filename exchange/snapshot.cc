#include "exchange/snapshot.h"

namespace vh::exchange {

bool Snapshot::IsAdHoc(std::string_view partner) const {
  for (const auto& p : participants) {
    if (p.partner == partner) return p.ad_hoc;
  }
  return false;
}

bool Snapshot::IsParticipant(std::string_view partner) const {
  for (const auto& p : participants) {
    if (p.partner == partner) return true;
  }
  return false;
}

DeclarationState Snapshot::DeclarationOf(std::string_view partner, std::string_view cn,
                                         std::string_view fingerprint,
                                         std::string_view text_sha256) const {
  for (const auto& d : declarations) {
    // The person signs, with the certificate it holds now; a row without a
    // fingerprint (signed before they were recorded) matches nobody.
    if (d.partner != partner || d.cn != cn || d.fingerprint.empty() ||
        d.fingerprint != fingerprint) {
      continue;
    }
    return d.text_sha256 == text_sha256 ? DeclarationState::kSigned : DeclarationState::kOutdated;
  }
  return DeclarationState::kUnsigned;
}

bool Snapshot::AnySigned(std::string_view partner, std::string_view text_sha256) const {
  for (const auto& d : declarations) {
    if (d.partner == partner && !d.fingerprint.empty() && d.text_sha256 == text_sha256) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> Snapshot::AdHocIds() const {
  std::vector<std::string> v;
  for (const auto& p : participants) {
    if (p.ad_hoc) v.push_back(p.partner);
  }
  return v;
}

std::vector<std::string> Snapshot::MemberIds() const {
  std::vector<std::string> v;
  for (const auto& p : participants) {
    if (!p.ad_hoc) v.push_back(p.partner);
  }
  return v;
}

const store::SubjectRecord* Snapshot::Subject(int index) const {
  if (index < 0 || static_cast<std::size_t>(index) >= subjects.size()) return nullptr;
  return &subjects[static_cast<std::size_t>(index)];
}

Result<std::shared_ptr<const Snapshot>> SnapshotCache::Load(std::string_view meeting_id) {
  const uint64_t gen = cases_.generation();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(std::string(meeting_id));
    if (it != entries_.end() && it->second.generation == gen) return it->second.snap;
  }
  auto snap = std::make_shared<Snapshot>();
  auto m = cases_.GetMeeting(meeting_id);
  if (!m.ok()) return m.status();
  snap->meeting = std::move(*m);
  if (snap->meeting.state != store::kMeetingShredded) {
    auto p = cases_.Participants(meeting_id);
    if (!p.ok()) return p.status();
    snap->participants = std::move(*p);
    auto d = cases_.Declarations(meeting_id);
    if (!d.ok()) return d.status();
    snap->declarations = std::move(*d);
    auto s = cases_.Subjects(meeting_id);
    if (!s.ok()) return s.status();
    snap->subjects = std::move(*s);
    snap->scopes.resize(snap->subjects.size());
    for (std::size_t i = 0; i < snap->scopes.size(); ++i) {
      snap->scopes[i].index = static_cast<int>(i);
    }
    auto scopes = cases_.SubjectScopes(meeting_id);
    if (!scopes.ok()) return scopes.status();
    for (auto& scope : *scopes) {
      if (scope.index < 0 || static_cast<std::size_t>(scope.index) >= snap->scopes.size()) continue;
      snap->scopes[static_cast<std::size_t>(scope.index)] = std::move(scope);
    }
    auto staff = cases_.Staff(meeting_id);
    if (!staff.ok()) return staff.status();
    snap->staff = std::move(*staff);
    auto a = cases_.Answers(meeting_id);
    if (!a.ok()) return a.status();
    snap->answers.resize(snap->subjects.size());
    std::vector<std::map<std::string, std::size_t>> field_pos(snap->subjects.size());
    for (std::size_t i = 0; i < snap->subjects.size(); ++i) {
      snap->answers[i].ref = snap->subjects[i].ref;
      snap->answers[i].municipality = snap->scopes[i].municipality;
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
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() > 256) entries_.clear();
    entries_[std::string(meeting_id)] = Entry{gen, out};
  }
  return out;
}

}  // namespace vh::exchange
