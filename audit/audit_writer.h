#pragma once
// AuditWriter: the write side of the audit log, behind AuditLog
// (audit/audit_log.h, whose header states the guarantees; design in
// audit/README.md "Group commit and failing closed"). Internal to audit/.
//
// Three threads, each with its own job:
//   the writer   takes every pending append (at most max_batch) into one
//                transaction: decision sets and part lists first (each once),
//                the events chained onto the head re-read under the write
//                lock, the query index in bulk steps, and a signed
//                checkpoint when one is due. It commits without an fsync
//                (synchronous=NORMAL) and hands the batch to the syncer; a
//                commit that signs a checkpoint it syncs itself before the
//                checkpoint's line goes into the checkpoint file.
//   the syncer   fdatasyncs the WAL once for every batch committed before it
//                started, then completes their appends. A WAL that cannot be
//                synced fails those appends and every later one, for good.
//   the WAL      copies the WAL into audit.db (SQLite's checkpoint, PASSIVE)
//   thread       on its own connection once it is wal_checkpoint_frames long;
//                far past that the writer copies itself after its commit.
// A batch that cannot be written (disk full, locked past the busy timeout)
// is rolled back and its appends fail with Unavailable "audit_unavailable".
//
// Writable: one state (stats().writable), false from any failed commit or
// sync, true again from the next commit that is durable. While false the
// writer probes every second on its own (a 1 MiB file allocated and synced
// beside the store, then a checkpoint commit), so the state recovers when
// space returns even if nobody appends. Each change is logged once
// (audit_unwritable with the reason, audit_writable). A WAL that could not
// be synced stays unwritable for good.
//
// Completion: every PendingAppend's `done` runs exactly once, on the writer
// or the syncer thread (or on the submitting thread when refused at once),
// with the seq given once the event is durable, or the error. `done` must be
// quick and must not submit.
// Thread-safety: Submit, CheckpointNow, last_seq and stats are safe to call
// concurrently. The destructor drains what is queued, signs a final
// checkpoint and joins its threads; REQUIRES: no call is in progress.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "audit/audit_keys.h"
#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "audit/event.h"
#include "core/clock.h"
#include "core/status.h"
#include "db/database.h"

struct sqlite3;

namespace vh::audit {

// One event on its way into the store, prepared on the caller's thread.
struct PendingAppend {
  Event event;       // its parts, if any, already made into `list`
  std::string body;  // EventBody(event)
  std::vector<std::shared_ptr<const DecisionSet>> sets;  // stored with it, each once
  std::shared_ptr<const PartList> list;                  // a view's parts, stored with it
  std::function<void(Result<int64_t>)> done;             // the seq given, or why refused
};

class AuditWriter {
 public:
  // Opens the writer's and the WAL thread's connections to options.db_path
  // (creating the schema), checks the tail (audit/audit_store.h CheckTail),
  // brings the checkpoint file up to the store, starts the threads and
  // signs a checkpoint of whatever a crash left uncovered. `keys` must
  // outlive the writer.
  static Result<std::unique_ptr<AuditWriter>> Start(const AuditKeys& keys,
                                                    const AuditLogOptions& options,
                                                    const Clock& clock);
  ~AuditWriter();
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Queues `appends` together (one after the other, in order). When the
  // writer is stopping, each `done` runs at once with Unavailable.
  void Submit(std::vector<PendingAppend> appends);
  // Signs a checkpoint of the head now (a no-op when it has one), after
  // writing what is queued; returns once it is durable.
  Status CheckpointNow();

  int64_t last_seq() const;
  AuditStats stats() const;

 private:
  AuditWriter(const AuditKeys& keys, AuditLogOptions options, const Clock& clock);
  Status Init();
  Status SyncCheckpointFile();
  void WriterLoop();
  // Writes `batch` (may be empty) in one transaction; signs a checkpoint
  // when due or when `force_checkpoint`. Its appends complete once the
  // commit is on disk (through the syncer, or here with a checkpoint).
  Status CommitBatch(std::vector<PendingAppend>& batch, bool force_checkpoint);
  Status WriteBatch(std::vector<PendingAppend>& batch, bool force_checkpoint, int64_t* first_seq,
                    std::optional<Checkpoint>* signed_cp);
  // Completes `batch` (committed from `first_seq` on) once the WAL is on
  // disk, or with the sync's error.
  void Complete(std::vector<PendingAppend>& batch, int64_t first_seq, const Status& synced);
  // fdatasync of the WAL (audit.db-wal), opened again when it was replaced;
  // after a failure every later call fails too.
  Status SyncWal();
  void SyncLoop();
  void WalLoop();
  void WalDue();
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int frames);
  // The one writable state: changed (and logged) by every failure and
  // every recovery.
  void SetWritable(bool writable, const std::string& why);
  // While unwritable: can the disk and the store write again? Writer thread.
  Status Probe();

  const AuditKeys& keys_;
  const AuditLogOptions options_;
  const Clock& clock_;
  std::unique_ptr<db::Database> writer_db_;  // writer thread only (and Init)

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingAppend> pending_;                     // guarded by mu_
  bool stopping_ = false;                                 // guarded by mu_
  std::vector<std::promise<Status>> checkpoint_waiters_;  // guarded by mu_
  std::thread writer_;

  // SQLite's WAL checkpoints (copying committed pages from the WAL into
  // audit.db, with an fsync) run on their own thread and connection, not in
  // the writer's commits, where they held up every append waiting on them.
  std::unique_ptr<db::Database> wal_db_;  // WalLoop only
  std::mutex wal_mu_;
  std::condition_variable wal_cv_;
  bool wal_due_ = false, wal_stop_ = false;  // guarded by wal_mu_
  std::thread wal_thread_;

  // Committed batches waiting for the syncer's fdatasync.
  struct Committed {
    std::vector<PendingAppend> batch;
    int64_t first_seq = 0;
  };
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::deque<Committed> unsynced_;  // guarded by sync_mu_
  bool sync_stop_ = false;          // guarded by sync_mu_
  std::thread sync_thread_;
  std::mutex wal_fd_mu_;    // the syncer's and the writer's syncs
  int wal_fd_ = -1;         // guarded by wal_fd_mu_
  Status wal_sync_failed_;  // guarded by wal_fd_mu_: sticky
  std::atomic<bool> wal_broken_{false};

  std::atomic<bool> writable_{true};
  std::atomic<int64_t> last_seq_{0};
  std::atomic<int64_t> stat_events_{0}, stat_commits_{0}, stat_failures_{0};
  // The checkpoint file as this writer last left it: its last checkpoint
  // (-1: unknown) and its size.
  int64_t file_last_seq_ = -1;                   // writer thread
  int64_t file_size_ = -1;                       // writer thread
  std::unordered_set<std::string> stored_sets_;  // writer thread: digests known committed
  std::chrono::steady_clock::time_point last_checkpoint_time_;  // writer thread
  // audit_write_failed lines: when the last was written, and the failed
  // commits since (writer thread).
  std::chrono::steady_clock::time_point failure_logged_at_{};
  int64_t failed_unlogged_ = 0;
};

}  // namespace vh::audit
