#pragma once
// Database: one SQLCipher connection, opened with a raw 256-bit key.
//
// Open() sets the key as a raw key (PRAGMA key = "x'..'", so SQLCipher's
// passphrase KDF is not used), sets the cipher settings explicitly
// (Options::page_size pages, 4096 by default; page authentication on), then
// proves the key by reading the schema: a wrong key or a file that is not an
// encrypted database fails there with Unavailable naming the file. With
// Debian 12's SQLCipher (3.4.1, on OpenSSL 3.0) each page is AES-256-CBC
// under a random IV with an HMAC-SHA1 over both, the library's defaults;
// that version cannot choose another HMAC. Journal: WAL with
// synchronous=FULL, so a committed transaction is on disk (fsync) before
// Commit() returns.
//
// Errors: every call returns Status/Result; messages name the file and the
// SQLite error text, never bound values.
// Thread-safety: none. One thread at a time per Database (callers own their
// connection or serialise with a mutex). Statements must not outlive it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "crypto/secret_bytes.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vh::db {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3_stmt* s, std::string file) : stmt_(s), file_(std::move(file)) {}
  ~Statement();
  Statement(Statement&& o) noexcept : stmt_(o.stmt_), file_(std::move(o.file_)) {
    o.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int idx, int64_t v);
  Statement& Bind(int idx, std::string_view text);
  Statement& BindBlob(int idx, std::string_view bytes);
  Statement& BindNull(int idx);
  // true: a row is ready; false: done. Error: the step failed (e.g. disk full).
  Result<bool> Step();
  // Runs to completion (for INSERT/UPDATE/DELETE).
  Status Run();
  void Reset();

  int64_t Int(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;
  bool IsNull(int col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  std::string file_;
};

// A statement its Database keeps prepared for reuse (PrepareCached). It is
// reset (cursor closed, bindings cleared) when the handle goes, so that no
// read stays open between uses. One handle per statement at a time.
class CachedStatement {
 public:
  explicit CachedStatement(Statement* st) : st_(st) {}
  CachedStatement(CachedStatement&& o) noexcept : st_(o.st_) { o.st_ = nullptr; }
  CachedStatement& operator=(CachedStatement&&) = delete;
  ~CachedStatement() {
    if (st_) st_->Reset();
  }
  Statement* operator->() const { return st_; }
  Statement& operator*() const { return *st_; }

 private:
  Statement* st_;
};

class Database {
 public:
  struct Options {
    bool create = true;  // create the file when missing
    bool read_only = false;
    int busy_timeout_ms = 5000;
    // SQLCipher page size (512..65536, a power of two). Fixed when the file
    // is created: opening a store with another size fails like a wrong key.
    int page_size = 4096;
  };
  // REQUIRES: key.size() == 32.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const crypto::SecretBytes& key,
                                                const Options& options);
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const crypto::SecretBytes& key) {
    return Open(path, key, Options{});
  }
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // `sql` prepared once per connection and kept until it closes, for the
  // statements a hot path runs again and again (the audit writer's batch).
  Result<CachedStatement> PrepareCached(std::string_view sql);
  Status Begin();  // BEGIN IMMEDIATE
  Status Commit();
  void Rollback();  // best effort
  int64_t LastInsertRowid() const;
  int Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(std::string_view what) const;
  Status RunCached(std::string_view sql);
  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, Statement> cached_;  // by SQL text
};

}  // namespace vh::db
