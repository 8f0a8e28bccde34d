#include "audit/audit_log.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "audit/event_index.h"
#include "audit/verifier.h"
#include "core/bsn.h"
#include "core/limits.h"
#include "core/log.h"
#include "crypto/hex.h"

namespace vh::audit {
namespace fs = std::filesystem;

namespace {

constexpr const char* kInsertEvent =
    "INSERT INTO events(seq, time, type, actor_partner, meeting, subject, supplier, recipient, "
    "body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);";
constexpr const char* kInsertCheckpoint =
    "INSERT INTO checkpoints(seq, hash, time, sig) VALUES (?1, ?2, ?3, ?4);";

std::string_view AsView(const crypto::Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}
bool ToHash(const std::string& blob, crypto::Hash* out) {
  if (blob.size() != out->size()) return false;
  std::copy(blob.begin(), blob.end(), out->begin());
  return true;
}

// A store opened after a long outage of the index catches up in steps, so
// no single commit (and the appends waiting on it) takes long.
constexpr int64_t kMaxIndexedPerCommit = 65536;
// Digests of stored decision sets the writer remembers (32 bytes each) before
// it forgets them all and lets INSERT OR IGNORE find them again.
constexpr std::size_t kMaxRememberedSets = 100000;

// -1 for a file that is missing or cannot be examined.
int64_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(size);
}

Status Unavailable(const std::string& why) {
  return Status::Unavailable("audit_unavailable", "audit log cannot write: " + why);
}

// Sub-keys, so that a pseudonym and a value MAC can never collide.
crypto::SecretBytes SubKey(const crypto::SecretBytes& master, std::string_view purpose) {
  crypto::Hash h = crypto::KeyedDigest(master, "vh-audit-subkey", purpose);
  crypto::SecretBytes k(h.data(), h.size());
  sodium_memzero(h.data(), h.size());
  return k;
}

struct Head {
  int64_t seq = 0;
  crypto::Hash hash{};
};

Result<Head> ReadHead(db::Database& db) {
  auto q = db.PrepareCached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1;");
  if (!q.ok()) return q.status();
  db::Statement& st = **q;
  auto row = st.Step();
  if (!row.ok()) return row.status();
  Head h;
  if (*row) {
    h.seq = st.Int(0);
    if (!ToHash(st.Blob(1), &h.hash)) {
      return Status::Unavailable("audit_corrupt", db.path() + ": event " + std::to_string(h.seq) +
                                                      ": stored hash malformed");
    }
  }
  return h;
}

Result<int64_t> ReadLastCheckpointSeq(db::Database& db) {
  auto q = db.PrepareCached("SELECT seq FROM checkpoints ORDER BY seq DESC LIMIT 1;");
  if (!q.ok()) return q.status();
  auto row = (*q)->Step();
  if (!row.ok()) return row.status();
  return *row ? (*q)->Int(0) : int64_t{0};
}

// INSERT OR IGNORE of a body stored once by its digest (decision sets, part lists).
Status StoreByDigest(db::Database& db, const char* table, const crypto::Hash& digest,
                     std::string_view body) {
  auto st =
      db.Prepare(std::string("INSERT OR IGNORE INTO ") + table + "(digest, body) VALUES (?1, ?2);");
  if (!st.ok()) return st.status();
  st->BindBlob(1, AsView(digest)).Bind(2, body);
  return st->Run();
}

// Fills the parts of dossier views from their part lists and decision sets;
// with `subject` narrows each such event to that subject's part
// (AuditLog::Query).
Status ResolveParts(db::Database& db, const std::string& subject,
                    std::vector<StoredEvent>* events) {
  std::optional<db::Statement> get, get_list;
  std::map<std::string, std::pair<std::vector<FieldDecision>, std::vector<std::string>>> sets;
  std::map<std::string, std::vector<SubjectPart>> lists;
  for (StoredEvent& se : *events) {
    Event& e = se.event;
    if (e.parts.empty() && !e.parts_list.empty()) {
      auto it = lists.find(e.parts_list);
      if (it == lists.end()) {
        auto parts = ReadPartList(db, e.parts_list, &get_list);
        if (!parts.ok()) return parts.status();
        if (!*parts) {
          return Status::Unavailable("audit_corrupt",
                                     "event " + std::to_string(se.seq) +
                                         ": its part list is missing or unreadable; run "
                                         "`vhgate audit verify`");
        }
        it = lists.emplace(e.parts_list, std::move(**parts)).first;
      }
      e.parts = it->second;
    }
    for (SubjectPart& part : e.parts) {
      if (!subject.empty() && part.subject != subject) continue;
      auto it = sets.find(part.set);
      if (it == sets.end()) {
        auto digest = crypto::FromHex(part.set);
        if (!get) {
          auto st = db.Prepare("SELECT body FROM decision_sets WHERE digest = ?1;");
          if (!st.ok()) return st.status();
          get.emplace(std::move(*st));
        }
        get->Reset();
        get->BindBlob(1, digest ? std::string_view(reinterpret_cast<const char*>(digest->data()),
                                                   digest->size())
                                : std::string_view());
        auto row = get->Step();
        if (!row.ok()) return row.status();
        std::pair<std::vector<FieldDecision>, std::vector<std::string>> decoded;
        if (!*row || !ParseDecisionSet(get->Text(0), &decoded.first, &decoded.second).ok()) {
          return Status::Unavailable("audit_corrupt",
                                     "event " + std::to_string(se.seq) +
                                         ": its decision set is missing or unreadable; run "
                                         "`vhgate audit verify`");
        }
        it = sets.emplace(part.set, std::move(decoded)).first;
      }
      part.fields = it->second.first;
      part.from = it->second.second;
    }
    if (subject.empty() || e.parts.empty()) continue;
    for (SubjectPart& part : e.parts) {
      if (part.subject != subject) continue;
      e.subject = part.subject;
      e.fields = std::move(part.fields);
      if (!e.detail.is_object()) e.detail = Json::object();
      e.detail["from"] = std::move(part.from);
      e.detail["shown"] = part.shown;
      break;
    }
    e.parts.clear();
  }
  return Status::Ok();
}

// Past options.wal_checkpoint_frames the WAL thread copies the WAL into
// audit.db; far past it (the WAL thread cannot keep up) the writer does so
// itself after its commit, as SQLite's autocheckpoint would.
constexpr int kWalWriterCheckpointFrames = 16384;

}  // namespace

int AuditLog::OnWalCommit(void* self, sqlite3* db, const char* name, int frames) {
  auto* log = static_cast<AuditLog*>(self);
  if (frames >= kWalWriterCheckpointFrames) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= log->options_.wal_checkpoint_frames) {
    log->WalDue();
  }
  return SQLITE_OK;
}

Result<std::unique_ptr<db::Database>> OpenAuditStore(const std::string& path,
                                                     const crypto::SecretBytes& store_key,
                                                     bool create) {
  db::Database::Options o;
  o.create = create;
  o.page_size = kAuditPageSize;
  return db::Database::Open(path, store_key, o);
}

AuditLogOptions AuditLogOptionsFor(const Config& config) {
  AuditLogOptions o;
  o.db_path = (fs::path(config.data_dir) / "audit.db").string();
  o.checkpoint_path = (fs::path(config.data_dir) / "audit.checkpoints").string();
  o.checkpoint_every = config.audit_checkpoint_every;
  o.checkpoint_seconds = config.audit_checkpoint_seconds;
  return o;
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const Config& config, const Clock& clock) {
  auto keys = LoadAuditKeys(config);
  if (!keys.ok()) return keys.status();
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) {
    return Status::Unavailable("audit_unavailable",
                               config.data_dir + ": cannot create data directory: " + ec.message());
  }
  return OpenWith(std::move(*keys), AuditLogOptionsFor(config), clock);
}

Result<std::unique_ptr<AuditLog>> AuditLog::OpenWith(AuditKeys keys, const AuditLogOptions& options,
                                                     const Clock& clock) {
  VH_RETURN_IF_ERROR(crypto::InitCrypto());
  if (keys.store_key.size() != crypto::kKeyBytes ||
      keys.pseudonym_key.size() != crypto::kKeyBytes ||
      keys.sign_secret.size() != crypto::kSignSecretBytes ||
      keys.sign_public.size() != crypto::kSignPublicBytes) {
    return Status::Internal("audit keys have the wrong sizes");
  }
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(keys), options, clock));
  VH_RETURN_IF_ERROR(log->Init());
  return log;
}

AuditLog::AuditLog(AuditKeys keys, AuditLogOptions options, const Clock& clock)
    : keys_(std::move(keys)), options_(std::move(options)), clock_(clock) {
  pseudonym_key_ = SubKey(keys_.pseudonym_key, "subject-pseudonym");
  mac_key_ = SubKey(keys_.pseudonym_key, "value-mac");
}

Status AuditLog::Init() {
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
  auto r = db::Database::Open(options_.db_path, keys_.store_key, dbo);
  if (!r.ok()) return r.status();
  reader_db_ = std::move(*r);

  // The tail since the last checkpoint must chain onto it, and the
  // checkpoint file must not remember more than the store holds: otherwise
  // signing a new checkpoint would bless a tampered or rolled-back log.
  VH_RETURN_IF_ERROR(CheckTail());

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
  wal_thread_ = std::thread([this] { WalLoop(); });

  sync_thread_ = std::thread([this] { SyncLoop(); });
  writer_ = std::thread([this] { WriterLoop(); });
  // A checkpoint at start covers whatever a crash left uncovered.
  return CheckpointNow();
}

Status AuditLog::CheckTail() {
  auto file = ReadCheckpointFile(options_.checkpoint_path);
  if (!file.ok()) return file.status();
  auto st = writer_db_->Prepare(
      "SELECT seq, hash, time, sig FROM checkpoints ORDER BY seq DESC LIMIT 1;");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  Checkpoint last;
  if (*row) {
    last.seq = st->Int(0);
    ToHash(st->Blob(1), &last.hash);
    last.time = st->Text(2);
    std::string sig = st->Blob(3);
    last.signature.assign(sig.begin(), sig.end());
    if (!CheckpointSignatureValid(keys_.sign_public, last)) {
      return Status::Unavailable(
          "audit_corrupt", options_.db_path + ": checkpoint at event " + std::to_string(last.seq) +
                               " has an invalid signature; run `vhgate audit verify`");
    }
  }
  for (const auto& cp : file->checkpoints) {
    if (cp.seq > last.seq) {
      return Status::Unavailable("audit_corrupt",
                                 options_.checkpoint_path + " remembers a checkpoint at event " +
                                     std::to_string(cp.seq) + " that " + options_.db_path +
                                     " does not have (truncated or rolled back); run `vhgate audit "
                                     "verify`");
    }
  }
  // Events after the last checkpoint must chain onto it.
  auto ev = writer_db_->Prepare(
      "SELECT seq, time, type, actor_partner, meeting, subject, supplier, recipient, body, "
      "prev_hash, hash FROM events WHERE seq >= ?1 ORDER BY seq;");
  if (!ev.ok()) return ev.status();
  ev->Bind(1, last.seq);
  crypto::Hash running = last.hash;
  int64_t expect = last.seq;
  bool first = last.seq > 0;
  for (;;) {
    auto r = ev->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    int64_t seq = ev->Int(0);
    crypto::Hash stored{}, prev{};
    ToHash(ev->Blob(10), &stored);
    ToHash(ev->Blob(9), &prev);
    auto corrupt = [&](const std::string& why) {
      return Status::Unavailable("audit_corrupt", options_.db_path + ": event " +
                                                      std::to_string(seq) + ": " + why +
                                                      "; run `vhgate audit verify`");
    };
    if (first) {
      first = false;
      if (seq != last.seq || stored != last.hash) return corrupt("does not match its checkpoint");
      continue;
    }
    if (seq != expect + 1) return corrupt("sequence gap");
    if (prev != running) return corrupt("previous hash does not match");
    crypto::Hash h =
        ChainHash(prev, CanonicalEvent(seq, ev->Text(1), ev->Text(2), ev->Text(3), ev->Text(4),
                                       ev->Text(5), ev->Text(6), ev->Text(7), ev->Text(8)));
    if (h != stored) return corrupt("hash does not match its content");
    running = h;
    expect = seq;
  }
  if (first) {
    return Status::Unavailable("audit_corrupt", options_.db_path + ": checkpoint at event " +
                                                    std::to_string(last.seq) +
                                                    " but the event is missing (truncated)");
  }
  return Status::Ok();
}

Status AuditLog::SyncCheckpointFile() {
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
    ToHash(st->Blob(1), &cp.hash);
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

AuditLog::~AuditLog() {
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

void AuditLog::WalDue() {
  {
    std::lock_guard<std::mutex> lock(wal_mu_);
    wal_due_ = true;
  }
  wal_cv_.notify_one();
}

void AuditLog::WalLoop() {
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

void AuditLog::Pending::Take(Event e) {
  if (!e.parts.empty()) {
    list = MakePartList(e.parts);
    e.parts_list = list->hex;
    e.parts.clear();
  }
  body = EventBody(e);
  event = std::move(e);
}

Status AuditLog::Append(Event event) { return AppendWithSeq(std::move(event)).status(); }

Result<int64_t> AuditLog::AppendWithSeq(Event event) {
  if (!IsKnownEventType(event.type)) {
    return Status::InvalidArgument("bad_event", "unknown audit event type");
  }
  Pending p;
  p.Take(std::move(event));
  auto fut = p.done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Unavailable("closing");
    pending_.push_back(std::move(p));
  }
  cv_.notify_one();
  return fut.get();
}

Status AuditLog::AppendBatch(std::vector<Event> events) {
  for (const Event& e : events) {
    if (!IsKnownEventType(e.type)) {
      return Status::InvalidArgument("bad_event", "unknown audit event type");
    }
  }
  // Serialised here, in parallel across callers, not on the one writer.
  std::vector<Pending> batch(events.size());
  std::vector<std::future<Result<int64_t>>> futures;
  futures.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    batch[i].Take(std::move(events[i]));
    futures.push_back(batch[i].done.get_future());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Unavailable("closing");
    for (Pending& p : batch) pending_.push_back(std::move(p));
  }
  cv_.notify_one();
  Status result;
  for (auto& f : futures) {
    Result<int64_t> r = f.get();
    if (result.ok() && !r.ok()) result = r.status();
  }
  return result;
}

Status AuditLog::AppendWithSets(Event event, std::vector<std::shared_ptr<const DecisionSet>> sets) {
  std::promise<Status> done;
  auto fut = done.get_future();
  AppendWithSetsAsync(std::move(event), std::move(sets),
                      [&done](Status s) { done.set_value(std::move(s)); });
  return fut.get();
}

void AuditLog::AppendWithSetsAsync(Event event,
                                   std::vector<std::shared_ptr<const DecisionSet>> sets,
                                   std::function<void(Status)> done) {
  std::shared_ptr<const PartList> list;
  if (!event.parts.empty()) {
    list = MakePartList(event.parts);
    event.parts_list = list->hex;
    event.parts.clear();
  }
  AppendViewAsync(std::move(event), std::move(list), std::move(sets), std::move(done));
}

void AuditLog::AppendViewAsync(Event event, std::shared_ptr<const PartList> list,
                               std::vector<std::shared_ptr<const DecisionSet>> sets,
                               std::function<void(Status)> done) {
  if (!IsKnownEventType(event.type)) {
    return done(Status::InvalidArgument("bad_event", "unknown audit event type"));
  }
  // Fail closed: an event must never name a list or a set the store would
  // not hold.
  const std::string_view named = list ? std::string_view(list->hex) : std::string_view();
  if (!event.parts.empty() || named != event.parts_list) {
    return done(Status::InvalidArgument("bad_event", "the event does not name the list given"));
  }
  for (std::size_t i = 0; list && i < list->sets.size(); ++i) {
    if (std::none_of(sets.begin(), sets.end(),
                     [&](const auto& set) { return set && set->hex == list->sets[i]; })) {
      return done(Status::InvalidArgument("bad_event", "a part names a decision set not given"));
    }
  }
  Pending p;
  p.list = std::move(list);
  p.Take(std::move(event));
  p.sets = std::move(sets);
  p.on_done = [done = std::move(done)](Result<int64_t> r) { done(r.status()); };
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return p.on_done(Unavailable("closing"));
    pending_.push_back(std::move(p));
  }
  cv_.notify_one();
}

Status AuditLog::CheckpointNow() {
  std::promise<Status> done;
  auto fut = done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Unavailable("closing");
    checkpoint_waiters_.push_back(std::move(done));
  }
  cv_.notify_one();
  return fut.get();
}

void AuditLog::WriterLoop() {
  for (;;) {
    std::vector<Pending> batch;
    std::vector<std::promise<Status>> cp_waiters;
    bool stop = false;
    bool time_due = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto ready = [&] { return !pending_.empty() || stopping_ || !checkpoint_waiters_.empty(); };
      if (options_.checkpoint_seconds > 0) {
        auto due = last_checkpoint_time_ + std::chrono::seconds(options_.checkpoint_seconds);
        cv_.wait_until(lock, due, ready);
        time_due = std::chrono::steady_clock::now() >= due;
      } else {
        cv_.wait(lock, ready);
      }
      std::size_t n = std::min(pending_.size(), options_.max_batch);
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      cp_waiters.swap(checkpoint_waiters_);
      stop = stopping_ && pending_.empty();
    }
    bool force = !cp_waiters.empty() || stop || time_due;
    if (batch.empty() && !force) continue;
    Status s = CommitBatch(batch, force);
    for (auto& w : cp_waiters) w.set_value(s);
    if (time_due) last_checkpoint_time_ = std::chrono::steady_clock::now();
    if (stop) break;
  }
}

Status AuditLog::CommitBatch(std::vector<Pending>& batch, bool force_checkpoint) {
  int64_t first_seq = 0;
  std::optional<Checkpoint> cp;
  Status s = wal_broken_ ? Unavailable("its WAL could not be synced to disk")
                         : WriteBatch(batch, force_checkpoint, &first_seq, &cp);
  if (!s.ok()) {
    LogError("audit_write_failed", {{"events", batch.size()}, {"reason", s.reason()}});
    ++stat_failures_;
    for (auto& p : batch) p.Finish(s);
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
  last_checkpoint_time_ = std::chrono::steady_clock::now();
  // The events are committed; a checkpoint file that cannot be written is
  // retried at the next checkpoint and at start (SyncCheckpointFile).
  Status fs = SyncCheckpointFile();
  if (!fs.ok()) LogError("audit_checkpoint_file_failed", {{"reason", fs.reason()}});
  return Status::Ok();
}

void AuditLog::Complete(std::vector<Pending>& batch, int64_t first_seq, const Status& synced) {
  if (!synced.ok()) {
    ++stat_failures_;
    for (auto& p : batch) p.Finish(synced);
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].Finish(first_seq + static_cast<int64_t>(i));
  }
}

void AuditLog::SyncLoop() {
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

Status AuditLog::SyncWal() {
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
  wal_sync_failed_ = Unavailable("its WAL could not be synced to disk (" + why + ")");
  wal_broken_ = true;
  return wal_sync_failed_;
}

Status AuditLog::WriteBatch(std::vector<Pending>& batch, bool force_checkpoint, int64_t* first_seq,
                            std::optional<Checkpoint>* signed_cp) {
  db::Database& db = *writer_db_;
  Status s = db.Begin();
  if (!s.ok()) return Unavailable(s.message());
  auto fail = [&](const Status& st) {
    db.Rollback();
    return Unavailable(st.message());
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
    std::string key(AsView(digest));
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
      crypto::Hash h = ChainHash(prev, CanonicalEvent(seq, time, e.type, e.actor.partner, e.meeting,
                                                      subject, e.supplier, e.recipient, body));
      ins->Bind(1, seq)
          .Bind(2, time)
          .Bind(3, e.type)
          .Bind(4, e.actor.partner)
          .Bind(5, e.meeting)
          .Bind(6, subject)
          .Bind(7, e.supplier)
          .Bind(8, e.recipient)
          .Bind(9, body)
          .BindBlob(10, AsView(prev))
          .BindBlob(11, AsView(h));
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
        .BindBlob(2, AsView(prev))
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

int64_t AuditLog::last_seq() const { return last_seq_.load(); }

AuditLog::Stats AuditLog::stats() const {
  return Stats{stat_events_.load(), stat_commits_.load(), stat_failures_.load(), !wal_broken_};
}

std::string AuditLog::SubjectPseudonym(std::string_view bsn_or_ref) const {
  // A BSN written with spaces, dots or dashes is the same BSN.
  std::optional<std::string> digits = NormaliseBsn(bsn_or_ref);
  std::string input = digits ? "bsn:" + *digits : "ref:" + std::string(bsn_or_ref);
  crypto::Hash h = crypto::KeyedDigest(pseudonym_key_, "subject", input);
  sodium_memzero(input.data(), input.size());
  if (digits) sodium_memzero(digits->data(), digits->size());
  return crypto::ToHex(h.data(), h.size());
}

std::string AuditLog::ValueMac(std::string_view field, const Json& value) const {
  std::string text = DumpJson(value);
  std::string mac = ValueMacOfText(field, text);
  sodium_memzero(text.data(), text.size());
  return mac;
}

std::string AuditLog::ValueMacOfText(std::string_view field, std::string_view json_text) const {
  std::string msg;
  msg.reserve(field.size() + 1 + json_text.size());
  msg.append(field);
  msg.push_back('\0');
  msg.append(json_text);
  crypto::Hash h = crypto::KeyedDigest(mac_key_, "value", msg);
  sodium_memzero(msg.data(), msg.size());
  return crypto::ToHex(h.data(), h.size());
}

Result<QueryPage> AuditLog::Query(const QueryFilter& f) const {
  // ?1 is the cursor; every filter value is bound once, as ?2, ?3, ...
  std::vector<std::string> binds;
  auto param = [&](const std::string& value) {
    binds.push_back(value);
    return "?" + std::to_string(binds.size() + 1);
  };
  std::string where;
  // A dossier view's event names its part list, whose subjects
  // part_list_subjects holds (or, in the earlier form, lists its subjects
  // space-separated).
  if (!f.subject.empty()) {
    std::string s = param(f.subject);
    where +=
        " AND (instr(' ' || subject || ' ', ' ' || " + s +
        " || ' ') > 0 OR subject IN (SELECT list FROM part_list_subjects WHERE subject = " + s +
        "))";
  }
  if (!f.meeting.empty()) where += " AND meeting = " + param(f.meeting);
  if (!f.type.empty()) where += " AND type = " + param(f.type);
  if (!f.partner.empty()) {
    std::string p = param(f.partner);
    where += " AND (actor_partner = " + p + " OR supplier = " + p + " OR recipient = " + p + ")";
  }
  if (!f.scope_partner.empty()) {
    std::string p = param(f.scope_partner);
    where += " AND (supplier = " + p + " OR recipient = " + p + ")";
  }
  if (f.from) where += " AND time >= " + param(FormatUtc(*f.from));
  if (f.to) where += " AND time < " + param(FormatUtc(*f.to));
  // The most selective key the query index has for this filter; the column
  // conditions above still decide what matches.
  std::string key = !f.subject.empty()         ? "s:" + f.subject
                    : !f.meeting.empty()       ? "m:" + f.meeting
                    : !f.partner.empty()       ? "p:" + f.partner
                    : !f.scope_partner.empty() ? "p:" + f.scope_partner
                                               : "";
  // A subject's dossier views are filed under their meetings (event_index.h).
  std::string views_of_subject;
  if (!f.subject.empty()) {
    views_of_subject = " OR (x.k IN (SELECT 'm:' || meeting FROM view_subjects WHERE subject = " +
                       param(f.subject) + ") AND e.type = '" + kDossierDisclosed + "')";
  }
  const std::string cols = "SELECT seq, time, type, body, prev_hash, hash FROM events";
  std::string sql;
  if (key.empty()) {
    sql = cols + " WHERE seq > ?1" + where;
  } else {
    // The indexed events through event_keys (walked in (k, seq) order, so a
    // page stops after `limit` rows), then the unindexed tail by scan; SQLite
    // merges the two ordered parts without sorting.
    std::string k = param(key);
    std::string upto = "(SELECT upto FROM event_keys_state WHERE id = 1)";
    sql =
        "SELECT x.seq, e.time, e.type, e.body, e.prev_hash, e.hash FROM event_keys x "
        "JOIN events e ON e.seq = x.seq WHERE (x.k = " +
        k + views_of_subject + ") AND x.seq > ?1 AND x.seq <= " + upto + where + " UNION ALL " +
        cols + " WHERE seq > max(?1, " + upto + ")" + where;
  }
  std::size_t limit = f.chronological_all
                          ? kMaxReportEvents
                          : std::clamp<std::size_t>(f.limit, 1, limits::kMaxAuditPageSize);
  sql += " ORDER BY 1 LIMIT " + std::to_string(limit + 1) + ";";

  std::lock_guard<std::mutex> lock(reader_mu_);
  auto st = reader_db_->Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, f.after_seq);
  for (std::size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i + 2), binds[i]);
  QueryPage page;
  for (;;) {
    auto r = st->Step();
    if (!r.ok()) return r.status();
    if (!*r) break;
    if (page.events.size() == limit) {
      page.next_cursor = page.events.back().seq;
      break;
    }
    StoredEvent e;
    e.seq = st->Int(0);
    e.time = st->Text(1);
    e.event.type = st->Text(2);
    Status ps = ParseEventBody(st->Text(3), &e.event);
    if (!ps.ok()) {
      return Status::Unavailable(
          "audit_corrupt",
          "event " + std::to_string(e.seq) + ": body unreadable; run `vhgate audit verify`");
    }
    ToHash(st->Blob(4), &e.prev_hash);
    ToHash(st->Blob(5), &e.hash);
    page.events.push_back(std::move(e));
  }
  VH_RETURN_IF_ERROR(ResolveParts(*reader_db_, f.subject, &page.events));
  return page;
}

Result<VerifyReport> AuditLog::Verify() const {
  std::lock_guard<std::mutex> lock(reader_mu_);
  return VerifyStore(*reader_db_, keys_.sign_public, options_.checkpoint_path);
}

}  // namespace vh::audit
