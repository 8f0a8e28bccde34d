#include "db/database.h"

#include <sodium.h>
#include <sqlite3.h>

#include <string>

namespace vh::db {

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    file_ = std::move(o.file_);
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::Bind(int idx, int64_t v) {
  sqlite3_bind_int64(stmt_, idx, v);
  return *this;
}
Statement& Statement::Bind(int idx, std::string_view text) {
  sqlite3_bind_text(stmt_, idx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindBlob(int idx, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, idx, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int idx) {
  sqlite3_bind_null(stmt_, idx);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  std::string msg = file_ + ": " + sqlite3_errmsg(db);
  sqlite3_reset(stmt_);
  if (rc == SQLITE_CONSTRAINT) return Status::Conflict("constraint", msg);
  return Status::Unavailable("store_unavailable", msg);
}

Status Statement::Run() {
  for (;;) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
  }
  Reset();
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Statement::Text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string();
}
std::string Statement::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}
bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Database::~Database() {
  cached_.clear();  // finalized before the connection closes
  if (db_) sqlite3_close_v2(db_);
}

Status Database::Error(std::string_view what) const {
  return Status::Unavailable("store_unavailable",
                             path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const crypto::SecretBytes& key,
                                                 const Options& options) {
  if (key.size() != 32) return Status::Internal(path + ": store key must be 32 bytes");
  int flags = SQLITE_OPEN_FULLMUTEX;
  flags |= options.read_only ? SQLITE_OPEN_READONLY
                             : (SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0));
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Database> db(new Database(raw, path));
  if (rc != SQLITE_OK) return db->Error("cannot open");
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);

  // PRAGMA key = "x'<hex>'": a raw key, no KDF. The statement text holds the
  // key, so it lives in a wiped buffer.
  crypto::SecretBytes pragma(2 * 32 + 32);
  char* p = reinterpret_cast<char*>(pragma.data());
  std::size_t n = 0;
  auto put = [&](const char* s) {
    while (*s) p[n++] = *s++;
  };
  put("PRAGMA key = \"x'");
  sodium_bin2hex(p + n, 65, key.data(), 32);
  n += 64;
  put("'\";");
  p[n] = '\0';
  rc = sqlite3_exec(raw, p, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db->Error("cannot set key");

  // Cipher settings stated, not inherited from library defaults.
  int ps = options.page_size;
  if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0) {
    return Status::Internal(path + ": page size must be a power of two in 512..65536");
  }
  VH_RETURN_IF_ERROR(db->Exec("PRAGMA cipher_page_size = " + std::to_string(ps) + ";"));
  VH_RETURN_IF_ERROR(db->Exec("PRAGMA cipher_use_hmac = ON;"));
  // The key is proven by the first read.
  rc = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master;", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Unavailable("store_unavailable",
                               path + ": wrong key, or not an encrypted vhgate store");
  }
  if (!options.read_only) {
    VH_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL;"));
    VH_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = FULL;"));
  }
  VH_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON;"));
  return db;
}

Status Database::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = path_ + ": " + (err ? err : "error");
    sqlite3_free(err);
    return Status::Unavailable("store_unavailable", msg);
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) return Error("cannot prepare statement");
  return Statement(st, path_);
}

Result<CachedStatement> Database::PrepareCached(std::string_view sql) {
  auto it = cached_.find(std::string(sql));
  if (it == cached_.end()) {
    auto st = Prepare(sql);
    if (!st.ok()) return st.status();
    it = cached_.emplace(std::string(sql), std::move(*st)).first;
  }
  return CachedStatement(&it->second);
}

Status Database::RunCached(std::string_view sql) {
  auto st = PrepareCached(sql);
  if (!st.ok()) return st.status();
  return (*st)->Run();
}

Status Database::Begin() { return RunCached("BEGIN IMMEDIATE;"); }
Status Database::Commit() { return RunCached("COMMIT;"); }
void Database::Rollback() { sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr); }
int64_t Database::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }

}  // namespace vh::db
