#pragma once
// AuditLog: the encrypted, tamper-evident, append-only audit log
// (docs/audit-events.md). See audit/README.md for the design.
//
// Storage: one SQLCipher database `<data_dir>/audit.db` opened with the raw
// audit store key, WAL, kAuditPageSize pages (open it
// elsewhere with OpenAuditStore); plus a plain, append-only
// checkpoint file `<data_dir>/audit.checkpoints` of signed (seq, hash, time)
// lines, so that truncating the database or rolling it back to an older copy
// shows (audit/checkpoint.h).
//
// Durability and group commit: Append() hands its events to one writer thread
// (audit/audit_writer.h) and blocks until the transaction holding them has
// committed and is on disk; AppendAsync() returns at once and reports the
// same outcome later. The writer takes every pending event into one
// transaction, so N concurrent callers share one commit. It commits without
// an fsync (the writer's connection is synchronous=NORMAL) and hands the
// committed batch to the syncer thread, which fdatasyncs the WAL and only
// then completes the batch's appends: the writer writes the next batch while
// the disk takes the last one. An OK from Append() (or AppendAsync's
// callback) means the event is on disk; callers must not
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
// the request. A later Append() tries again. An event that would name a part
// list or a decision set the store would not hold is refused before it is
// queued (InvalidArgument "bad_event").
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
// Pseudonyms and value MACs: pseudonymizer() (audit/pseudonymizer.h).
//
// Traces: an event appended without a TraceRef gets the TraceContext of the
// appending thread (core/trace_context.h: the request, sweep or pull it
// belongs to), or a trace of its own when the thread has none; the events of
// one request without a context share one.
//
// Ownership: Open/OpenWith return the sole owner; the keys live inside it
// (SecretBytes, wiped when it goes). Thread-safety: all public members are
// safe to call concurrently. Several processes may append to one store (the
// head is re-read under the write lock). Destruction drains pending appends
// (their completions run), writes a final checkpoint and joins the writer's
// threads; REQUIRES: no call is in progress.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_keys.h"
#include "audit/checkpoint.h"
#include "audit/event.h"
#include "audit/pseudonymizer.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "db/database.h"

namespace vh::audit {

// Filters of GET /v1/audit/events and `vhgate audit query` (parsed from
// their text by audit/audit_service.h ParseQuery). Empty = any.
struct QueryFilter {
  std::string subject;  // pseudonym (hex); a BSN is turned into one by the caller
  std::string partner;  // actor, supplier or recipient
  // Role scoping: only events in which this partner supplied (any part of a
  // view) or received, and of a dossier view only what this partner may read
  // (audit/audit_store.h ScopeView).
  std::string scope_partner;
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

// Counters since Open (metrics, tests, benchmark).
struct AuditStats {
  int64_t events = 0;    // events committed
  int64_t commits = 0;   // transactions that committed events
  int64_t failures = 0;  // transactions that failed (their events were refused)
  // False from a write that failed (disk full, read-only, locked) to the
  // next that is durable; the writer probes every second meanwhile, so it
  // recovers by itself when space returns. False for good once the WAL
  // could not be synced (audit/audit_writer.h).
  bool writable = true;
};

// What one Append or AppendAsync writes: one or more events, queued together
// so that they share the writer's commits. A dossier view is one event whose
// parts name decision sets; `sets` must hold the set of every part named
// (InvalidArgument otherwise), and each set is stored once, in the
// transaction of the first event naming it. A view's parts are given either
// inline (`event.parts`; the log makes them into a PartList on the caller's
// thread) or made into `list` already (a rendered view shown again and
// again): then `event.parts` is empty and `event.parts_list` is `list->hex`.
// The list and the sets are shared, not copied.
struct AppendRequest {
  AppendRequest() = default;
  // One event. Implicit, so that Append(event) says what it does.
  AppendRequest(Event event);  // NOLINT(google-explicit-constructor)
  explicit AppendRequest(std::vector<Event> batch);
  // A dossier view with the sets its parts name; its parts inline, or made
  // into `list` already (see above).
  static AppendRequest View(Event event, std::vector<std::shared_ptr<const DecisionSet>> sets,
                            std::shared_ptr<const PartList> list = nullptr);

  std::vector<Event> events;
  std::shared_ptr<const PartList> list;                  // null unless a view's parts are made
  std::vector<std::shared_ptr<const DecisionSet>> sets;  // of the views' parts
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

  // Writes the request's events and returns once every one is durable
  // (fsync'd), with the seq given to the last of them. Unavailable when the
  // store cannot write (then the caller refuses what the events record;
  // events of the request that were written stay valid events);
  // InvalidArgument "bad_event" for an unknown event type, an empty
  // request, or a view naming a list or a set not given: then nothing of
  // the request is queued.
  Result<int64_t> Append(AppendRequest request);
  // The same without blocking: `done` runs once, on the writer's or the
  // syncer's thread after the commit of every event of the request is
  // durable (OK), or with the first error; at once on the caller's thread
  // when the request is refused before it is queued. It must be quick and
  // must not append. The events are serialised on the caller's thread, and
  // `done` runs under the caller's TraceContext (core/trace_context.h).
  void AppendAsync(AppendRequest request, std::function<void(Status)> done);

  // Subject pseudonyms and value MACs under this log's pseudonym key.
  const Pseudonymizer& pseudonymizer() const;

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
  using Stats = AuditStats;
  Stats stats() const;
  const AuditLogOptions& options() const;

 private:
  struct Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vh::audit
