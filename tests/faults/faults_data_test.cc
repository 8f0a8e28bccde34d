// The fault suite, data side: the file-drop folder as an attacker writes it,
// the disk full during a burst, the data files' modes, SIGKILLs under load,
// the clock jumped past a meeting's retention; each against the real
// `vhgate serve`, each one summary line.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/faults/fault_util.h"

namespace vh::faults {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::HarnessOptions;
using testing::MetricValue;
using Clock = std::chrono::steady_clock;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Mode(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

std::unique_ptr<GatewayHarness> MakeGateway(Json patch, bool start = true,
                                            bool test_clock = false) {
  HarnessOptions o;
  o.covenant = CovenantWithoutOins();
  o.config_patch = std::move(patch);
  o.start = start;
  o.test_clock = test_clock;
  return std::make_unique<GatewayHarness>(o);
}

// Answers and dossier views from `threads` threads until `stop`: what came
// back, by request and in counts.
struct MixedLoad {
  std::mutex mu;
  std::set<std::string> answered;  // 200
  std::set<std::string> refused;   // 503, not answered since
  int views_ok = 0, views_refused = 0, other = 0, disclosed_on_refusal = 0;
  Latencies lat;
};

// `killed`: the gateway is killed under it, so no response at all counts as
// refused too (else it is an error).
void RunMixedLoad(GatewayHarness& gw, const Briefing& b, std::size_t* next_request,
                  std::mutex* next_mu, MixedLoad* out, const std::atomic<bool>& stop, bool killed) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      if (t < 2) {  // answers, each request once
        while (!stop) {
          std::pair<std::string, std::string> rq;
          {
            std::lock_guard<std::mutex> lock(*next_mu);
            if (*next_request >= b.requests.size()) break;
            rq = b.requests[(*next_request)++];
          }
          Reply r = OneShot(gw.port(), {.identity = rq.first}, "PUT",
                            "/v1/requests/" + rq.second + "/answer", AnswerBody());
          std::this_thread::sleep_for(std::chrono::milliseconds(15));  // spread over the burst
          std::lock_guard<std::mutex> lock(out->mu);
          if (r.status == 200) {
            out->answered.insert(rq.second);
            out->lat.Add(r.ms);
          } else if (r.status == 503 || (killed && r.status == 0)) {
            out->refused.insert(rq.second);  // to try again
          } else {
            ++out->other;
          }
        }
      } else {  // dossier views on a keep-alive connection
        auto c = Conn::Open(gw.port(), {.identity = t == 2 ? "politie.participant"
                                                           : "gemeente-leiden.participant"});
        while (!stop && c) {
          Reply r = c->Send("GET", "/v1/meetings/" + b.id + "/dossier");
          std::lock_guard<std::mutex> lock(out->mu);
          if (r.status == 200) {
            ++out->views_ok;
            out->lat.Add(r.ms);
          } else if (r.status == 503) {
            ++out->views_refused;
            if (r.body.find("subjects") != std::string::npos) ++out->disclosed_on_refusal;
          } else {
            if (!killed || r.status != 0) ++out->other;
            c = Conn::Open(gw.port(), {.identity = "politie.participant"});
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
}

// Whoever can write the drop folder plants links by the names the
// gateway writes its reports under, and inputs that are links, a FIFO or
// /dev/zero. Before: the reports were written through the links (here onto
// a stand-in for a key file).
TEST(Faults, FileDropFolderPlantedWithLinks) {
  FaultReport report("file_drop_links");
  auto gw = MakeGateway(Json::object(), false);
  const std::string drop = gw->dir() + "/drop";
  gw->WriteConfig(
      {{"adapters",
        Json::array(
            {{{"partner", "gemeente-leiden"},
              {"kind", "file-drop"},
              {"dir", drop},
              {"format", "csv"},
              {"delimiter", ";"},
              {"settle_seconds", 0},
              {"poll_seconds", 1},
              {"mapping", {{"BSN", "persoon.bsn"}, {"Bekend", "casus.bekend_bij_partner"}}}}})}});
  ASSERT_TRUE(gw->Start()) << gw->Log();
  Briefing b = CreateBriefing(*gw, 2, 700);
  ASSERT_FALSE(b.id.empty());
  const std::string victim = gw->dir() + "/stand-in.key";
  std::ofstream(victim) << "SECRET KEY\n";
  int planted = 0;
  for (const char* name : {"rejected/.bad.csv.error.txt.tmp", "rejected/bad.csv.error.txt",
                           "done/.good.csv.warnings.txt.tmp", "done/good.csv.warnings.txt"}) {
    fs::create_symlink(victim, drop + "/" + std::string(name));
    ++planted;
  }
  fs::create_symlink(victim, drop + "/key.csv");
  fs::create_symlink("/dev/zero", drop + "/zero.csv");
  ASSERT_EQ(::mkfifo((drop + "/fifo.csv").c_str(), 0600), 0);
  planted += 3;
  std::ofstream(drop + "/.bad.csv") << "BSN;\"x\nssh-ed25519 AAAA attacker\n\"\n1;2\n";
  fs::rename(drop + "/.bad.csv", drop + "/bad.csv");
  std::string good = "BSN;Bekend\n";
  for (int i = 0; i < 2; ++i) good += testing::SyntheticBsn(700 + i) + ";ja\n";
  std::ofstream(drop + "/.good.csv") << good;
  fs::rename(drop + "/.good.csv", drop + "/good.csv");
  Latencies lat;
  int errors = 0;
  const bool done = WaitFor(
      [&] {
        Reply r = OneShot(gw->port(), {.identity = "politie.participant"}, "GET", "/v1/health");
        (r.status == 200 ? lat.Add(r.ms) : void(++errors));
        return fs::exists(drop + "/done/good.csv") &&
               fs::is_regular_file(fs::symlink_status(drop + "/rejected/bad.csv.error.txt"));
      },
      15s);
  EXPECT_EQ(ReadText(victim), "SECRET KEY\n") << "written through a planted link";
  ASSERT_TRUE(done) << gw->Log();
  const std::string rep = ReadText(drop + "/rejected/bad.csv.error.txt");
  EXPECT_NE(rep.find("did not import bad.csv"), std::string::npos);
  EXPECT_EQ(rep.find("\nssh-ed25519"), std::string::npos) << rep;
  EXPECT_TRUE(fs::is_symlink(drop + "/key.csv")) << "a link was taken as an export";
  EXPECT_EQ(errors, 0);
  report.load = std::to_string(lat.size()) + " health requests meanwhile, " +
                std::to_string(errors) + " errors; a valid export imported";
  report.survived = std::to_string(planted) + " planted links, FIFO and /dev/zero; none followed";
  report.lost = ReadText(victim) == "SECRET KEY\n" ? "nothing (the stand-in key is untouched)"
                                                   : "THE STAND-IN KEY WAS OVERWRITTEN";
}

// The audit log's writable state and "disk full during a burst of answers and
// dossier views": the data directory on a small tmpfs (tests/faults/run.sh)
// filled mid-burst.
// Every 200 has its event; every refusal is a 503 that discloses nothing;
// health says audit_unavailable while it lasts and ok again, by itself,
// once space returns; `audit verify` intact. Before: health stayed 200 ok
// and vhgate_audit_writable 1.
TEST(Faults, DiskFullDuringABurst) {
  FaultReport report("disk_full");
  const char* tmpfs = std::getenv("VH_FAULT_TMPFS");
  ASSERT_TRUE(tmpfs && *tmpfs) << "run through tests/faults/run.sh (a private tmpfs)";
  const std::string data = std::string(tmpfs) + "/data-" + std::to_string(::getpid());
  auto gw = MakeGateway({{"data_dir", data}});
  ASSERT_GT(gw->port(), 0) << gw->Log();
  Briefing b = CreateBriefing(*gw, 40, 100);
  ASSERT_FALSE(b.id.empty());
  ASSERT_GT(b.requests.size(), 200u);
  std::size_t next = 0;
  std::mutex next_mu;
  MixedLoad load;
  std::atomic<bool> stop{false};
  std::thread burst([&] { RunMixedLoad(*gw, b, &next, &next_mu, &load, stop, false); });
  std::this_thread::sleep_for(1500ms);
  // Fill what is left of the tmpfs.
  const std::string filler = std::string(tmpfs) + "/filler";
  {
    std::ofstream f(filler, std::ios::binary);
    std::string mb(1 << 20, 'x');
    while (f.write(mb.data(), static_cast<std::streamsize>(mb.size()))) {
    }
  }
  bool health_said_so = false, metric_said_so = false;
  WaitFor(
      [&] {
        auto h = gw->Get("politie.participant", "/v1/health");
        health_said_so =
            health_said_so || (h.status == 503 && h.json()["status"] == "audit_unavailable");
        metric_said_so = metric_said_so || MetricValue(gw->Metrics(), "vhgate_audit_writable") == 0;
        return health_said_so && metric_said_so;
      },
      8s);
  std::this_thread::sleep_for(1s);
  stop = true;
  burst.join();
  EXPECT_TRUE(health_said_so) << "health never said audit_unavailable while the disk was full";
  EXPECT_TRUE(metric_said_so);
  // Space returns; nobody but a monitor asks.
  fs::remove(filler);
  const auto back_from = Clock::now();
  EXPECT_TRUE(
      WaitFor([&] { return gw->Get("politie.participant", "/v1/health").status == 200; }, 10s))
      << "did not recover by itself; the gateway's last log lines:\n"
      << [&] {
           const std::string log = gw->Log();
           return log.substr(log.size() > 6000 ? log.size() - 6000 : 0);
         }();
  const double recovery_s = std::chrono::duration<double>(Clock::now() - back_from).count();
  EXPECT_EQ(MetricValue(gw->Metrics(), "vhgate_audit_writable"), 1);
  // The answers refused meanwhile, again: now stored.
  int retried = 0;
  for (const auto& [who, id] : b.requests) {
    if (!load.refused.count(id) || load.answered.count(id)) continue;
    Reply r = OneShot(gw->port(), {.identity = who}, "PUT", "/v1/requests/" + id + "/answer",
                      AnswerBody());
    if (r.status == 200) {
      load.answered.insert(id);
      ++retried;
    } else {
      ADD_FAILURE() << "a refused answer could not be given again: " << r.status << " " << r.body;
    }
  }
  const int answered_events = CountEvents(*gw, b.id, "answer_received");
  const int view_events = CountEvents(*gw, b.id, "dossier_disclosed");
  EXPECT_GE(answered_events, static_cast<int>(load.answered.size())) << "a 200 without its event";
  EXPECT_GE(view_events, load.views_ok) << "a view disclosed without its event";
  EXPECT_GT(load.views_refused + static_cast<int>(load.refused.size()), 0)
      << "the disk never filled";
  EXPECT_EQ(load.disclosed_on_refusal, 0);
  EXPECT_EQ(load.other, 0);
  std::string verify;
  EXPECT_TRUE(AuditIntact(*gw, &verify)) << verify;
  EXPECT_NE(gw->Log().find("\"event\":\"audit_writable\""), std::string::npos);
  report.load =
      std::to_string(load.answered.size()) + " answers and " + std::to_string(load.views_ok) +
      " dossier views answered 200, each with its event (" + std::to_string(answered_events) +
      " answer and " + std::to_string(view_events) + " view events)";
  report.survived = "disk full: " + std::to_string(load.refused.size()) + " answers and " +
                    std::to_string(load.views_refused) +
                    " views refused 503 with nothing disclosed; health 503 audit_unavailable; "
                    "back by itself " +
                    Fixed(recovery_s) + " s after space returned; " + std::to_string(retried) +
                    " refused answers given again";
  report.lost = "nothing (audit verify intact)";
}

// "20 SIGKILLs during mixed load": answers and views from four threads; the
// gateway killed at a random moment, twenty times, and started again. Every
// answer that got its 200 is stored and has its event; the log verifies.
TEST(Faults, TwentySigkillsDuringMixedLoad) {
  FaultReport report("sigkill_x20");
  auto gw = MakeGateway(Json::object());
  ASSERT_GT(gw->port(), 0) << gw->Log();
  Briefing b = CreateBriefing(*gw, 25, 300);
  ASSERT_FALSE(b.id.empty());
  std::size_t next = 0;
  std::mutex next_mu;
  MixedLoad load;
  std::mt19937 rng(17);
  int kills = 0;
  for (int round = 0; round < 20; ++round) {
    if (round > 0) {
      ASSERT_TRUE(gw->Start()) << "restart " << round << ":\n" << gw->Log();
    }
    std::atomic<bool> stop{false};
    std::thread t([&] { RunMixedLoad(*gw, b, &next, &next_mu, &load, stop, true); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 500));
    gw->Kill();
    ++kills;
    stop = true;
    t.join();
    std::lock_guard<std::mutex> lock(next_mu);
    if (next >= b.requests.size()) next = 0;  // answered ones are refused (409) from here
  }
  ASSERT_TRUE(gw->Start()) << gw->Log();
  // Every acknowledged answer is there.
  std::set<std::string> stored;
  std::set<std::string> suppliers;
  for (const auto& [who, id] : b.requests) suppliers.insert(who);
  for (const auto& who : suppliers) {
    auto r = gw->Get(who, "/v1/requests?status=answered");
    ASSERT_EQ(r.status, 200) << r.body;
    const Json listed = r.json();
    for (const auto& q : listed["requests"]) stored.insert(q["id"].get<std::string>());
  }
  int missing = 0;
  for (const auto& id : load.answered) missing += stored.count(id) ? 0 : 1;
  EXPECT_EQ(missing, 0) << "answers acknowledged with 200 and lost";
  const int answered_events = CountEvents(*gw, b.id, "answer_received");
  const int view_events = CountEvents(*gw, b.id, "dossier_disclosed");
  EXPECT_GE(answered_events, static_cast<int>(load.answered.size()));
  EXPECT_GE(view_events, load.views_ok);
  std::string verify;
  EXPECT_TRUE(AuditIntact(*gw, &verify)) << verify;
  report.load = std::to_string(load.answered.size()) + " answers and " +
                std::to_string(load.views_ok) + " views acknowledged, p99 " +
                Fixed(load.lat.Percentile(0.99)) + " ms";
  report.survived = std::to_string(kills) + " SIGKILLs, " + std::to_string(kills) + " restarts";
  report.lost = missing == 0 ? "nothing (every 200 stored with its event; audit verify intact)"
                             : std::to_string(missing) + " ACKNOWLEDGED ANSWERS";
}

// Data files 0644 and data_dir 0755 are tightened at start. And "the clock
// jumped forward past a meeting's retention" (vhgate-test, the command line on
// a clock the test moves; tests/support/test_clock_main.cc): the sweep shreds
// the closed meeting, the open one is served all along, the log verifies.
TEST(Faults, ClockJumpedPastRetention) {
  FaultReport report("clock_jump");
  auto gw = MakeGateway({{"retention", {{"sweep_seconds", 1}}}}, false, true);
  const std::string data = gw->dir() + "/data";
  fs::create_directories(data);
  ::chmod(data.c_str(), 0755);
  ASSERT_TRUE(gw->Start()) << gw->Log();
  Briefing closed = CreateBriefing(*gw, 2, 900), open = CreateBriefing(*gw, 2, 950);
  ASSERT_FALSE(closed.id.empty());
  ASSERT_FALSE(open.id.empty());
  for (const auto* b : {&closed, &open}) {
    for (const auto& [who, id] : b->requests) {
      gw->Put(who, "/v1/requests/" + id + "/answer", Json::parse(AnswerBody()));
    }
  }
  auto close = gw->Post("veiligheidshuis-hm.coordinator", "/v1/meetings/" + closed.id + "/close",
                        {{"outcomes", Json::array()}});
  ASSERT_EQ(close.status, 200) << close.body;
  EXPECT_EQ(Mode(data), 0700);
  EXPECT_EQ(Mode(data + "/audit.db"), 0600);
  const int events_before = CountEvents(*gw, closed.id, "answer_received");
  ASSERT_GT(events_before, 0);
  std::atomic<bool> stop{false};
  Latencies lat;
  std::atomic<int> errors{0};
  std::thread viewer([&] {
    auto c = Conn::Open(gw->port(), {.identity = "politie.participant"});
    while (!stop) {
      Reply r = c ? c->Send("GET", "/v1/meetings/" + open.id + "/dossier") : Reply{};
      (r.status == 200 ? lat.Add(r.ms) : void(++errors));
      std::this_thread::sleep_for(10ms);
    }
  });
  std::this_thread::sleep_for(1s);
  gw->AdvanceClock(std::chrono::hours(24) * 4000);  // past every overlegvorm's retention
  const bool shredded = WaitFor(
      [&] {
        return gw->Log().find("\"meeting\":\"" + closed.id + "\"") != std::string::npos &&
               gw->Log().find("meeting_shredded") != std::string::npos;
      },
      10s);
  std::this_thread::sleep_for(1s);
  stop = true;
  viewer.join();
  EXPECT_TRUE(shredded) << gw->Log();
  EXPECT_EQ(CountEvents(*gw, closed.id, "data_shredded"), 1);
  EXPECT_EQ(CountEvents(*gw, closed.id, "answer_received"), events_before) << "events lost";
  auto m = gw->Get("veiligheidshuis-hm.coordinator", "/v1/meetings/" + closed.id);
  EXPECT_NE(m.status, 500) << m.body;
  EXPECT_EQ(errors, 0);
  std::string verify;
  EXPECT_TRUE(AuditIntact(*gw, &verify)) << verify;
  report.load = std::to_string(lat.size()) + " views of an open meeting through the jump, p99 " +
                Fixed(lat.Percentile(0.99)) + " ms, " + std::to_string(errors.load()) + " errors";
  report.survived =
      "clock +4000 days: the closed meeting shredded by the sweep (data_shredded), "
      "data_dir 0755 -> 0700, audit.db 0600";
  report.lost = "nothing (" + std::to_string(events_before) +
                " answer events still there; audit verify intact)";
}

}  // namespace
}  // namespace vh::faults
