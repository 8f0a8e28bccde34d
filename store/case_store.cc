// CaseStore: opening, the schema, per-meeting keys, sealing and transactions.
// The operations live by concern: case_store_meetings.cc (meetings,
// participants, subjects, declarations, phase), case_store_requests.cc
// (requests and answers), case_store_retention.cc (closing, retention,
// shredding).

#include "store/case_store.h"

#include <sodium.h>

#include <filesystem>

#include "core/config.h"
#include "crypto/hex.h"
#include "crypto/key_file.h"
#include "crypto/keyring.h"
#include "crypto/primitives.h"
#include "db/database.h"
#include "store/case_store_internal.h"

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

crypto::SecretBytes DeriveWrapKey(const crypto::SecretBytes& store_key) {
  crypto::Hash h = crypto::KeyedDigest(store_key, "vh.store.wrap-key.v1", "");
  crypto::SecretBytes k(h.data(), h.size());
  sodium_memzero(h.data(), h.size());
  return k;
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

uint64_t CaseStore::generation() const { return generation_.load(std::memory_order_acquire); }

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
  VH_RETURN_IF_ERROR(MigrateReasonCodes());
  VH_RETURN_IF_ERROR(MigrateNeedToKnow());
  return MigrateCases();
}

Status CaseStore::MigrateReasonCodes() {
  // Codes are words of a fixed vocabulary, not personal data: in clear. Rows
  // from before them read "" (their text stays sealed as it was).
  VH_RETURN_IF_ERROR(internal::AddColumnIfMissing(*db_, "requests", "note_code", "TEXT"));
  return internal::AddColumnIfMissing(*db_, "meetings", "extension_code", "TEXT");
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

Status CaseStore::ForEachSealedRowLocked(
    const std::string& sql, std::string_view meeting,
    const std::function<Status(const db::Statement&, const crypto::SecretBytes&)>& row) {
  auto st = db_->Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, meeting);
  const crypto::SecretBytes* key = nullptr;
  for (;;) {
    auto more = st->Step();
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    if (key == nullptr) {
      auto k = MeetingKeyLocked(meeting);
      if (!k.ok()) return k.status();
      key = *k;
    }
    VH_RETURN_IF_ERROR(row(*st, *key));
  }
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
  generation_.fetch_add(1, std::memory_order_release);
  return Status::Ok();
}

}  // namespace vh::store
