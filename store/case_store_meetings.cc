// CaseStore: meetings, participants, subjects, declarations and the phase.

#include <sodium.h>

#include "crypto/primitives.h"
#include "db/database.h"
#include "store/case_store.h"
#include "store/case_store_internal.h"

namespace vh::store {

using internal::Col;

Status CaseStore::CreateMeeting(const NewMeeting& m, const std::vector<AnswerRecord>& house_answers,
                                const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  const MeetingRecord& r = m.meeting;
  crypto::SecretBytes key = crypto::SecretBytes::Random(crypto::kKeyBytes);
  std::string aad = "vh.store.v1.key|" + r.id;
  std::string wrapped = crypto::Seal(
      wrap_key_, std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), aad);
  Status s = InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "INSERT INTO meetings (id, overlegvorm, title, starts_at, ends_at, created_at, "
            "created_by, covenant_id, covenant_version, covenant_sha256, state, client_present, "
            "wrapped_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12);");
        if (!st.ok()) return st.status();
        st->Bind(1, r.id).Bind(2, r.overlegvorm);
        st->BindBlob(3, SealFor(key, r.id, "title", r.title));
        st->Bind(4, r.starts_at).Bind(5, r.ends_at).Bind(6, r.created_at).Bind(7, r.created_by);
        st->Bind(8, r.covenant_id).Bind(9, r.covenant_version).Bind(10, r.covenant_sha256);
        st->Bind(11, kMeetingOpen).BindBlob(12, wrapped);
        VH_RETURN_IF_ERROR(st->Run());
        auto pst = db_->Prepare(
            "INSERT INTO participants (meeting, partner, ad_hoc) VALUES (?1, ?2, ?3);");
        if (!pst.ok()) return pst.status();
        for (const auto& p : m.participants) {
          pst->Reset();
          pst->Bind(1, r.id).Bind(2, p.partner).Bind(3, int64_t{p.ad_hoc ? 1 : 0});
          VH_RETURN_IF_ERROR(pst->Run());
        }
        auto sst = db_->Prepare(
            "INSERT INTO subjects (meeting, idx, ref, identity, reason, pseudonym, outcome) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL);");
        if (!sst.ok()) return sst.status();
        for (const auto& sub : m.subjects) {
          const std::string idx = std::to_string(sub.index);
          sst->Reset();
          sst->Bind(1, r.id).Bind(2, int64_t{sub.index});
          sst->BindBlob(3, SealFor(key, r.id, "subject.ref|" + idx, sub.ref));
          if (sub.identity.is_null()) {
            sst->BindNull(4);
          } else {
            sst->BindBlob(4, SealFor(key, r.id, "subject.identity|" + idx, DumpJson(sub.identity)));
          }
          sst->BindBlob(5, SealFor(key, r.id, "subject.reason|" + idx, sub.reason));
          sst->Bind(6, sub.pseudonym);
          VH_RETURN_IF_ERROR(sst->Run());
        }
        auto ast = db_->Prepare(
            "INSERT INTO answers (meeting, subject, supplier, field, value, request_id, "
            "received_at) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6);");
        if (!ast.ok()) return ast.status();
        for (const auto& a : house_answers) {
          ast->Reset();
          ast->Bind(1, r.id).Bind(2, int64_t{a.subject}).Bind(3, a.supplier).Bind(4, a.field);
          ast->BindBlob(
              5, SealFor(key, r.id,
                         "answer|" + std::to_string(a.subject) + "|" + a.supplier + "|" + a.field,
                         DumpJson(a.value)));
          ast->Bind(6, a.received_at);
          VH_RETURN_IF_ERROR(ast->Run());
        }
        VH_RETURN_IF_ERROR(InsertNeedToKnowLocked(key, m));
        return InsertCaseLinksLocked(m);
      },
      before_commit);
  if (s.ok()) keys_.emplace(r.id, std::move(key));
  return s;
}

Result<MeetingRecord> CaseStore::GetMeetingLocked(std::string_view id) {
  auto st = db_->Prepare("SELECT " + std::string(kMeetingColumns) +
                         ", wrapped_key IS NULL, extension_code FROM meetings WHERE id = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such meeting");
  MeetingRecord m;
  m.id = Col(*st, 0);
  m.overlegvorm = Col(*st, 1);
  m.starts_at = Col(*st, 3);
  m.ends_at = Col(*st, 4);
  m.created_at = Col(*st, 5);
  m.created_by = Col(*st, 6);
  m.covenant_id = Col(*st, 7);
  m.covenant_version = Col(*st, 8);
  m.covenant_sha256 = Col(*st, 9);
  m.state = Col(*st, 10);
  m.client_present = st->Int(11) != 0;
  m.closed_at = Col(*st, 12);
  m.retention_until = Col(*st, 13);
  m.extended_until = Col(*st, 14);
  m.shredded_at = Col(*st, 16);
  m.extension_code = Col(*st, 18);
  const bool shredded = st->Int(17) != 0;
  if (shredded) return m;
  std::string title_box = st->IsNull(2) ? "" : st->Blob(2);
  std::string reason_box = st->IsNull(15) ? "" : st->Blob(15);
  auto key = MeetingKeyLocked(id);
  if (!key.ok()) return key.status();
  if (!title_box.empty()) {
    auto t = OpenFor(**key, id, "title", title_box);
    if (!t.ok()) return t.status();
    m.title = std::move(*t);
  }
  if (!reason_box.empty()) {
    auto t = OpenFor(**key, id, "extension_reason", reason_box);
    if (!t.ok()) return t.status();
    m.extension_reason = std::move(*t);
  }
  return m;
}

Result<MeetingRecord> CaseStore::GetMeeting(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetMeetingLocked(id);
}

Result<std::vector<Participant>> CaseStore::Participants(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st =
      db_->Prepare("SELECT partner, ad_hoc FROM participants WHERE meeting = ?1 ORDER BY rowid;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  std::vector<Participant> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({st->Text(0), st->Int(1) != 0});
  }
  return out;
}

Result<std::vector<SubjectRecord>> CaseStore::Subjects(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SubjectRecord> out;
  VH_RETURN_IF_ERROR(ForEachSealedRowLocked(
      "SELECT idx, ref, identity, reason, pseudonym, outcome FROM subjects WHERE meeting = ?1 "
      "ORDER BY idx;",
      meeting, [&](const db::Statement& st, const crypto::SecretBytes& key) -> Status {
        SubjectRecord s;
        s.index = static_cast<int>(st.Int(0));
        const std::string idx = std::to_string(s.index);
        auto ref = OpenFor(key, meeting, "subject.ref|" + idx, st.Blob(1));
        if (!ref.ok()) return ref.status();
        s.ref = std::move(*ref);
        if (!st.IsNull(2)) {
          auto id = OpenFor(key, meeting, "subject.identity|" + idx, st.Blob(2));
          if (!id.ok()) return id.status();
          auto j = ParseJson(*id);
          if (!j.ok()) return Status::Internal("stored identity is not JSON");
          s.identity = std::move(*j);
        }
        auto reason = OpenFor(key, meeting, "subject.reason|" + idx, st.Blob(3));
        if (!reason.ok()) return reason.status();
        s.reason = std::move(*reason);
        s.pseudonym = Col(st, 4);
        s.outcome = Col(st, 5);
        out.push_back(std::move(s));
        return Status::Ok();
      }));
  return out;
}

Status CaseStore::AddDeclaration(std::string_view meeting, const DeclarationRecord& d,
                                 const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "INSERT OR REPLACE INTO declarations (meeting, partner, cn, text_sha256, signed_at, "
            "fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6);");
        if (!st.ok()) return st.status();
        st->Bind(1, meeting).Bind(2, d.partner).Bind(3, d.cn).Bind(4, d.text_sha256);
        st->Bind(5, d.signed_at).Bind(6, d.fingerprint);
        return st->Run();
      },
      before_commit);
}

Result<std::vector<DeclarationRecord>> CaseStore::Declarations(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT partner, cn, text_sha256, signed_at, fingerprint FROM declarations WHERE meeting = "
      "?1 ORDER BY rowid;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  std::vector<DeclarationRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({Col(*st, 0), Col(*st, 1), Col(*st, 2), Col(*st, 3), Col(*st, 4)});
  }
  return out;
}

Status CaseStore::SetPhase(std::string_view meeting, bool client_present,
                           const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto m = GetMeetingLocked(meeting);
  if (!m.ok()) return m.status();
  if (m->state != kMeetingOpen) return Status::Conflict("meeting_closed", "meeting closed");
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare("UPDATE meetings SET client_present = ?2 WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, meeting).Bind(2, int64_t{client_present ? 1 : 0});
        return st->Run();
      },
      before_commit);
}

}  // namespace vh::store
