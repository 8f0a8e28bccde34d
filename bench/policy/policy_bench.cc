// Policy benchmarks (Google Benchmark):
//   BM_Decide*        one decision (table look-up) over random flows of the example covenant
//   BM_DossierFloor   parse + serialise a dossier's stored answers with nlohmann (the floor)
//   BM_DossierFilter  parse + filter for one caller + serialise the caller's view
//   BM_DossierFilterResidentsOnly  the same for a residents-only gemeente (half the
//                     subjects are its residents; the others are left out)
// The dossier is 20 subjects x 30 fields x 10 suppliers (6,000 values) in focusoverleg.
// After the run, prints filter/floor (target: <= 1.5) and ns per decision (target: < 100).

#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "core/json.h"
#include "policy/engine.h"
#include "policy/filter.h"
#include "policy/loader.h"

namespace vh::policy {
namespace {

std::shared_ptr<const Covenant> Example() {
  static std::shared_ptr<const Covenant> c = [] {
    auto loaded =
        LoadCovenantFile(std::string(VH_SOURCE_DIR) + "/examples/convenant.json", nullptr);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      std::abort();
    }
    return *loaded;
  }();
  return c;
}

// The example covenant with focusoverleg's gemeenten seeing residents only.
std::shared_ptr<const Covenant> ResidentsOnlyExample() {
  static std::shared_ptr<const Covenant> c = [] {
    std::ifstream in(std::string(VH_SOURCE_DIR) + "/examples/convenant.json");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const std::string urgent = R"("urgent": true,)";
    text.replace(text.find(urgent), urgent.size(),
                 urgent + R"( "residents_only": ["@chain:bestuur"],)");
    auto loaded = LoadCovenantText(text, "residents.json", nullptr);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      std::abort();
    }
    return *loaded;
  }();
  return c;
}

std::vector<Flow> RandomFlows(const Covenant& c, std::size_t n) {
  std::mt19937 rng(42);
  std::vector<Flow> flows(n);
  for (Flow& f : flows) {
    f.overlegvorm = static_cast<int>(rng() % c.overlegvormen().size());
    f.field = static_cast<int>(rng() % c.fields().size());
    f.supplier = static_cast<int>(rng() % static_cast<unsigned>(c.principal_count()));
    f.recipient = static_cast<int>(rng() % static_cast<unsigned>(c.principal_count()));
    f.recipient_ad_hoc = rng() % 4 == 0;
    f.client_present = rng() % 2 == 0;
  }
  return flows;
}

void BM_Decide(benchmark::State& state) {
  auto c = Example();
  auto flows = RandomFlows(*c, 4096);
  std::size_t i = 0, allowed = 0;
  for (auto _ : state) {
    Decision d = Decide(*c, flows[i++ & 4095]);
    allowed += d.allowed;
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["allowed_share"] =
      static_cast<double>(allowed) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Decide);

void BM_DecideById(benchmark::State& state) {
  auto c = Example();
  auto flows = RandomFlows(*c, 4096);
  struct Ids {
    std::string o, f, s, r;
    bool ad_hoc, client;
  };
  std::vector<Ids> ids;
  for (const Flow& f : flows) {
    ids.push_back({c->overlegvormen()[static_cast<std::size_t>(f.overlegvorm)].id,
                   c->fields()[static_cast<std::size_t>(f.field)].id,
                   std::string(c->PrincipalId(f.supplier)),
                   std::string(c->PrincipalId(f.recipient)), f.recipient_ad_hoc, f.client_present});
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const Ids& x = ids[i++ & 4095];
    benchmark::DoNotOptimize(Decide(*c, x.o, x.f, x.s, x.r, x.ad_hoc, x.client));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecideById);

// {"<ref>": {"<field>": {"<supplier>": value}}}: 20 x 30 x 10.
std::string DossierText(const Covenant& c) {
  const Overlegvorm& o = *c.FindOverlegvorm("focusoverleg");
  std::vector<const Field*> fields;
  for (const Field& f : c.fields()) {
    if (c.compiled(o.index).field_offset[static_cast<std::size_t>(f.index)] >= 0 &&
        fields.size() < 30) {
      fields.push_back(&f);
    }
  }
  for (const Field& f : c.fields()) {  // top up to 30 when the overlegvorm has fewer
    if (fields.size() >= 30) break;
    if (std::find(fields.begin(), fields.end(), &f) == fields.end()) fields.push_back(&f);
  }
  const char* suppliers[] = {"politie",
                             "om",
                             "reclassering",
                             "dji",
                             "ggz",
                             "verslavingszorg",
                             "jeugdbescherming",
                             "veilig-thuis",
                             "gemeente-leiden",
                             "veiligheidshuis-hm"};
  std::mt19937 rng(7);
  Json doc = Json::object();
  for (int s = 0; s < 20; ++s) {
    Json& subject = doc["subject-" + std::to_string(s)];
    for (const Field* f : fields) {
      Json& by = subject[f->id];
      for (const char* sup : suppliers) {
        Json v;
        switch (f->type) {
          case FieldType::kString:
            v = "Waarde " + std::to_string(rng() % 1000);
            break;
          case FieldType::kText:
            v = "Toelichting van de partner over dit leefgebied, met enige context; kenmerk " +
                std::to_string(rng() % 100000);
            break;
          case FieldType::kBoolean:
            v = rng() % 2 == 0;
            break;
          case FieldType::kInteger:
            v = static_cast<int>(rng() % 50);
            break;
          case FieldType::kDate:
            v = "19" + std::to_string(60 + rng() % 40) + "-0" + std::to_string(1 + rng() % 9) +
                "-1" + std::to_string(rng() % 9);
            break;
          case FieldType::kEnum:
            v = f->values[rng() % f->values.size()];
            break;
          case FieldType::kAddress:
            v = {{"straat", "Breestraat"},
                 {"huisnummer", std::to_string(1 + rng() % 200)},
                 {"postcode", "2311AB"},
                 {"woonplaats", "Leiden"},
                 {"gemeente", "Leiden"}};
            break;
        }
        by[sup] = std::move(v);
      }
    }
  }
  return DumpJson(doc);
}

MeetingContext FocusMeeting() {
  MeetingContext m;
  m.overlegvorm = "focusoverleg";
  m.starts_on = Date{2026, 11, 23};
  return m;
}

void BM_DossierFloor(benchmark::State& state) {
  const std::string text = DossierText(*Example());
  for (auto _ : state) {
    auto j = ParseJson(text);
    std::string out = DumpJson(*j);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_DossierFloor)->Unit(benchmark::kMicrosecond);

void BM_DossierFilter(benchmark::State& state) {
  auto c = Example();
  const std::string text = DossierText(*c);
  const MeetingContext m = FocusMeeting();
  std::size_t shown = 0, withheld = 0;
  for (auto _ : state) {
    auto j = ParseJson(text);
    auto answers = AnswersFromJson(std::move(*j));
    FilterOptions text_only;
    text_only.json = false;
    text_only.text = true;
    auto view = FilterDossier(*c, m, "politie", *answers, text_only);
    std::string out = std::move(view->subjects_text);
    shown = view->shown;
    withheld = view->withheld;
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["shown"] = static_cast<double>(shown);
  state.counters["withheld"] = static_cast<double>(withheld);
}
BENCHMARK(BM_DossierFilter)->Unit(benchmark::kMicrosecond);

void BM_DossierFilterResidentsOnly(benchmark::State& state) {
  auto c = ResidentsOnlyExample();
  const std::string text = DossierText(*c);
  const MeetingContext m = FocusMeeting();
  std::size_t shown = 0, disclosures = 0;
  for (auto _ : state) {
    auto j = ParseJson(text);
    auto answers = AnswersFromJson(std::move(*j));
    for (std::size_t i = 0; i < answers->size(); ++i) {
      (*answers)[i].municipality = i % 2 == 0 ? "Leiden" : "Gouda";
    }
    FilterOptions text_only;
    text_only.json = false;
    text_only.text = true;
    auto view = FilterDossier(*c, m, "gemeente-leiden", *answers, text_only);
    std::string out = std::move(view->subjects_text);
    shown = view->shown;
    disclosures = view->disclosures.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["shown"] = static_cast<double>(shown);
  state.counters["disclosures"] = static_cast<double>(disclosures);
}
BENCHMARK(BM_DossierFilterResidentsOnly)->Unit(benchmark::kMicrosecond);

// The same through the DOM (FilterOptions::json) and DumpJson.
void BM_DossierFilterDom(benchmark::State& state) {
  auto c = Example();
  const std::string text = DossierText(*c);
  const MeetingContext m = FocusMeeting();
  for (auto _ : state) {
    auto j = ParseJson(text);
    auto answers = AnswersFromJson(std::move(*j));
    auto view = FilterDossier(*c, m, "politie", *answers);
    std::string out = DumpJson(view->subjects);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_DossierFilterDom)->Unit(benchmark::kMicrosecond);

// Filter alone (no parse/serialise), to show where the time goes.
void BM_DossierFilterOnly(benchmark::State& state) {
  auto c = Example();
  auto answers = AnswersFromJson(std::move(ParseJson(DossierText(*c))).value());
  const MeetingContext m = FocusMeeting();
  for (auto _ : state) {
    auto view = FilterDossier(*c, m, "politie", *answers);
    benchmark::DoNotOptimize(view);
  }
}
BENCHMARK(BM_DossierFilterOnly)->Unit(benchmark::kMicrosecond);

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Iteration) {
        ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
        cpu_[r.benchmark_name()] = r.GetAdjustedCPUTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double Get(const std::string& name, bool cpu = false) const {
    const auto& m = cpu ? cpu_ : ns_;
    auto it = m.find(name);
    return it == m.end() ? 0 : it->second;
  }

 private:
  std::map<std::string, double> ns_, cpu_;  // in each run's display unit
};

}  // namespace
}  // namespace vh::policy

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  vh::policy::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  double floor = reporter.Get("BM_DossierFloor");
  double filter = reporter.Get("BM_DossierFilter");
  double decide = reporter.Get("BM_Decide");
  double decide_cpu = reporter.Get("BM_Decide", true);
  if (decide > 0) {
    std::printf(
        "decision: %.1f ns wall, %.1f ns CPU (%.1f million decisions/s CPU; target < "
        "100 ns)\n",
        decide, decide_cpu, 1e3 / decide_cpu);
  }
  if (floor > 0 && filter > 0) {
    double floor_cpu = reporter.Get("BM_DossierFloor", true);
    double filter_cpu = reporter.Get("BM_DossierFilter", true);
    std::printf(
        "dossier 20x30x10: filter %.0f us, floor (parse+serialise) %.0f us wall, ratio "
        "%.2f; CPU %.0f / %.0f us, ratio %.2f (target <= 1.5)\n",
        filter, floor, filter / floor, filter_cpu, floor_cpu, filter_cpu / floor_cpu);
  }
  benchmark::Shutdown();
  return 0;
}
