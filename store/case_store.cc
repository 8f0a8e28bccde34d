#include "store/case_store.h"

#include <sodium.h>

#include <filesystem>

#include "core/config.h"
#include "crypto/hex.h"
#include "crypto/key_file.h"
#include "crypto/keyring.h"
#include "crypto/primitives.h"
#include "db/database.h"

namespace vh::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meetings(
  id TEXT PRIMARY KEY, overlegvorm TEXT NOT NULL, title BLOB, starts_at TEXT, ends_at TEXT,
  created_at TEXT, created_by TEXT, covenant_id TEXT, covenant_version TEXT,
  covenant_sha256 TEXT, state TEXT NOT NULL, client_present INTEGER NOT NULL DEFAULT 0,
  closed_at TEXT, retention_until TEXT, extended_until TEXT, extension_reason BLOB,
  shredded_at TEXT, wrapped_key BLOB);
CREATE TABLE IF NOT EXISTS participants(
  meeting TEXT NOT NULL, partner TEXT NOT NULL, ad_hoc INTEGER NOT NULL,
  PRIMARY KEY(meeting, partner));
CREATE TABLE IF NOT EXISTS subjects(
  meeting TEXT NOT NULL, idx INTEGER NOT NULL, ref BLOB, identity BLOB, reason BLOB,
  pseudonym TEXT, outcome TEXT, PRIMARY KEY(meeting, idx));
CREATE TABLE IF NOT EXISTS requests(
  id TEXT PRIMARY KEY, meeting TEXT NOT NULL, subject INTEGER NOT NULL, supplier TEXT NOT NULL,
  fields TEXT NOT NULL, deadline TEXT, status TEXT NOT NULL, created_at TEXT, answered_at TEXT,
  note BLOB, answers INTEGER NOT NULL DEFAULT 0, UNIQUE(meeting, subject, supplier));
CREATE INDEX IF NOT EXISTS requests_by_supplier ON requests(supplier);
CREATE TABLE IF NOT EXISTS answers(
  meeting TEXT NOT NULL, subject INTEGER NOT NULL, supplier TEXT NOT NULL, field TEXT NOT NULL,
  value BLOB NOT NULL, request_id TEXT, received_at TEXT,
  PRIMARY KEY(meeting, subject, supplier, field));
CREATE TABLE IF NOT EXISTS declarations(
  meeting TEXT NOT NULL, partner TEXT NOT NULL, cn TEXT NOT NULL, text_sha256 TEXT NOT NULL,
  signed_at TEXT NOT NULL, PRIMARY KEY(meeting, partner, cn));
PRAGMA user_version = 1;
)sql";

constexpr std::string_view kMeetingColumns =
    "id, overlegvorm, title, starts_at, ends_at, created_at, created_by, covenant_id, "
    "covenant_version, covenant_sha256, state, client_present, closed_at, retention_until, "
    "extended_until, extension_reason, shredded_at";

constexpr std::string_view kRequestColumns =
    "id, meeting, subject, supplier, fields, deadline, status, created_at, answered_at, note, "
    "answers";

std::string Col(const db::Statement& s, int c) { return s.IsNull(c) ? "" : s.Text(c); }

crypto::SecretBytes DeriveWrapKey(const crypto::SecretBytes& store_key) {
  crypto::Hash h = crypto::KeyedDigest(store_key, "vh.store.wrap-key.v1", "");
  crypto::SecretBytes k(h.data(), h.size());
  sodium_memzero(h.data(), h.size());
  return k;
}

Json FieldsToJson(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

}  // namespace

std::string NewId(std::string_view prefix) {
  uint8_t b[16];
  randombytes_buf(b, sizeof b);
  return std::string(prefix) + "-" + crypto::ToHex(b, sizeof b);
}

CaseStore::CaseStore(std::unique_ptr<db::Database> db, crypto::SecretBytes wrap_key)
    : db_(std::move(db)), wrap_key_(std::move(wrap_key)) {}

CaseStore::~CaseStore() = default;

const std::string& CaseStore::path() const { return db_->path(); }

uint64_t CaseStore::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

Result<std::unique_ptr<CaseStore>> CaseStore::Open(const std::string& path,
                                                   const crypto::SecretBytes& store_key) {
  if (store_key.size() != crypto::kKeyBytes) {
    return Status::Internal(path + ": case store key must be 32 bytes");
  }
  auto db = db::Database::Open(path, store_key);
  if (!db.ok()) return db.status();
  std::unique_ptr<CaseStore> s(new CaseStore(std::move(*db), DeriveWrapKey(store_key)));
  VH_RETURN_IF_ERROR(s->Migrate());
  return s;
}

Result<std::unique_ptr<CaseStore>> CaseStore::OpenFromConfig(const Config& config) {
  auto key = crypto::LoadKeyFile(crypto::CaseStoreKeyPath(config), crypto::kKeyBytes);
  if (!key.ok()) {
    return Status::Unavailable(
        "key_file", key.status().message() + " (create it with `vhgate keys init --config F`)");
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return Status::Unavailable("store_unavailable",
                               config.data_dir + ": cannot create data directory: " + ec.message());
  }
  return Open((std::filesystem::path(config.data_dir) / kStoreDbFile).string(), *key);
}

Status CaseStore::Migrate() {
  // secure_delete zeroes deleted content in the file, so shredded rows do not
  // linger in free pages (they are sealed anyway; this is belt and braces).
  VH_RETURN_IF_ERROR(db_->Exec("PRAGMA secure_delete = ON;"));
  VH_RETURN_IF_ERROR(db_->Exec("PRAGMA foreign_keys = ON;"));
  VH_RETURN_IF_ERROR(db_->Exec(kSchema));
  return MigrateNeedToKnow();
}

std::string CaseStore::SealFor(const crypto::SecretBytes& key, std::string_view meeting,
                               std::string_view what, std::string_view plaintext) {
  std::string aad = "vh.store.v1|";
  aad.append(meeting).append("|").append(what);
  return crypto::Seal(key, plaintext, aad);
}

Result<std::string> CaseStore::OpenFor(const crypto::SecretBytes& key, std::string_view meeting,
                                       std::string_view what, std::string_view box) {
  std::string aad = "vh.store.v1|";
  aad.append(meeting).append("|").append(what);
  auto p = crypto::Open(key, box, aad);
  if (!p) {
    return Status::Internal(db_->path() + ": a sealed value of meeting " + std::string(meeting) +
                            " does not open (tampered or wrong key)");
  }
  return std::move(*p);
}

Result<const crypto::SecretBytes*> CaseStore::MeetingKeyLocked(std::string_view meeting) {
  auto it = keys_.find(std::string(meeting));
  if (it != keys_.end()) return &it->second;
  auto st = db_->Prepare("SELECT wrapped_key FROM meetings WHERE id = ?1;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such meeting");
  if (st->IsNull(0)) return Status::NotFound("the meeting's data has been shredded");
  std::string aad = "vh.store.v1.key|";
  aad.append(meeting);
  auto k = crypto::OpenKey(wrap_key_, st->Blob(0), aad);
  if (!k || k->size() != crypto::kKeyBytes) {
    return Status::Internal(db_->path() + ": the data key of meeting " + std::string(meeting) +
                            " does not open");
  }
  auto [ins, _] = keys_.emplace(std::string(meeting), std::move(*k));
  return &ins->second;
}

Status CaseStore::InTransaction(const std::function<Status()>& body,
                                const BeforeCommit& before_commit) {
  VH_RETURN_IF_ERROR(db_->Begin());
  Status s = body();
  if (s.ok() && before_commit) s = before_commit();
  if (!s.ok()) {
    db_->Rollback();
    return s;
  }
  s = db_->Commit();
  if (!s.ok()) {
    db_->Rollback();
    return s;
  }
  ++generation_;
  return Status::Ok();
}

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
        return InsertNeedToKnowLocked(key, m);
      },
      before_commit);
  if (s.ok()) keys_.emplace(r.id, std::move(key));
  return s;
}

Result<MeetingRecord> CaseStore::GetMeetingLocked(std::string_view id) {
  auto st = db_->Prepare("SELECT " + std::string(kMeetingColumns) +
                         ", wrapped_key IS NULL FROM meetings WHERE id = ?1;");
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
  auto st = db_->Prepare(
      "SELECT idx, ref, identity, reason, pseudonym, outcome FROM subjects WHERE meeting = ?1 "
      "ORDER BY idx;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  std::vector<SubjectRecord> out;
  const crypto::SecretBytes* key = nullptr;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (key == nullptr) {
      auto k = MeetingKeyLocked(meeting);
      if (!k.ok()) return k.status();
      key = *k;
    }
    SubjectRecord s;
    s.index = static_cast<int>(st->Int(0));
    const std::string idx = std::to_string(s.index);
    auto ref = OpenFor(*key, meeting, "subject.ref|" + idx, st->Blob(1));
    if (!ref.ok()) return ref.status();
    s.ref = std::move(*ref);
    if (!st->IsNull(2)) {
      auto id = OpenFor(*key, meeting, "subject.identity|" + idx, st->Blob(2));
      if (!id.ok()) return id.status();
      auto j = ParseJson(*id);
      if (!j.ok()) return Status::Internal("stored identity is not JSON");
      s.identity = std::move(*j);
    }
    auto reason = OpenFor(*key, meeting, "subject.reason|" + idx, st->Blob(3));
    if (!reason.ok()) return reason.status();
    s.reason = std::move(*reason);
    s.pseudonym = Col(*st, 4);
    s.outcome = Col(*st, 5);
    out.push_back(std::move(s));
  }
  return out;
}

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

namespace {
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
  return r;
}
}  // namespace

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
  if (!st->IsNull(9)) {
    std::string box = st->Blob(9);
    auto key = MeetingKeyLocked(r->meeting);
    if (!key.ok()) return key.status();
    auto note = OpenFor(**key, r->meeting, "request.note|" + r->id, box);
    if (!note.ok()) return note.status();
    r->note = std::move(*note);
  }
  return r;
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
    out.push_back(std::move(*r));
  }
  return out;
}

Result<std::vector<RequestRecord>> CaseStore::RequestsOfSupplier(std::string_view supplier) {
  std::lock_guard<std::mutex> lock(mu_);
  auto st = db_->Prepare(
      "SELECT r.id, r.meeting, r.subject, r.supplier, r.fields, r.deadline, r.status, "
      "r.created_at, r.answered_at, r.note, r.answers FROM requests r JOIN meetings m ON "
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
            "answers = answers + 1 WHERE id = ?1;");
        if (!up.ok()) return up.status();
        up->Bind(1, request_id).Bind(2, answered_at);
        VH_RETURN_IF_ERROR(up->Run());
        return DropIdentityIfDoneLocked(req->meeting, req->subject);
      },
      before_commit);
}

Status CaseStore::SetRequestStatus(std::string_view request_id, std::string_view status,
                                   std::string_view note, std::string_view at,
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
            "UPDATE requests SET status = ?2, note = ?3, answered_at = ?4 WHERE id = ?1;");
        if (!up.ok()) return up.status();
        up->Bind(1, request_id).Bind(2, status);
        if (note.empty()) {
          up->BindNull(3);
        } else {
          up->BindBlob(3, SealFor(**key, req->meeting, "request.note|" + req->id, note));
        }
        up->Bind(4, at);
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
  auto st = db_->Prepare(
      "SELECT subject, supplier, field, value, request_id, received_at FROM answers WHERE "
      "meeting = ?1 ORDER BY subject, rowid;");
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  std::vector<AnswerRecord> out;
  const crypto::SecretBytes* key = nullptr;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (key == nullptr) {
      auto k = MeetingKeyLocked(meeting);
      if (!k.ok()) return k.status();
      key = *k;
    }
    AnswerRecord a;
    a.subject = static_cast<int>(st->Int(0));
    a.supplier = Col(*st, 1);
    a.field = Col(*st, 2);
    auto v = OpenFor(*key, meeting,
                     "answer|" + std::to_string(a.subject) + "|" + a.supplier + "|" + a.field,
                     st->Blob(3));
    if (!v.ok()) return v.status();
    auto j = ParseJson(*v);
    sodium_memzero(v->data(), v->size());
    if (!j.ok()) return Status::Internal("stored answer is not JSON");
    a.value = std::move(*j);
    a.request_id = Col(*st, 4);
    a.received_at = Col(*st, 5);
    out.push_back(std::move(a));
  }
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
        return d->Run();
      },
      before_commit);
}

Status CaseStore::ExtendRetention(std::string_view meeting, std::string_view until,
                                  std::string_view reason, const BeforeCommit& before_commit) {
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
            "UPDATE meetings SET extended_until = ?2, extension_reason = ?3 WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, meeting).Bind(2, until);
        st->BindBlob(3, SealFor(**key, meeting, "extension_reason", reason));
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
            "title = NULL, extension_reason = NULL WHERE id = ?1;");
        if (!st.ok()) return st.status();
        st->Bind(1, meeting).Bind(2, at);
        return st->Run();
      },
      before_commit);
  if (s.ok()) keys_.erase(std::string(meeting));  // SecretBytes wipes itself
  return s;
}

}  // namespace vh::store
