// Audit log benchmark, not a timed test.
//
// Durable events per second through AuditLog::Append (group commit, every
// event fsync'd before Append returns) with 1, 8 and 64 concurrent writers,
// next to the naive baseline measured in the same run: one event per
// transaction (BEGIN IMMEDIATE; INSERT the row and its query-index entries;
// COMMIT) on the same SQLCipher store settings (raw key, page size, WAL,
// synchronous=FULL, the same schema, row content and index entries). A second
// naive line inserts the row alone (no index), for reference.
// Then how long a privacy officer's queries take, a first page and all pages
// (by partner, by a partner's officer, by subject, by meeting), on a store of
// dossier views and answers; and verification speed (events per second).
//
// Usage: audit_bench [--seconds S] [--query-events N] [--verify-events N] [--dir D]
// (other --benchmark_* flags from bench/run.sh are ignored).

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "audit/event_index.h"
#include "audit/verifier.h"
#include "core/clock.h"

namespace vh::audit {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

Event BenchEvent(int w, int64_t i) {
  Event e;
  e.type = kAnswerReceived;  // an event about one subject (s:, m: and p: keys)
  e.actor = {"reclassering", "supplier", "Agent " + std::to_string(w),
             "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "10.0.0.7:51234"};
  e.meeting = "m-" + std::to_string(i % 97);
  e.overlegvorm = "briefing";
  e.purpose = "Weging van meldingen voor de briefing";
  e.covenant = {"vh-hollands-midden", "2016.2",
                "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"};
  e.subject = "5d41402abc4b2a76b9719d911017c592aa7dd3d5b2b4cf1e2d5e1b6f0f8d1c2e";
  e.supplier = "reclassering";
  e.recipient = "politie";
  e.fields.push_back({"justitie.lopend_toezicht", "accepted", "B1", "full", "",
                      "a8cfde6331bd59eb2ac96f8911c4b666b8e1f6b4a0a5f3e6c9d7b2a1e0f3d4c5"});
  e.fields.push_back({"persoon.geboortedatum", "accepted", "B2", "age", "",
                      "b8cfde6331bd59eb2ac96f8911c4b666b8e1f6b4a0a5f3e6c9d7b2a1e0f3d4c5"});
  e.outcome = "ok";
  return e;
}

struct Dir {
  explicit Dir(const std::string& base, const std::string& name) : path(base + "/" + name) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
  AuditLogOptions Options() const {
    AuditLogOptions o;
    o.db_path = path + "/audit.db";
    o.checkpoint_path = path + "/audit.checkpoints";
    o.checkpoint_every = 1000;
    o.checkpoint_seconds = 60;
    return o;
  }
  std::string path;
};

struct Rate {
  int64_t events = 0;
  double seconds = 0;
  int64_t commits = 0;
  double per_second() const { return seconds > 0 ? events / seconds : 0; }
};

Rate GroupCommit(const std::string& base, const AuditKeys& keys, int writers, double seconds) {
  Dir dir(base, "group-" + std::to_string(writers));
  SystemClock clock;
  auto log = AuditLog::OpenWith(keys.Clone(), dir.Options(), clock);
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n", log.status().ToString().c_str());
    std::exit(1);
  }
  std::atomic<bool> stop{false};
  std::atomic<int64_t> failures{0};
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        if (!(*log)->Append(BenchEvent(w, i)).ok()) ++failures;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  Rate r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto st = (*log)->stats();
  r.events = st.events;
  r.commits = st.commits;
  if (failures > 0) std::fprintf(stderr, "%lld appends failed\n", (long long)failures.load());
  return r;
}

// The naive baseline: one transaction, hence one fsync, per event; with
// `index`, the event's query-index entries go into the same transaction.
Rate OneRowPerTransaction(const std::string& base, const AuditKeys& keys, double seconds,
                          bool index) {
  Dir dir(base, index ? "naive-indexed" : "naive");
  auto db = OpenAuditStore(dir.path + "/audit.db", keys.store_key, /*create=*/true);
  if (!db.ok() || !EnsureSchema(**db).ok()) std::exit(1);
  auto ins = (*db)->Prepare(
      "INSERT INTO events(seq, time, type, actor_partner, meeting, subject, supplier, recipient, "
      "body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11);");
  auto ins_key = (*db)->Prepare("INSERT INTO event_keys(k, seq) VALUES (?1, ?2);");
  auto upd_upto = (*db)->Prepare("UPDATE event_keys_state SET upto = ?1 WHERE id = 1;");
  if (!ins.ok() || !ins_key.ok() || !upd_upto.ok()) std::exit(1);
  SystemClock clock;
  crypto::Hash prev{};
  Rate r;
  auto start = Clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  for (int64_t seq = 1; Clock::now() < end; ++seq) {
    Event e = BenchEvent(0, seq);
    std::string time = FormatUtc(clock.Now());
    std::string body = EventBody(e);
    crypto::Hash h = ChainHash(prev, CanonicalEvent(seq, time, e.type, e.actor.partner, e.meeting,
                                                    e.subject, e.supplier, e.recipient, body));
    if (!(*db)->Begin().ok()) std::exit(1);
    ins->Bind(1, seq)
        .Bind(2, time)
        .Bind(3, e.type)
        .Bind(4, e.actor.partner)
        .Bind(5, e.meeting)
        .Bind(6, e.subject)
        .Bind(7, e.supplier)
        .Bind(8, e.recipient)
        .Bind(9, body)
        .BindBlob(10, std::string_view(reinterpret_cast<const char*>(prev.data()), 32))
        .BindBlob(11, std::string_view(reinterpret_cast<const char*>(h.data()), 32));
    if (!ins->Run().ok()) std::exit(1);
    if (index) {
      for (const auto& k :
           EventIndexKeys(e.type, e.actor.partner, e.meeting, e.subject, e.supplier, e.recipient)) {
        ins_key->Bind(1, k).Bind(2, seq);
        if (!ins_key->Run().ok()) std::exit(1);
      }
      upd_upto->Bind(1, seq);
      if (!upd_upto->Run().ok()) std::exit(1);
    }
    if (!(*db)->Commit().ok()) std::exit(1);
    prev = h;
    ++r.events;
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.commits = r.events;
  return r;
}

// A dossier view as the exchange writes it: one event per view, a part
// per subject (20), the suppliers of a briefing; meeting `i % meetings`,
// recipient one of the ten partners in turn.
const std::vector<std::string> kPartners = {
    "dji", "gemeente-alphen", "gemeente-leiden", "ggd",         "ggz", "halt",
    "om",  "politie",         "reclassering",    "veilig-thuis"};
AppendRequest BenchView(int64_t i, int meetings) {
  Event e = BenchEvent(0, i);
  e.type = kDossierDisclosed;
  e.meeting = "m-" + std::to_string(i % meetings);
  e.actor.partner = e.recipient = kPartners[static_cast<std::size_t>(i / meetings) % 10];
  e.actor.role = "participant";
  e.subject.clear();
  e.supplier.clear();
  e.fields.clear();
  for (const auto& p : kPartners) {
    if (p != "halt" || i % 7 == 0) e.suppliers.push_back(p);  // halt supplies now and then
  }
  std::vector<std::shared_ptr<const DecisionSet>> sets;
  std::vector<SubjectPart> parts;
  for (int k = 0; k < 20; ++k) {
    auto set = MakeDecisionSet(
        {{"justitie.lopend_toezicht", "disclosed", "B1", "full", "", std::string(64, 'a' + k % 6)}},
        {"reclassering"});
    SubjectPart part;
    part.subject = "subj-" + std::to_string((i % meetings) * 20 + k);
    part.set = set->hex;
    part.shown = 1;
    parts.push_back(std::move(part));
    sets.push_back(std::move(set));
  }
  auto list = MakePartList(parts);
  e.parts_list = list->hex;
  return AppendRequest::View(std::move(e), std::move(sets), std::move(list));
}

// What a privacy officer waits for: the first page (100 events) of a query,
// and every page of it, on a store of `events` events (nine in ten dossier
// views over `meetings` meetings, one in ten answers).
void QueryPages(const std::string& base, const AuditKeys& keys, int64_t events, int meetings) {
  Dir dir(base, "query");
  SystemClock clock;
  auto log = AuditLog::OpenWith(keys.Clone(), dir.Options(), clock);
  if (!log.ok()) std::exit(1);
  {
    std::vector<std::thread> threads;
    std::atomic<int64_t> next{0};
    for (int w = 0; w < 32; ++w) {
      threads.emplace_back([&, w] {
        for (int64_t i; (i = next.fetch_add(1)) < events;) {
          Status s = i % 10 == 9 ? (*log)->Append(BenchEvent(w, i)).status()
                                 : (*log)->Append(BenchView(i, meetings)).status();
          if (!s.ok()) std::exit(1);
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  if (!(*log)->CheckpointNow().ok()) std::exit(1);  // the index covers all of it
  struct Case {
    const char* name;
    QueryFilter filter;
  };
  std::vector<Case> cases(5);
  cases[0].name = "partner (recipient and supplier)";
  cases[0].filter.partner = "om";
  cases[1].name = "partner, a rare supplier";
  cases[1].filter.partner = "halt";
  cases[2].name = "scope of a partner's officer";
  cases[2].filter.scope_partner = "ggz";
  cases[3].name = "subject";
  cases[3].filter.subject = "subj-21";
  cases[4].name = "meeting";
  cases[4].filter.meeting = "m-3";
  std::printf("  queries, %lld events (%d meetings), pages of 100:\n", (long long)events, meetings);
  for (auto& c : cases) {
    c.filter.limit = 100;
    auto start = Clock::now();
    double first_ms = 0;
    int64_t found = 0;
    int pages = 0;
    for (;;) {
      auto page = (*log)->Query(c.filter);
      if (!page.ok()) std::exit(1);
      if (pages++ == 0) {
        first_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      }
      found += static_cast<int64_t>(page->events.size());
      if (page->next_cursor == 0) break;
      c.filter.after_seq = page->next_cursor;
    }
    double all_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::printf("    %-34s first page %8.1f ms; all %7lld events in %5d pages %9.1f ms\n", c.name,
                first_ms, (long long)found, pages, all_ms);
  }
}

}  // namespace
}  // namespace vh::audit

int main(int argc, char** argv) {
  using namespace vh::audit;
  double seconds = 3;
  int64_t verify_events = 200000;
  int64_t query_events = 100000;
  std::string base = std::filesystem::temp_directory_path().string() + "/vh_audit_bench_" +
                     std::to_string(::getpid());
  for (int i = 1; i + 1 < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds")
      seconds = std::atof(argv[++i]);
    else if (a == "--verify-events")
      verify_events = std::atoll(argv[++i]);
    else if (a == "--query-events")
      query_events = std::atoll(argv[++i]);
    else if (a == "--dir")
      base = argv[++i];
  }
  if (!vh::crypto::InitCrypto().ok()) return 1;
  std::filesystem::create_directories(base);
  AuditKeys keys = AuditKeys::Random();

  std::printf("audit log: durable appends (fsync per commit), %.1f s per case, store in %s\n",
              seconds, base.c_str());
  Rate naive = OneRowPerTransaction(base, keys, seconds, /*index=*/true);
  std::printf("  %-34s %10.0f events/s  (%lld events, %lld commits)\n",
              "one event per transaction (naive)", naive.per_second(), (long long)naive.events,
              (long long)naive.commits);
  Rate bare = OneRowPerTransaction(base, keys, seconds, /*index=*/false);
  std::printf("  %-34s %10.0f events/s  (row only, no index entries)\n", "one row per transaction",
              bare.per_second());
  double at64 = 0;
  for (int writers : {1, 8, 64}) {
    Rate r = GroupCommit(base, keys, writers, seconds);
    std::printf(
        "  %-34s %10.0f events/s  (%lld events, %lld commits, %.1f events/commit)  "
        "%.1fx naive\n",
        ("group commit, " + std::to_string(writers) + " writers").c_str(), r.per_second(),
        (long long)r.events, (long long)r.commits, r.commits ? double(r.events) / r.commits : 0.0,
        naive.per_second() > 0 ? r.per_second() / naive.per_second() : 0.0);
    if (writers == 64) at64 = r.per_second();
  }
  std::printf("  ratio group commit (64 writers) / naive: %.1fx (/ row-only: %.1fx)\n",
              naive.per_second() > 0 ? at64 / naive.per_second() : 0.0,
              bare.per_second() > 0 ? at64 / bare.per_second() : 0.0);

  if (query_events > 0) QueryPages(base, keys, query_events, 200);

  // Verification speed over a store of `verify_events` events.
  {
    std::string dir = base + "/verify";
    std::filesystem::create_directories(dir);
    AuditLogOptions o;
    o.db_path = dir + "/audit.db";
    o.checkpoint_path = dir + "/audit.checkpoints";
    vh::SystemClock clock;
    {
      auto log = AuditLog::OpenWith(keys.Clone(), o, clock);
      if (!log.ok()) return 1;
      std::vector<std::thread> threads;
      std::atomic<int64_t> next{0};
      for (int w = 0; w < 64; ++w) {
        threads.emplace_back([&, w] {
          while (next.fetch_add(1) < verify_events) {
            if (!(*log)->Append(BenchEvent(w, next.load())).ok()) return;
          }
        });
      }
      for (auto& t : threads) t.join();
    }
    auto db = OpenAuditStore(o.db_path, keys.store_key);
    if (!db.ok()) return 1;
    auto start = std::chrono::steady_clock::now();
    auto rep = VerifyStore(**db, keys.sign_public, o.checkpoint_path);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!rep.ok() || !rep->intact) {
      std::fprintf(stderr, "verify failed\n");
      return 1;
    }
    std::printf("  %-34s %10.0f events/s  (%lld events, %lld checkpoints, %.2f s)\n", "verify",
                rep->events / s, (long long)rep->events, (long long)rep->checkpoints, s);
    std::filesystem::remove_all(dir);
  }
  std::filesystem::remove_all(base);
  return 0;
}
