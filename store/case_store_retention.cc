// CaseStore: closing a meeting, retention and shredding.

#include <sodium.h>

#include "crypto/primitives.h"
#include "db/database.h"
#include "store/case_store.h"
#include "store/case_store_internal.h"

namespace vh::store {

using internal::Col;

Status CaseStore::Close(std::string_view meeting, const std::map<int, std::string>& outcomes,
                        std::string_view closed_at, std::string_view retention_until,
                        const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto m = GetMeetingLocked(meeting);
  if (!m.ok()) return m.status();
  if (m->state != kMeetingOpen) return Status::Conflict("meeting_closed", "meeting already closed");
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "UPDATE meetings SET state = 'closed', closed_at = ?2, retention_until = ?3 WHERE "
            "id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, meeting).Bind(2, closed_at).Bind(3, retention_until);
        VH_RETURN_IF_ERROR(st->Run());
        auto o = db_->Prepare("UPDATE subjects SET outcome = ?3 WHERE meeting = ?1 AND idx = ?2;");
        if (!o.ok()) return o.status();
        for (const auto& [idx, decision] : outcomes) {
          o->Reset();
          o->Bind(1, meeting).Bind(2, int64_t{idx}).Bind(3, decision);
          VH_RETURN_IF_ERROR(o->Run());
        }
        // Requests need no identities once the meeting is closed.
        auto d = db_->Prepare("UPDATE subjects SET identity = NULL WHERE meeting = ?1;");
        if (!d.ok()) return d.status();
        d->Bind(1, meeting);
        VH_RETURN_IF_ERROR(d->Run());
        // A subject that names a case: its decision is the case's too.
        return RecordCaseOutcomesLocked(meeting, outcomes, closed_at);
      },
      before_commit);
}

Status CaseStore::ExtendRetention(std::string_view meeting, std::string_view until,
                                  const Reason& reason, const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto m = GetMeetingLocked(meeting);
  if (!m.ok()) return m.status();
  if (m->state != kMeetingClosed) {
    return Status::Conflict("meeting_not_closed",
                            "retention can be extended for closed meetings only");
  }
  auto key = MeetingKeyLocked(meeting);
  if (!key.ok()) return key.status();
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "UPDATE meetings SET extended_until = ?2, extension_reason = ?3, extension_code = ?4 "
            "WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, meeting).Bind(2, until);
        if (reason.text.empty()) {
          st->BindNull(3);
        } else {
          st->BindBlob(3, SealFor(**key, meeting, "extension_reason", reason.text));
        }
        if (reason.code.empty()) {
          st->BindNull(4);
        } else {
          st->Bind(4, reason.code);
        }
        return st->Run();
      },
      before_commit);
}

Result<std::vector<MeetingRecord>> CaseStore::DueForShredding(std::string_view now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT id, retention_until, extended_until FROM meetings WHERE state = 'closed';");
  if (!st.ok()) return st.status();
  std::vector<std::string> due;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string until = Col(*st, 1);
    std::string ext = Col(*st, 2);
    if (!ext.empty() && ext > until) until = ext;
    // Timestamps are all written by FormatUtc (fixed width, UTC), so the
    // string order is the time order.
    if (!until.empty() && until <= now) due.push_back(Col(*st, 0));
  }
  std::vector<MeetingRecord> out;
  for (const auto& id : due) {
    auto m = GetMeetingLocked(id);
    if (!m.ok()) return m.status();
    out.push_back(std::move(*m));
  }
  return out;
}

Status CaseStore::Shred(std::string_view meeting, std::string_view at,
                        const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = InTransaction(
      [&]() -> Status {
        for (const char* sql :
             {"DELETE FROM answers WHERE meeting = ?1;", "DELETE FROM requests WHERE meeting = ?1;",
              "DELETE FROM subjects WHERE meeting = ?1;",
              "DELETE FROM declarations WHERE meeting = ?1;",
              "DELETE FROM participants WHERE meeting = ?1;"}) {
          auto st = db_->Prepare(sql);
          if (!st.ok()) return st.status();
          st->Bind(1, meeting);
          VH_RETURN_IF_ERROR(st->Run());
        }
        VH_RETURN_IF_ERROR(ShredNeedToKnowLocked(meeting));
        auto st = db_->Prepare(
            "UPDATE meetings SET state = 'shredded', shredded_at = ?2, wrapped_key = NULL, "
            "title = NULL, extension_reason = NULL, extension_code = NULL WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, meeting).Bind(2, at);
        return st->Run();
      },
      before_commit);
  if (s.ok()) keys_.erase(std::string(meeting));  // SecretBytes wipes itself
  return s;
}

}  // namespace vh::store
