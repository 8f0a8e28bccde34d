// CaseStore: information requests and their answers.

#include <sodium.h>

#include "crypto/primitives.h"
#include "db/database.h"
#include "store/case_store.h"
#include "store/case_store_internal.h"

namespace vh::store {

using internal::Col;

namespace {

constexpr std::string_view kRequestColumns =
    "id, meeting, subject, supplier, fields, deadline, status, created_at, answered_at, note, "
    "answers, note_code";

Json FieldsToJson(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

Result<RequestRecord> ReadRequestRow(const db::Statement& st) {
  RequestRecord r;
  r.id = Col(st, 0);
  r.meeting = Col(st, 1);
  r.subject = static_cast<int>(st.Int(2));
  r.supplier = Col(st, 3);
  auto f = ParseJson(Col(st, 4));
  if (!f.ok() || !f->is_array()) return Status::Internal("stored request fields are not a list");
  for (const auto& x : *f) {
    if (x.is_string()) r.fields.push_back(x.get<std::string>());
  }
  r.deadline = Col(st, 5);
  r.status = Col(st, 6);
  r.created_at = Col(st, 7);
  r.answered_at = Col(st, 8);
  r.answers = static_cast<int>(st.Int(10));
  r.note_code = Col(st, 11);
  return r;
}

}  // namespace

Status CaseStore::AddRequests(const std::vector<RequestRecord>& requests,
                              const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(
      [&]() -> Status {
        auto st = db_->Prepare(
            "INSERT INTO requests (id, meeting, subject, supplier, fields, deadline, status, "
            "created_at, answers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0);");
        if (!st.ok()) return st.status();
        for (const auto& r : requests) {
          st->Reset();
          st->Bind(1, r.id).Bind(2, r.meeting).Bind(3, int64_t{r.subject}).Bind(4, r.supplier);
          st->Bind(5, DumpJson(FieldsToJson(r.fields))).Bind(6, r.deadline);
          st->Bind(7, r.status.empty() ? kRequestOpen : r.status).Bind(8, r.created_at);
          VH_RETURN_IF_ERROR(st->Run());
        }
        return Status::Ok();
      },
      before_commit);
}

Result<RequestRecord> CaseStore::GetRequestLocked(std::string_view id) {
  auto st =
      db_->Prepare("SELECT " + std::string(kRequestColumns) + " FROM requests WHERE id = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such request");
  auto r = ReadRequestRow(*st);
  if (!r.ok()) return r;
  VH_RETURN_IF_ERROR(OpenNoteLocked(*st, &*r));
  return r;
}

Status CaseStore::OpenNoteLocked(const db::Statement& row, RequestRecord* r) {
  if (row.IsNull(9)) return Status::Ok();
  auto key = MeetingKeyLocked(r->meeting);
  if (!key.ok()) return key.status();
  auto note = OpenFor(**key, r->meeting, "request.note|" + r->id, row.Blob(9));
  if (!note.ok()) return note.status();
  r->note = std::move(*note);
  return Status::Ok();
}

Result<RequestRecord> CaseStore::GetRequest(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetRequestLocked(id);
}

Result<std::vector<RequestRecord>> CaseStore::RequestsOfMeeting(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare("SELECT " + std::string(kRequestColumns) +
                         " FROM requests WHERE meeting = ?1 ORDER BY subject, supplier;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  std::vector<RequestRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto r = ReadRequestRow(*st);
    if (!r.ok()) return r.status();
    VH_RETURN_IF_ERROR(OpenNoteLocked(*st, &*r));
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::vector<RequestRecord>> CaseStore::RequestsOfSupplier(std::string_view supplier) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT r.id, r.meeting, r.subject, r.supplier, r.fields, r.deadline, r.status, "
      "r.created_at, r.answered_at, r.note, r.answers, r.note_code FROM requests r JOIN "
      "meetings m ON "
      "m.id = r.meeting WHERE r.supplier = ?1 AND m.state = 'open' ORDER BY r.created_at, "
      "r.rowid;");
  if (!st.ok()) return st.status();
  st->Bind(1, supplier);
  std::vector<RequestRecord> out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto r = ReadRequestRow(*st);
    if (!r.ok()) return r.status();
    out.push_back(std::move(*r));
  }
  return out;
}

Result<CaseStore::AwaitingCounts> CaseStore::CountAwaitingRequests(std::string_view now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT COALESCE(SUM(r.status = 'open' AND (r.deadline IS NULL OR r.deadline = '' OR "
      "r.deadline >= ?1)), 0), COALESCE(SUM(r.status = 'open' AND r.deadline <> '' AND r.deadline "
      "< ?1), 0), COALESCE(SUM(r.status = 'failed'), 0) FROM requests r JOIN meetings m ON m.id = "
      "r.meeting WHERE m.state = 'open' AND r.status IN ('open', 'failed');");
  if (!st.ok()) return st.status();
  st->Bind(1, now);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  AwaitingCounts c;
  if (*row) {
    c.open = st->Int(0);
    c.overdue = st->Int(1);
    c.failed = st->Int(2);
  }
  return c;
}

Status CaseStore::DropIdentityIfDoneLocked(std::string_view meeting, int subject) {
  auto st = db_->Prepare(
      "SELECT COUNT(*) FROM requests WHERE meeting = ?1 AND subject = ?2 AND status IN "
      "('open', 'failed');");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting).Bind(2, int64_t{subject});
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (*row && st->Int(0) > 0) return Status::Ok();
  auto up = db_->Prepare("UPDATE subjects SET identity = NULL WHERE meeting = ?1 AND idx = ?2;");
  if (!up.ok()) return up.status();
  up->Bind(1, meeting).Bind(2, int64_t{subject});
  return up->Run();
}

Status CaseStore::StoreAnswer(std::string_view request_id,
                              const std::vector<AnswerRecord>& accepted,
                              std::string_view answered_at, const BeforeCommit& before_commit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto req = GetRequestLocked(request_id);
  if (!req.ok()) return req.status();
  auto meeting = GetMeetingLocked(req->meeting);
  if (!meeting.ok()) return meeting.status();
  if (meeting->state != kMeetingOpen) return Status::Conflict("meeting_closed", "meeting closed");
  auto key = MeetingKeyLocked(req->meeting);
  if (!key.ok()) return key.status();
  return InTransaction(
      [&]() -> Status {
        auto del = db_->Prepare("DELETE FROM answers WHERE request_id = ?1;");
        if (!del.ok()) return del.status();
        del->Bind(1, request_id);
        VH_RETURN_IF_ERROR(del->Run());
        auto ins = db_->Prepare(
            "INSERT OR REPLACE INTO answers (meeting, subject, supplier, field, value, "
            "request_id, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7);");
        if (!ins.ok()) return ins.status();
        for (const auto& a : accepted) {
          ins->Reset();
          ins->Bind(1, req->meeting).Bind(2, int64_t{req->subject}).Bind(3, req->supplier);
          ins->Bind(4, a.field);
          ins->BindBlob(5, SealFor(**key, req->meeting,
                                   "answer|" + std::to_string(req->subject) + "|" + req->supplier +
                                       "|" + a.field,
                                   DumpJson(a.value)));
          ins->Bind(6, request_id).Bind(7, answered_at);
          VH_RETURN_IF_ERROR(ins->Run());
        }
        auto up = db_->Prepare(
            "UPDATE requests SET status = 'answered', answered_at = ?2, note = NULL, "
            "note_code = NULL, answers = answers + 1 WHERE id = ?1;");
        if (!up.ok()) return up.status();
        up->Bind(1, request_id).Bind(2, answered_at);
        VH_RETURN_IF_ERROR(up->Run());
        return DropIdentityIfDoneLocked(req->meeting, req->subject);
      },
      before_commit);
}

Status CaseStore::SetRequestStatus(std::string_view request_id, std::string_view status,
                                   const Reason& note, std::string_view at,
                                   const BeforeCommit& before_commit) {
  if (status != kRequestDeclined && status != kRequestFailed && status != kRequestOpen) {
    return Status::Internal("unsupported request status");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto req = GetRequestLocked(request_id);
  if (!req.ok()) return req.status();
  auto meeting = GetMeetingLocked(req->meeting);
  if (!meeting.ok()) return meeting.status();
  if (meeting->state != kMeetingOpen) return Status::Conflict("meeting_closed", "meeting closed");
  auto key = MeetingKeyLocked(req->meeting);
  if (!key.ok()) return key.status();
  return InTransaction(
      [&]() -> Status {
        auto up = db_->Prepare(
            "UPDATE requests SET status = ?2, note = ?3, answered_at = ?4, note_code = ?5 WHERE "
            "id = ?1;");
        if (!up.ok()) return up.status();
        up->Bind(1, request_id).Bind(2, status);
        if (note.text.empty()) {
          up->BindNull(3);
        } else {
          up->BindBlob(3, SealFor(**key, req->meeting, "request.note|" + req->id, note.text));
        }
        up->Bind(4, at);
        if (note.code.empty()) {
          up->BindNull(5);
        } else {
          up->Bind(5, note.code);
        }
        VH_RETURN_IF_ERROR(up->Run());
        if (status == kRequestDeclined) {
          // A declined request supplies nothing: whatever an earlier answer to
          // it stored goes.
          auto del = db_->Prepare("DELETE FROM answers WHERE request_id = ?1;");
          if (!del.ok()) return del.status();
          del->Bind(1, request_id);
          VH_RETURN_IF_ERROR(del->Run());
          return DropIdentityIfDoneLocked(req->meeting, req->subject);
        }
        return Status::Ok();
      },
      before_commit);
}

Result<std::vector<AnswerRecord>> CaseStore::Answers(std::string_view meeting) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AnswerRecord> out;
  VH_RETURN_IF_ERROR(ForEachSealedRowLocked(
      "SELECT subject, supplier, field, value, request_id, received_at FROM answers WHERE "
      "meeting = ?1 ORDER BY subject, rowid;",
      meeting, [&](const db::Statement& st, const crypto::SecretBytes& key) -> Status {
        AnswerRecord a;
        a.subject = static_cast<int>(st.Int(0));
        a.supplier = Col(st, 1);
        a.field = Col(st, 2);
        auto v = OpenFor(key, meeting,
                         "answer|" + std::to_string(a.subject) + "|" + a.supplier + "|" + a.field,
                         st.Blob(3));
        if (!v.ok()) return v.status();
        auto j = ParseJson(*v);
        sodium_memzero(v->data(), v->size());
        if (!j.ok()) return Status::Internal("stored answer is not JSON");
        a.value = std::move(*j);
        a.request_id = Col(st, 4);
        a.received_at = Col(st, 5);
        out.push_back(std::move(a));
        return Status::Ok();
      }));
  return out;
}

}  // namespace vh::store
