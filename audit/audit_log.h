#pragma once
// AuditLog: the encrypted, tamper-evident, append-only audit log
// (CONTRACT.md "Audit log", issue 4). See audit/README.md for the design.
//
// Storage: one SQLCipher database `<data_dir>/audit.db` opened with the raw
// audit store key, WAL, kAuditPageSize pages (open it
// elsewhere with OpenAuditStore); plus a plain, append-only
// checkpoint file `<data_dir>/audit.checkpoints` of signed (seq, hash, time)
// lines, so that truncating the database or rolling it back to an older copy
// shows (audit/checkpoint.h).
//
// Durability and group commit: Append() hands the event to one writer thread
// and blocks until the transaction holding it has committed and is on disk.
// The writer takes every pending event into one transaction, so N concurrent
// callers share one commit. It commits without an fsync (the writer's
// connection is synchronous=NORMAL) and hands the committed batch to the
// syncer thread, which fdatasyncs the WAL and only then completes the batch's
// appends: the writer writes the next batch while the disk takes the last
// one. An OK from Append() means the event is on disk; callers must not
// reveal what the event records before that. A commit that signs a
// checkpoint is synced by the writer itself before the checkpoint's line goes
// into the checkpoint file, which must never be ahead of the disk. A WAL that
// cannot be synced fails those appends and every later one (fail closed; the
// gateway must be restarted once the disk is mended). Two consequences,
// accepted: a reader (Query, Verify, another process) sees a commit up to one
// fdatasync before it is on disk, so after a power cut in that instant an
// event it saw can be gone and its seq given to another; and the events of a
// batch whose sync failed stay in the log although their appends were
// refused: the log may record a disclosure that was refused, never the
// other way round.
//
// Fail closed: when the store cannot write (disk full, read-only, locked past
// the busy timeout, closed) Append() returns Unavailable (HTTP 503, reason
// "audit_unavailable") and the event is not in the log; the caller refuses
// the request. A later Append() tries again.
//
// Chain: hash = BLAKE2b-256(prev_hash ‖ CanonicalEvent) (audit/event.h).
// Checkpoints: every `audit.checkpoint_every` events or
// `audit.checkpoint_seconds` seconds, at Open and at close, the writer signs
// (seq, hash, time) with the Ed25519 audit key, stores it in the database in
// the same transaction as the events, and appends it to the checkpoint file.
//
// Open() refuses to start (Unavailable naming the key file or store) when a
// key file is missing, has group/other permissions, or is malformed, when the
// store cannot be opened with the key, or when the events after the last
// checkpoint do not chain onto it (run `vhgate audit verify`).
//
// Thread-safety: all public members are safe to call concurrently. Several
// processes may append to one store (the head is re-read under the write
// lock). Destruction drains pending appends, writes a final checkpoint and
// joins the writer; REQUIRES: no call is in progress.

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
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "audit/audit_keys.h"
#include "audit/checkpoint.h"
#include "audit/event.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/json.h"
#include "core/status.h"
#include "db/database.h"

struct sqlite3;

namespace vh::audit {

// Filters of GET /v1/audit/events and `vhgate audit query`. Empty = any.
struct QueryFilter {
  std::string subject;        // pseudonym (hex); `bsn` is turned into one by the caller
  std::string partner;        // actor, supplier or recipient
  std::string scope_partner;  // role scoping: only events this partner supplied or received
  std::string meeting;
  std::string type;
  std::optional<TimePoint> from, to;  // time >= from, time < to
  int64_t after_seq = 0;              // the cursor: events with seq > after_seq
  std::size_t limit = 100;            // capped at limits::kMaxAuditPageSize
  bool chronological_all = false;     // ignore limit (reports); still bounded by kMaxReportEvents
};

struct QueryPage {
  std::vector<StoredEvent> events;  // ascending seq
  int64_t next_cursor = 0;          // 0 when there is no further page
};

inline constexpr std::size_t kMaxReportEvents = 100000;

struct VerifyReport {
  bool intact = false;
  int64_t events = 0;       // events checked
  int64_t checkpoints = 0;  // checkpoints checked (database and file)
  std::optional<Checkpoint> last_checkpoint;
  int64_t first_bad_seq = 0;  // 0 when intact or not attributable to one event
  std::string problem;        // "" when intact; else names the first failure and why
};

// The audit store's SQLCipher page size. Larger than the db/ default: events
// are appended and read sequentially, and 16 KiB pages cut the per-page
// HMAC/IV overhead and the read calls of a full verification.
inline constexpr int kAuditPageSize = 16384;

struct AuditLogOptions {
  std::string db_path;
  std::string checkpoint_path;
  int checkpoint_every = 1000;     // events; <= 0 disables the count trigger
  int checkpoint_seconds = 60;     // <= 0 disables the time trigger
  std::size_t max_batch = 4096;    // events per transaction at most
  int busy_timeout_ms = 5000;      // a store locked longer than this fails the append
  int page_size = kAuditPageSize;  // fixed when audit.db is created
  // The writer adds the tail to the query index (audit/event_index.h) once it
  // is this many events long, and whole at a forced checkpoint (open, close,
  // checkpoint_seconds, CheckpointNow), not at the count's.
  int64_t index_every = 256;
  // The WAL thread copies the WAL into audit.db once it is this many frames
  // (pages) long.
  int wal_checkpoint_frames = 128;
};

// Opens an audit store for reading or tampering-as-a-test: the raw key and
// the audit page size. Unavailable naming the file when it cannot.
Result<std::unique_ptr<db::Database>> OpenAuditStore(const std::string& path,
                                                     const crypto::SecretBytes& store_key,
                                                     bool create = false);

// The paths and checkpoint settings of `config` (<data_dir>/audit.db,
// <data_dir>/audit.checkpoints, audit.checkpoint_every/_seconds).
AuditLogOptions AuditLogOptionsFor(const Config& config);

class AuditLog {
 public:
  // Loads the keys from config.keys_dir (audit/audit_keys.h) and opens
  // <data_dir>/audit.db and <data_dir>/audit.checkpoints.
  static Result<std::unique_ptr<AuditLog>> Open(const Config& config, const Clock& clock);
  static Result<std::unique_ptr<AuditLog>> OpenWith(AuditKeys keys, const AuditLogOptions& options,
                                                    const Clock& clock);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Durable (fsync'd commit) before it returns OK; Unavailable when the store
  // cannot write; InvalidArgument for an unknown event type.
  Status Append(Event event);
  // As Append, returning the sequence number given to the event.
  Result<int64_t> AppendWithSeq(Event event);
  // Appends several events (e.g. one per subject of a dossier view) queued
  // together, so they share the commits of the writer instead of waiting one
  // after the other. Returns when every event is durable; not ok when any
  // could not be written (then the caller refuses what they record; events
  // that were written stay valid events).
  Status AppendBatch(std::vector<Event> events);
  // Appends a dossier view's event whose parts name decision sets: `sets`
  // must hold the set of every part (InvalidArgument otherwise). The writer
  // stores each set once, in the transaction of the first event naming it.
  Status AppendWithSets(Event event, std::vector<std::shared_ptr<const DecisionSet>> sets);
  // The same without blocking: `done` runs once, on the writer thread after
  // the commit (or at once on the caller's when the event is refused), with
  // OK only when the event is durable. It must be quick and must not append.
  void AppendWithSetsAsync(Event event, std::vector<std::shared_ptr<const DecisionSet>> sets,
                           std::function<void(Status)> done);
  // The same for a view whose parts are made into `list` already (a rendered
  // view shown again and again): `event.parts` is empty, `event.parts_list`
  // is `list->hex`, and `sets` holds the set of every part of the list.
  void AppendViewAsync(Event event, std::shared_ptr<const PartList> list,
                       std::vector<std::shared_ptr<const DecisionSet>> sets,
                       std::function<void(Status)> done);

  // Keyed BLAKE2b of the normalised BSN (digits only, 9 digits: an 8-digit
  // BSN gets its leading zero) or, when `bsn_or_ref` is not a BSN, of the
  // ref as given; hex. Deterministic for one pseudonymisation key.
  std::string SubjectPseudonym(std::string_view bsn_or_ref) const;
  // Keyed MAC of the canonical JSON of `value`, bound to `field`; hex.
  std::string ValueMac(std::string_view field, const Json& value) const;
  // The same MAC from the value's canonical JSON text (what DumpJson gives),
  // for callers that already hold it.
  std::string ValueMacOfText(std::string_view field, std::string_view json_text) const;

  // Events matching `filter`, ascending by seq. A dossier view's parts come
  // with their decision sets filled in; with a subject filter the event is
  // narrowed to that subject: `subject` and `fields` are its part's,
  // `detail.from` its suppliers and `parts` empty, as an event about one
  // subject reads.
  Result<QueryPage> Query(const QueryFilter& filter) const;
  // Checks the whole chain, every checkpoint signature and the checkpoint
  // file against the store (a consistent snapshot).
  Result<VerifyReport> Verify() const;
  // Signs a checkpoint of the current head now (no-op when it has one).
  Status CheckpointNow();

  // The highest committed sequence number (0 when empty).
  int64_t last_seq() const;

  // Counters since Open (metrics, tests, benchmark).
  struct Stats {
    int64_t events = 0;    // events committed
    int64_t commits = 0;   // transactions that committed events
    int64_t failures = 0;  // transactions that failed (their events were refused)
    bool writable = true;  // false for good once the WAL could not be synced
  };
  Stats stats() const;
  const AuditLogOptions& options() const { return options_; }

 private:
  struct Pending {
    Event event;
    std::string body;  // EventBody(event), serialised by the caller's thread
    std::vector<std::shared_ptr<const DecisionSet>> sets;  // those its parts name
    std::shared_ptr<const PartList> list;                  // a view's parts
    // Takes `e` and serialises it (on the caller's thread, not the writer's):
    // a view's parts become its part list, which the body names.
    void Take(Event e);
    std::promise<Result<int64_t>> done;
    std::function<void(Result<int64_t>)> on_done;  // instead of `done` when set
    void Finish(Result<int64_t> r) {
      if (on_done) {
        on_done(std::move(r));
      } else {
        done.set_value(std::move(r));
      }
    }
  };
  AuditLog(AuditKeys keys, AuditLogOptions options, const Clock& clock);
  Status Init();
  Status CheckTail();
  Status SyncCheckpointFile();
  void WriterLoop();
  // Writes `batch` (may be empty) in one transaction; signs a checkpoint
  // when due or when `force_checkpoint`. Its appends complete once the
  // commit is on disk (through the syncer, or here with a checkpoint).
  Status CommitBatch(std::vector<Pending>& batch, bool force_checkpoint);
  // Completes `batch` (committed from `first_seq` on) once the WAL is on
  // disk, or with the sync's error.
  void Complete(std::vector<Pending>& batch, int64_t first_seq, const Status& synced);
  // fdatasync of the WAL (audit.db-wal), opened again when it was replaced;
  // after a failure every later call fails too.
  Status SyncWal();
  void SyncLoop();
  Status WriteBatch(std::vector<Pending>& batch, bool force_checkpoint, int64_t* first_seq,
                    std::optional<Checkpoint>* signed_cp);

  AuditKeys keys_;
  AuditLogOptions options_;
  const Clock& clock_;
  crypto::SecretBytes pseudonym_key_;  // derived sub-keys of keys_.pseudonym_key
  crypto::SecretBytes mac_key_;

  std::unique_ptr<db::Database> writer_db_;  // writer thread only (and Init)
  mutable std::mutex reader_mu_;
  std::unique_ptr<db::Database> reader_db_;  // guarded by reader_mu_

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> pending_;                           // guarded by mu_
  bool stopping_ = false;                                 // guarded by mu_
  std::vector<std::promise<Status>> checkpoint_waiters_;  // guarded by mu_
  std::thread writer_;

  // SQLite's WAL checkpoints (copying committed pages from the WAL into
  // audit.db, with an fsync) run on their own thread and connection, not in
  // the writer's commits, where they held up every append waiting on them.
  void WalLoop();
  void WalDue();
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int frames);
  std::unique_ptr<db::Database> wal_db_;  // WalLoop only
  std::mutex wal_mu_;
  std::condition_variable wal_cv_;
  bool wal_due_ = false, wal_stop_ = false;  // guarded by wal_mu_
  std::thread wal_thread_;

  // Committed batches waiting for the syncer's fdatasync.
  struct Committed {
    std::vector<Pending> batch;
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

  std::atomic<int64_t> last_seq_{0};
  std::atomic<int64_t> stat_events_{0}, stat_commits_{0}, stat_failures_{0};
  // The checkpoint file as this writer last left it: its last checkpoint
  // (-1: unknown) and its size.
  int64_t file_last_seq_ = -1;                   // writer thread
  int64_t file_size_ = -1;                       // writer thread
  std::unordered_set<std::string> stored_sets_;  // writer thread: digests known committed
  std::chrono::steady_clock::time_point last_checkpoint_time_;  // writer thread
};

}  // namespace vh::audit
