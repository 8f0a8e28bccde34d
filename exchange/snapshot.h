#pragma once
// A meeting's state read once (internal to exchange/): its record,
// participants, declarations, subjects and the answers grouped for the
// covenant filter, and the SnapshotCache that keeps one per meeting until the
// case store's generation changes, so dossier views do not decrypt the
// meeting again per view.
//
// A Snapshot never changes once loaded; holders share it. It also keeps the
// partners' rendered dossier views of itself (exchange/dossier_view.h), under
// its own mutex.
// Errors: as the case store (NotFound for an unknown meeting, Unavailable).
// Thread-safety: SnapshotCache is thread-safe; a Snapshot may be read from
// any thread.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "policy/filter.h"
#include "store/case_store.h"

namespace vh::exchange {

struct RenderedView;  // exchange/dossier_view.h

struct Snapshot {
  store::MeetingRecord meeting;
  std::vector<store::Participant> participants;
  std::vector<store::DeclarationRecord> declarations;
  std::vector<store::SubjectRecord> subjects;   // agenda order
  std::vector<policy::SubjectAnswers> answers;  // one per subject, agenda order
  // Rendered views by recipient partner.
  mutable std::mutex views_mu;
  mutable std::map<std::string, std::shared_ptr<const RenderedView>, std::less<>> views;

  bool IsAdHoc(std::string_view partner) const;
  bool IsParticipant(std::string_view partner) const;
  // Whether `partner` signed the declaration for this meeting.
  bool Signed(std::string_view partner) const;
  std::vector<std::string> AdHocIds() const;
  std::vector<std::string> MemberIds() const;
  // The subject at agenda position `index`; null when there is none.
  const store::SubjectRecord* Subject(int index) const;
};

class SnapshotCache {
 public:
  // Borrows the store, which must outlive the cache.
  explicit SnapshotCache(store::CaseStore& cases) : cases_(cases) {}

  // The meeting as the store holds it now (a shredded meeting: its tombstone
  // record only).
  Result<std::shared_ptr<const Snapshot>> Load(std::string_view meeting_id);

 private:
  struct Entry {
    uint64_t generation = 0;
    std::shared_ptr<const Snapshot> snap;
  };
  store::CaseStore& cases_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace vh::exchange
