#include "audit/audit_writer.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "audit/audit_store.h"
#include "audit/event_index.h"
#include "audit/verifier.h"
#include "core/log.h"
#include "core/thread_name.h"

namespace vh::audit {
namespace fs = std::filesystem;

namespace {

constexpr const char* kInsertEvent =
    "INSERT INTO events(seq, time, type, actor_partner, meeting, subject, supplier, recipient, "
    "body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);";
constexpr const char* kInsertCheckpoint =
    "INSERT INTO checkpoints(seq, hash, time, sig) VALUES (?1, ?2, ?3, ?4);";

// A store opened after a long outage of the index catches up in steps, so
// no single commit (and the appends waiting on it) takes long.
constexpr int64_t kMaxIndexedPerCommit = 65536;
// Digests of stored decision sets the writer remembers (32 bytes each) before
// it forgets them all and lets INSERT OR IGNORE find them again.
constexpr std::size_t kMaxRememberedSets = 100000;
// Past options.wal_checkpoint_frames the WAL thread copies the WAL into
// audit.db; far past it (the WAL thread cannot keep up) the writer does so
// itself after its commit, as SQLite's autocheckpoint would.
constexpr int kWalWriterCheckpointFrames = 16384;

// -1 for a file that is missing or cannot be examined.
int64_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(size);
}

// While the log cannot write, the writer tries the disk this often
// (AuditWriter::Probe) so that it becomes writable again by itself.
constexpr auto kProbeInterval = std::chrono::seconds(1);
// What a probe asks of the file system: room for a large batch.
constexpr off_t kProbeBytes = 1 << 20;

Status WriteRefused(const std::string& why) {
  return Status::Unavailable("audit_unavailable", "audit log cannot write: " + why);
}

}  // namespace

int AuditWriter::OnWalCommit(void* self, sqlite3* db, const char* name, int frames) {
  auto* writer = static_cast<AuditWriter*>(self);
  if (frames >= kWalWriterCheckpointFrames) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= writer->options_.wal_checkpoint_frames) {
    writer->WalDue();
  }
  return SQLITE_OK;
}

Result<std::unique_ptr<AuditWriter>> AuditWriter::Start(const AuditKeys& keys,
                                                        const AuditLogOptions& options,
                                                        const Clock& clock) {
  std::unique_ptr<AuditWriter> w(new AuditWriter(keys, options, clock));
  VH_RETURN_IF_ERROR(w->Init());
  return w;
}

AuditWriter::AuditWriter(const AuditKeys& keys, AuditLogOptions options, const Clock& clock)
    : keys_(keys), options_(std::move(options)), clock_(clock) {}

Status AuditWriter::Init() {
  db::Database::Options dbo;
  dbo.busy_timeout_ms = options_.busy_timeout_ms;
  dbo.page_size = options_.page_size;
  auto w = db::Database::Open(options_.db_path, keys_.store_key, dbo);
  if (!w.ok()) return w.status();
  writer_db_ = std::move(*w);
  VH_RETURN_IF_ERROR(EnsureSchema(*writer_db_));
  // Room for the unindexed tail, which the writer reads back to index it.
  VH_RETURN_IF_ERROR(writer_db_->Exec("PRAGMA cache_size = -32768;"));
  // Commits without an fsync: the syncer makes them durable (SyncWal)
  // before their appends complete.
  VH_RETURN_IF_ERROR(writer_db_->Exec("PRAGMA synchronous = NORMAL;"));
  // The tail since the last checkpoint must chain onto it, and the
  // checkpoint file must not remember more than the store holds: otherwise
  // signing a new checkpoint would bless a tampered or rolled-back log.
  VH_RETURN_IF_ERROR(CheckTail(*writer_db_, keys_.sign_public, options_.checkpoint_path));

  auto head = ReadHead(*writer_db_);
  if (!head.ok()) return head.status();
  last_seq_ = head->seq;
  last_checkpoint_time_ = std::chrono::steady_clock::now();
  // A process that stopped between a checkpoint's commit and its sync left
  // the commit in the WAL, maybe not yet on disk: synced before its line
  // goes into the checkpoint file.
  if (fs::exists(options_.db_path + "-wal")) VH_RETURN_IF_ERROR(SyncWal());
  VH_RETURN_IF_ERROR(SyncCheckpointFile());

  auto c = db::Database::Open(options_.db_path, keys_.store_key, dbo);
  if (!c.ok()) return c.status();
  wal_db_ = std::move(*c);
  VH_RETURN_IF_ERROR(writer_db_->Exec("PRAGMA wal_autocheckpoint = 0;"));
  sqlite3_wal_hook(writer_db_->handle(), &OnWalCommit, this);
  wal_thread_ = std::thread([this] {
    NameThisThread("vh-audit-wal");
    WalLoop();
  });

  sync_thread_ = std::thread([this] {
    NameThisThread("vh-audit-sync");
    SyncLoop();
  });
  writer_ = std::thread([this] {
    NameThisThread("vh-audit-write");
    WriterLoop();
  });
  // A checkpoint at start covers whatever a crash left uncovered.
  return CheckpointNow();
}

Status AuditWriter::SyncCheckpointFile() {
  // Appends the store's checkpoints the file lacks (a crash between commit
  // and file append, or a checkpoint file write that failed). The file is
  // read whole only when it is not as this writer left it (at start, after a
  // failed write, or when another process appended), not at every checkpoint.
  const std::string& path = options_.checkpoint_path;
  int64_t file_last = file_last_seq_;
  int64_t size = FileSize(path);
  if (file_last < 0 || size != file_size_) {
    auto file = ReadCheckpointFile(path);
    if (!file.ok()) return file.status();
    file_last = 0;
    for (const auto& cp : file->checkpoints) file_last = std::max(file_last, cp.seq);
  }
  file_last_seq_ = -1;  // unknown until the appends below have succeeded
  auto st = writer_db_->Prepare(
      "SELECT seq, hash, time, sig FROM checkpoints WHERE seq > ?1 ORDER BY seq;");
  if (!st.ok()) return st.status();
  st->Bind(1, file_last);
  for (;;) {
    auto r = st->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    Checkpoint cp;
    cp.seq = st->Int(0);
    HashFromBlob(st->Blob(1), &cp.hash);
    cp.time = st->Text(2);
    std::string sig = st->Blob(3);
    cp.signature.assign(sig.begin(), sig.end());
    int64_t written = 0;
    VH_RETURN_IF_ERROR(AppendCheckpointFile(path, cp, &written));
    file_last = cp.seq;
    // The size this writer made it, so that a line another process appends
    // meanwhile makes the next sync read the file.
    size = std::max<int64_t>(size, 0) + written;
  }
  file_last_seq_ = file_last;
  file_size_ = size;
  return Status::Ok();
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard<std::mutex> lock(sync_mu_);
    sync_stop_ = true;
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
  {
    std::lock_guard<std::mutex> lock(wal_mu_);
    wal_stop_ = true;
  }
  wal_cv_.notify_all();
  if (wal_thread_.joinable()) wal_thread_.join();
}

void AuditWriter::WalDue() {
  {
    std::lock_guard<std::mutex> lock(wal_mu_);
    wal_due_ = true;
  }
  wal_cv_.notify_one();
}

void AuditWriter::WalLoop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(wal_mu_);
      wal_cv_.wait(lock, [&] { return wal_due_ || wal_stop_; });
      if (wal_stop_) return;
      wal_due_ = false;
    }
    // PASSIVE: copies what is committed without waiting for the writer or
    // readers. The writer starts the WAL over only once all of it is copied,
    // so passes repeat (each copying what was committed meanwhile) until one
    // finishes the whole WAL.
    for (int pass = 0; pass < 20; ++pass) {
      int log_frames = 0, copied = 0;
      int rc = sqlite3_wal_checkpoint_v2(wal_db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                         &log_frames, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        LogError("audit_wal_checkpoint_failed", {{"reason", sqlite3_errstr(rc)}});
      }
      if (rc != SQLITE_OK || copied >= log_frames) break;
    }
  }
}

void AuditWriter::Submit(std::vector<PendingAppend> appends) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      for (PendingAppend& p : appends) pending_.push_back(std::move(p));
      appends.clear();
    }
  }
  if (appends.empty()) {
    cv_.notify_one();
    return;
  }
  for (PendingAppend& p : appends) p.done(WriteRefused("closing"));
}

Status AuditWriter::CheckpointNow() {
  std::promise<Status> done;
  auto fut = done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return WriteRefused("closing");
    checkpoint_waiters_.push_back(std::move(done));
  }
  cv_.notify_one();
  return fut.get();
}

void AuditWriter::SetWritable(bool writable, const std::string& why) {
  if (writable_.exchange(writable) == writable) return;
  if (writable) {
    LogInfo("audit_writable", {{"reason", why}});
  } else {
    LogError("audit_unwritable", {{"reason", why}});
  }
}

Status AuditWriter::Probe() {
  const std::string path = options_.db_path + "-probe";
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  int rc = fd < 0 ? errno : ::posix_fallocate(fd, 0, kProbeBytes);
  if (rc == 0 && ::fdatasync(fd) != 0) rc = errno;
  if (fd >= 0) {
    ::close(fd);
    ::unlink(path.c_str());
  }
  if (rc != 0) return WriteRefused(std::string("probe: ") + std::strerror(rc));
  // The disk takes writes again; the store must too. A checkpoint of what
  // is unsigned is a real commit (nothing when the head has one already).
  std::vector<PendingAppend> none;
  return CommitBatch(none, true);
}

void AuditWriter::WriterLoop() {
  for (;;) {
    std::vector<PendingAppend> batch;
    std::vector<std::promise<Status>> cp_waiters;
    bool stop = false;
    bool time_due = false;
    bool probe = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto ready = [&] { return !pending_.empty() || stopping_ || !checkpoint_waiters_.empty(); };
      // Not writable: the disk is tried every kProbeInterval, whether or not
      // anything is appended, so that health recovers by itself.
      const bool probing = !writable_ && !wal_broken_;
      const auto probe_at = std::chrono::steady_clock::now() + kProbeInterval;
      if (options_.checkpoint_seconds > 0) {
        auto due = last_checkpoint_time_ + std::chrono::seconds(options_.checkpoint_seconds);
        cv_.wait_until(lock, probing ? std::min(due, probe_at) : due, ready);
        time_due = std::chrono::steady_clock::now() >= due;
      } else if (probing) {
        cv_.wait_until(lock, probe_at, ready);
      } else {
        cv_.wait(lock, ready);
      }
      probe = probing && !ready() && !time_due;
      std::size_t n = std::min(pending_.size(), options_.max_batch);
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      cp_waiters.swap(checkpoint_waiters_);
      stop = stopping_ && pending_.empty();
    }
    if (probe) {
      Status p = Probe();
      if (p.ok()) SetWritable(true, "a probe write succeeded");
      continue;
    }
    bool force = !cp_waiters.empty() || stop || time_due;
    if (batch.empty() && !force) continue;
    Status s = CommitBatch(batch, force);
    for (auto& w : cp_waiters) w.set_value(s);
    if (time_due) last_checkpoint_time_ = std::chrono::steady_clock::now();
    if (stop) break;
  }
}

Status AuditWriter::CommitBatch(std::vector<PendingAppend>& batch, bool force_checkpoint) {
  int64_t first_seq = 0;
  std::optional<Checkpoint> cp;
  Status s = wal_broken_ ? WriteRefused("its WAL could not be synced to disk")
                         : WriteBatch(batch, force_checkpoint, &first_seq, &cp);
  if (!s.ok()) {
    // At most one line a second: a full disk must not fill the log as well.
    const auto now = std::chrono::steady_clock::now();
    ++failed_unlogged_;
    if (now - failure_logged_at_ >= std::chrono::seconds(1)) {
      LogError("audit_write_failed", {{"events", batch.size()},
                                      {"failed_commits", failed_unlogged_},
                                      {"reason", s.message()}});
      failure_logged_at_ = now;
      failed_unlogged_ = 0;
    }
    SetWritable(false, s.message());
    ++stat_failures_;
    for (auto& p : batch) p.done(s);
    return s;
  }
  if (!batch.empty()) {
    ++stat_commits_;
    stat_events_ += static_cast<int64_t>(batch.size());
  }
  if (!cp) {
    if (!batch.empty()) {
      {
        std::lock_guard<std::mutex> lock(sync_mu_);
        unsynced_.push_back(Committed{std::move(batch), first_seq});
      }
      sync_cv_.notify_one();
    }
    return Status::Ok();
  }
  // A checkpoint's line must never be ahead of the disk: its commit is
  // synced here, before the line is written.
  Status synced = SyncWal();
  Complete(batch, first_seq, synced);
  if (!synced.ok()) return synced;
  SetWritable(true, "a checkpoint was committed");
  last_checkpoint_time_ = std::chrono::steady_clock::now();
  // The events are committed; a checkpoint file that cannot be written is
  // retried at the next checkpoint and at start (SyncCheckpointFile).
  Status fs = SyncCheckpointFile();
  if (!fs.ok()) LogError("audit_checkpoint_file_failed", {{"reason", fs.reason()}});
  return Status::Ok();
}

void AuditWriter::Complete(std::vector<PendingAppend>& batch, int64_t first_seq,
                           const Status& synced) {
  if (!synced.ok()) {
    SetWritable(false, synced.message());
    ++stat_failures_;
    for (auto& p : batch) p.done(synced);
    return;
  }
  if (!batch.empty()) SetWritable(true, "an append was committed");
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].done(first_seq + static_cast<int64_t>(i));
  }
}

void AuditWriter::SyncLoop() {
  for (;;) {
    std::deque<Committed> work;
    {
      std::unique_lock<std::mutex> lock(sync_mu_);
      sync_cv_.wait(lock, [&] { return !unsynced_.empty() || sync_stop_; });
      if (unsynced_.empty()) return;  // stopping, and every batch completed
      work.swap(unsynced_);
    }
    // One fdatasync for every batch committed before it started.
    Status synced = SyncWal();
    for (auto& c : work) Complete(c.batch, c.first_seq, synced);
  }
}

Status AuditWriter::SyncWal() {
  std::lock_guard<std::mutex> lock(wal_fd_mu_);
  if (!wal_sync_failed_.ok()) return wal_sync_failed_;
  // Opened by name once: SQLite keeps the WAL open and in place while the
  // writer's connection is open. A WAL unlinked all the same (the file
  // SQLite writes into is no longer the one by that name) fails: a file by
  // that name now could only be another one.
  const std::string path = options_.db_path + "-wal";
  if (wal_fd_ < 0) wal_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  int rc = wal_fd_ < 0 ? -1 : ::fstat(wal_fd_, &st);
  if (rc == 0 && st.st_nlink == 0) {
    rc = -1;
    errno = ENOENT;
  }
  if (rc == 0) {
    do {
      rc = ::fdatasync(wal_fd_);
    } while (rc != 0 && errno == EINTR);
  }
  if (rc == 0) return Status::Ok();
  const std::string why = std::strerror(errno);
  LogError("audit_wal_sync_failed", {{"file", path}, {"reason", why}});
  wal_sync_failed_ = WriteRefused("its WAL could not be synced to disk (" + why + ")");
  wal_broken_ = true;
  return wal_sync_failed_;
}

Status AuditWriter::WriteBatch(std::vector<PendingAppend>& batch, bool force_checkpoint,
                               int64_t* first_seq, std::optional<Checkpoint>* signed_cp) {
  db::Database& db = *writer_db_;
  Status s = db.Begin();
  if (!s.ok()) return WriteRefused(s.message());
  auto fail = [&](const Status& st) {
    db.Rollback();
    return WriteRefused(st.message());
  };
  // Re-read the head under the write lock: another process may have appended.
  auto head = ReadHead(db);
  if (!head.ok()) return fail(head.status());
  auto last_cp = ReadLastCheckpointSeq(db);
  if (!last_cp.ok()) return fail(last_cp.status());

  std::string time = FormatUtc(clock_.Now());
  int64_t seq = head->seq;
  crypto::Hash prev = head->hash;
  *first_seq = seq + 1;
  // Decision sets first, each once: the writer remembers the digests it
  // committed (sets are never removed), and INSERT OR IGNORE covers sets
  // another process stored.
  // Views' part lists likewise, with their subjects for the subject queries.
  // (Digests of sets and of lists never meet: their bodies differ in kind.)
  std::vector<std::string> new_sets;
  auto is_new = [&](const crypto::Hash& digest) {
    std::string key(HashBytes(digest));
    if (stored_sets_.count(key) ||
        std::find(new_sets.begin(), new_sets.end(), key) != new_sets.end()) {
      return false;
    }
    new_sets.push_back(std::move(key));
    return true;
  };
  for (const auto& p : batch) {
    for (const auto& set : p.sets) {
      if (!is_new(set->digest)) continue;
      Status r = StoreByDigest(db, "decision_sets", set->digest, set->body);
      if (!r.ok()) return fail(r);
    }
    if (p.list && is_new(p.list->digest)) {
      Status r = StoreByDigest(db, "part_lists", p.list->digest, p.list->body);
      if (!r.ok()) return fail(r);
      auto ins =
          db.Prepare("INSERT OR IGNORE INTO part_list_subjects(subject, list) VALUES (?1, ?2);");
      if (!ins.ok()) return fail(ins.status());
      for (const std::string& subject : p.list->subjects) {
        ins->Bind(1, subject).Bind(2, p.list->hex);
        r = ins->Run();
        if (!r.ok()) return fail(r);
      }
    }
  }
  if (!batch.empty()) {
    auto q = db.PrepareCached(kInsertEvent);
    if (!q.ok()) return fail(q.status());
    db::Statement* ins = &**q;
    for (auto& p : batch) {
      ++seq;
      const Event& e = p.event;
      const std::string& body = p.body;
      const std::string subject = SubjectColumn(e);
      const std::string supplier = SupplierColumn(e);
      crypto::Hash h = ChainHash(prev, CanonicalEvent(seq, time, e.type, e.actor.partner, e.meeting,
                                                      subject, supplier, e.recipient, body));
      ins->Bind(1, seq)
          .Bind(2, time)
          .Bind(3, e.type)
          .Bind(4, e.actor.partner)
          .Bind(5, e.meeting)
          .Bind(6, subject)
          .Bind(7, supplier)
          .Bind(8, e.recipient)
          .Bind(9, body)
          .BindBlob(10, HashBytes(prev))
          .BindBlob(11, HashBytes(h));
      Status r = ins->Run();
      if (!r.ok()) return fail(r);
      prev = h;
    }
  }
  bool due = seq > *last_cp && (force_checkpoint || (options_.checkpoint_every > 0 &&
                                                     seq - *last_cp >= options_.checkpoint_every));
  // The query index, in bulk (audit/event_index.h): once the tail is
  // index_every events long, and all of it when a checkpoint is forced (open,
  // close, the clock, CheckpointNow), not at the count's checkpoints. Under
  // load the steps stay small and even: a whole tail of checkpoint_every
  // views at every count checkpoint took 7-8 ms, a stall of every waiting view.
  auto upto = IndexedUpto(db);
  if (!upto.ok()) return fail(upto.status());
  if (seq > *upto && (force_checkpoint || seq - *upto >= options_.index_every)) {
    auto indexed = IndexEvents(db, *upto, kMaxIndexedPerCommit);
    if (!indexed.ok()) return fail(indexed.status());
  }
  if (due) {
    *signed_cp = SignCheckpoint(keys_.sign_secret, seq, prev, time);
    auto ins = db.Prepare(kInsertCheckpoint);
    if (!ins.ok()) return fail(ins.status());
    const auto& sig = (*signed_cp)->signature;
    ins->Bind(1, seq)
        .BindBlob(2, HashBytes(prev))
        .Bind(3, time)
        .BindBlob(4, std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
    Status r = ins->Run();
    if (!r.ok()) return fail(r);
  }
  s = db.Commit();
  if (!s.ok()) return fail(s);
  last_seq_ = seq;
  if (stored_sets_.size() + new_sets.size() > kMaxRememberedSets) stored_sets_.clear();
  for (auto& k : new_sets) stored_sets_.insert(std::move(k));
  return Status::Ok();
}

int64_t AuditWriter::last_seq() const { return last_seq_.load(); }

AuditStats AuditWriter::stats() const {
  return AuditStats{stat_events_.load(), stat_commits_.load(), stat_failures_.load(),
                    writable_.load() && !wal_broken_.load()};
}

}  // namespace vh::audit
