#include "audit/audit_log.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <utility>

#include "audit/audit_store.h"
#include "audit/audit_writer.h"
#include "audit/verifier.h"
#include "core/limits.h"
#include "core/trace_context.h"

namespace vh::audit {
namespace fs = std::filesystem;

struct AuditLog::Impl {
  Impl(AuditKeys k, AuditLogOptions o)
      : keys(std::move(k)), options(std::move(o)), pseudonymizer(keys.pseudonym_key) {}

  const AuditKeys keys;
  const AuditLogOptions options;
  const Pseudonymizer pseudonymizer;
  // Declared before the reader: it goes last, so that (as SQLite's last
  // connection to a WAL store) the writer's connection closes the store.
  std::unique_ptr<AuditWriter> writer;
  mutable std::mutex reader_mu;
  std::unique_ptr<db::Database> reader_db;  // guarded by reader_mu
};

namespace {

Status BadEvent(const char* why) { return Status::InvalidArgument("bad_event", why); }

// The trace an event carries: the context of the appending thread, or a trace
// of its own when there is none (the log opening, a command line tool).
TraceRef TraceOf(const TraceContext& c) {
  TraceRef t;
  t.trace_id = c.trace_id;
  t.span_id = c.span_id;
  t.parent_span_id = c.parent_span_id;
  t.start_time = FormatUtc(c.start);
  if (!c.parent_span_id.empty() && !c.caller.empty()) {
    t.foreign_trace_id = c.trace_id;
    t.foreign_span_id = c.parent_span_id;
    t.foreign_entity = c.caller;
  }
  return t;
}

void StampTraces(std::vector<Event>& events) {
  std::optional<TraceRef> trace;
  for (Event& e : events) {
    if (!e.trace.empty()) continue;
    if (!trace) {
      const auto& current = CurrentTrace();
      trace = TraceOf(current ? *current : TraceContext::Start(SystemClock().Now()));
    }
    e.trace = *trace;
  }
}

// Checks `request` and makes its events into the writer's appends,
// serialised here on the caller's thread (in parallel across callers, not on
// the one writer). Fail closed: an event must never name a list or a set
// the store would not hold. Nothing is queued when any event is refused.
Result<std::vector<PendingAppend>> Prepare(AppendRequest& request) {
  if (request.events.empty()) return BadEvent("an append needs an event");
  for (const Event& e : request.events) {
    if (!IsKnownEventType(e.type)) return BadEvent("unknown audit event type");
  }
  StampTraces(request.events);
  std::vector<PendingAppend> out(request.events.size());
  bool list_named = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    Event& e = request.events[i];
    PendingAppend& p = out[i];
    if (request.list && !list_named && e.parts.empty() && e.parts_list == request.list->hex) {
      p.list = request.list;
      list_named = true;
    } else if (!e.parts_list.empty()) {
      return BadEvent("the event does not name the list given");
    } else if (!e.parts.empty()) {
      p.list = MakePartList(e.parts);
      e.parts_list = p.list->hex;
      e.parts.clear();
    }
    for (std::size_t k = 0; p.list && k < p.list->sets.size(); ++k) {
      const std::string& named = p.list->sets[k];
      if (std::none_of(request.sets.begin(), request.sets.end(),
                       [&](const auto& set) { return set && set->hex == named; })) {
        return BadEvent("a part names a decision set not given");
      }
    }
  }
  if (request.list && !list_named) return BadEvent("the event does not name the list given");
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].body = EventBody(request.events[i]);
    out[i].event = std::move(request.events[i]);
  }
  // The sets go with the first event, or with each when the request's events
  // may be split over two commits: no event may commit before its sets.
  if (out.size() == 1) {
    out[0].sets = std::move(request.sets);
  } else if (!request.sets.empty()) {
    for (PendingAppend& p : out) p.sets = request.sets;
  }
  return out;
}

// The completion of a request of several events: `done` once all are
// complete, with the first error or the highest seq.
struct Gathered {
  Gathered(std::size_t n, std::function<void(Result<int64_t>)> d) : left(n), done(std::move(d)) {}
  std::mutex mu;
  std::size_t left;  // guarded by mu
  Status error;      // guarded by mu
  int64_t seq = 0;   // guarded by mu
  std::function<void(Result<int64_t>)> done;
};

// Hands `request` to the writer; `done` runs once (see AppendAsync).
void Submit(AuditWriter& writer, AppendRequest request, std::function<void(Result<int64_t>)> done) {
  auto appends = Prepare(request);
  if (!appends.ok()) return done(appends.status());
  if (appends->size() == 1) {
    (*appends)[0].done = std::move(done);
  } else {
    auto all = std::make_shared<Gathered>(appends->size(), std::move(done));
    for (PendingAppend& p : *appends) {
      p.done = [all](Result<int64_t> r) {
        Result<int64_t> result = int64_t{0};
        {
          std::lock_guard<std::mutex> lock(all->mu);
          if (!r.ok() && all->error.ok()) all->error = r.status();
          if (r.ok()) all->seq = std::max(all->seq, *r);
          if (--all->left > 0) return;
          result = all->error.ok() ? Result<int64_t>(all->seq) : Result<int64_t>(all->error);
        }
        all->done(std::move(result));
      };
    }
  }
  writer.Submit(std::move(*appends));
}

// Reads the statement's rows into `page` until it holds `limit` events; a
// row beyond them sets the page's cursor.
Status ReadPage(db::Statement& st, std::size_t limit, QueryPage* page) {
  for (;;) {
    auto r = st.Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::Ok();
    if (page->events.size() == limit) {
      page->next_cursor = page->events.back().seq;
      return Status::Ok();
    }
    StoredEvent e;
    e.seq = st.Int(0);
    e.time = st.Text(1);
    e.event.type = st.Text(2);
    Status ps = ParseEventBody(st.Text(3), &e.event);
    if (!ps.ok()) {
      return Status::Unavailable(
          "audit_corrupt",
          "event " + std::to_string(e.seq) + ": body unreadable; run `vhgate audit verify`");
    }
    HashFromBlob(st.Blob(4), &e.prev_hash);
    HashFromBlob(st.Blob(5), &e.hash);
    page->events.push_back(std::move(e));
  }
}

}  // namespace

AppendRequest::AppendRequest(Event event) { events.push_back(std::move(event)); }

AppendRequest::AppendRequest(std::vector<Event> batch) : events(std::move(batch)) {}

AppendRequest AppendRequest::View(Event event, std::vector<std::shared_ptr<const DecisionSet>> sets,
                                  std::shared_ptr<const PartList> list) {
  AppendRequest r(std::move(event));
  r.list = std::move(list);
  r.sets = std::move(sets);
  return r;
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
  auto impl = std::make_unique<Impl>(std::move(keys), options);
  // The writer first: it creates the schema the reader reads.
  auto writer = AuditWriter::Start(impl->keys, impl->options, clock);
  if (!writer.ok()) return writer.status();
  impl->writer = std::move(*writer);
  db::Database::Options dbo;
  dbo.busy_timeout_ms = options.busy_timeout_ms;
  dbo.page_size = options.page_size;
  auto reader = db::Database::Open(options.db_path, impl->keys.store_key, dbo);
  if (!reader.ok()) return reader.status();
  impl->reader_db = std::move(*reader);
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AuditLog::~AuditLog() = default;

Result<int64_t> AuditLog::Append(AppendRequest request) {
  std::promise<Result<int64_t>> promise;
  auto result = promise.get_future();
  Submit(*impl_->writer, std::move(request),
         [&promise](Result<int64_t> r) { promise.set_value(std::move(r)); });
  return result.get();
}

void AuditLog::AppendAsync(AppendRequest request, std::function<void(Status)> done) {
  // `done` runs under the appending thread's context, also on the writer's
  // thread: what it logs belongs to the same request.
  Submit(*impl_->writer, std::move(request),
         [done = std::move(done), trace = CurrentTrace()](Result<int64_t> r) {
           ScopedTrace scope(trace);
           done(r.status());
         });
}

const Pseudonymizer& AuditLog::pseudonymizer() const { return impl_->pseudonymizer; }

Status AuditLog::CheckpointNow() { return impl_->writer->CheckpointNow(); }

int64_t AuditLog::last_seq() const { return impl_->writer->last_seq(); }

AuditLog::Stats AuditLog::stats() const { return impl_->writer->stats(); }

const AuditLogOptions& AuditLog::options() const { return impl_->options; }

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
  // The supplier column holds one partner, or a view's suppliers separated
  // by spaces (audit/event.h SupplierColumn).
  auto supplies = [](const std::string& p) {
    return "instr(' ' || supplier || ' ', ' ' || " + p + " || ' ') > 0";
  };
  if (!f.partner.empty()) {
    std::string p = param(f.partner);
    where += " AND (actor_partner = " + p + " OR " + supplies(p) + " OR recipient = " + p + ")";
  }
  if (!f.scope_partner.empty()) {
    std::string p = param(f.scope_partner);
    where += " AND (" + supplies(p) + " OR recipient = " + p + ")";
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
  // Dossier views are filed under their meetings only (event_index.h): a
  // subject's or a partner's are those of the meetings view_subjects or
  // view_partners names for it.
  std::string views_of;
  auto views_in = [&](const char* table, const char* column, const std::string& value) {
    views_of = std::string(" OR (x.k IN (SELECT 'm:' || meeting FROM ") + table + " WHERE " +
               column + " = " + param(value) + ") AND e.type = '" + kDossierDisclosed + "')";
  };
  if (!f.subject.empty()) {
    views_in("view_subjects", "subject", f.subject);
  } else if (f.meeting.empty()) {
    const std::string& partner = !f.partner.empty() ? f.partner : f.scope_partner;
    if (!partner.empty()) views_in("view_partners", "partner", partner);
  }
  const std::string cols = "SELECT seq, time, type, body, prev_hash, hash FROM events";
  std::string sql;
  // ?1 < seq <= ?<hi>: a window of the log (below).
  int hi_index = 0;
  if (key.empty()) {
    sql = cols + " WHERE seq > ?1" + where;
  } else {
    // The indexed events through event_keys (walked in (k, seq) order, so a
    // page stops after `limit` rows), then the unindexed tail by scan; SQLite
    // merges the two ordered parts without sorting.
    std::string k = param(key);
    hi_index = static_cast<int>(binds.size()) + 2;
    const std::string hi = "?" + std::to_string(hi_index);
    std::string upto = "(SELECT upto FROM event_keys_state WHERE id = 1)";
    sql =
        "SELECT x.seq, e.time, e.type, e.body, e.prev_hash, e.hash FROM event_keys x "
        "JOIN events e ON e.seq = x.seq WHERE (x.k = " +
        k + views_of + ") AND x.seq > ?1 AND x.seq <= min(" + hi + ", " + upto + ")" + where +
        " UNION ALL " + cols + " WHERE seq > max(?1, " + upto + ") AND seq <= " + hi + where;
  }
  std::size_t limit = f.chronological_all
                          ? kMaxReportEvents
                          : std::clamp<std::size_t>(f.limit, 1, limits::kMaxAuditPageSize);
  sql += " ORDER BY 1 LIMIT " + std::to_string(limit + 1) + ";";

  std::lock_guard<std::mutex> lock(impl_->reader_mu);
  auto st = impl_->reader_db->Prepare(sql);
  if (!st.ok()) return st.status();
  // Through several keys (a subject's or a partner's meetings) SQLite can no
  // longer walk one key in seq order: it collects and sorts every match after
  // the cursor, for every page. So such a query reads the log in windows of
  // seq, growing fourfold from a few pages' worth, until the page is full.
  constexpr int64_t kWholeLog = std::numeric_limits<int64_t>::max();
  int64_t top = kWholeLog;
  if (!views_of.empty()) {
    auto last = impl_->reader_db->Prepare("SELECT max(seq) FROM events;");
    if (!last.ok()) return last.status();
    auto r = last->Step();
    if (!r.ok()) return r.status();
    top = *r ? last->Int(0) : 0;
  }
  int64_t lo = f.after_seq;
  int64_t width = 4 * static_cast<int64_t>(limit + 1);
  QueryPage page;
  for (;;) {
    const int64_t hi = views_of.empty() || lo >= top - width ? kWholeLog : lo + width;
    st->Reset();
    st->Bind(1, lo);
    for (std::size_t i = 0; i < binds.size(); ++i) st->Bind(static_cast<int>(i + 2), binds[i]);
    if (hi_index > 0) st->Bind(hi_index, hi);
    Status read = ReadPage(*st, limit, &page);
    if (!read.ok()) return read;
    if (page.next_cursor != 0 || hi == kWholeLog) break;
    lo = hi;
    width = width > kWholeLog / 4 ? kWholeLog : width * 4;
  }

  VH_RETURN_IF_ERROR(ResolveParts(*impl_->reader_db, f.subject, f.scope_partner, &page.events));
  return page;
}

Result<VerifyReport> AuditLog::Verify() const {
  std::lock_guard<std::mutex> lock(impl_->reader_mu);
  return VerifyStore(*impl_->reader_db, impl_->keys.sign_public, impl_->options.checkpoint_path);
}

}  // namespace vh::audit
