#pragma once
// A meeting's state read once (internal to exchange/): its record,
// participants, declarations, subjects with their need-to-know (municipality,
// suppliers), the house staff it names, and the answers grouped for the
// covenant filter (each subject's municipality set for residents only), and the SnapshotCache that
// keeps one per meeting until the case store's generation changes, so dossier views do not decrypt
// the meeting again per view.
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
#include "exchange/types.h"
#include "policy/filter.h"
#include "store/case_store.h"

namespace vh::exchange {

struct RenderedView;  // exchange/dossier_view.h

struct Snapshot {
  store::MeetingRecord meeting;
  std::vector<store::Participant> participants;
  std::vector<store::DeclarationRecord> declarations;
  std::vector<store::SubjectRecord> subjects;     // agenda order
  std::vector<store::SubjectScope> scopes;        // one per subject, agenda order
  std::optional<std::vector<std::string>> staff;  // house CNs the meeting names
  std::vector<policy::SubjectAnswers> answers;    // one per subject, agenda order
  // Rendered views by key (exchange/dossier_view.h ViewKey).
  mutable std::mutex views_mu;
  mutable std::map<std::string, std::shared_ptr<const RenderedView>, std::less<>> views;

  bool IsAdHoc(std::string_view partner) const;
  bool IsParticipant(std::string_view partner) const;
  // The declaration state of one person (partner, certificate CN and
  // fingerprint) when the text in force hashes to `text_sha256`.
  DeclarationState DeclarationOf(std::string_view partner, std::string_view cn,
                                 std::string_view fingerprint, std::string_view text_sha256) const;
  // Whether anyone of `partner` signed the text hashing to `text_sha256`.
  bool AnySigned(std::string_view partner, std::string_view text_sha256) const;
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
