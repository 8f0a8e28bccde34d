// Property tests over randomly generated covenants and requests:
//  - Decide() equals a direct, rule-walking reading of the contract;
//  - a value never reaches a recipient without a matching rule;
//  - no transform reveals more than the rule declares;
//  - a non-participant sees nothing.

#include <gtest/gtest.h>

#include <random>

#include "policy/filter.h"
#include "policy/loader.h"

namespace vh::policy {
namespace {

const char* kChains[] = {"straf", "zorg", "bestuur", "overig"};
const char* kTypes[] = {"string", "text", "boolean", "integer", "date", "enum", "address"};

struct Gen {
  std::mt19937 rng;
  explicit Gen(uint32_t seed) : rng(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool Coin(int percent = 50) { return Int(1, 100) <= percent; }
};

Json RandomCovenant(Gen& g) {
  Json c;
  c["convenant"] = {{"id", "p"}, {"version", "1"}, {"title", "P"}, {"valid_from", "2020-01-01"}};
  c["house"] = "huis";
  const int np = g.Int(2, 9);
  Json partners = Json::array();
  std::vector<bool> signatory;
  for (int i = 0; i < np; ++i) {
    bool s = g.Coin(75);
    signatory.push_back(s);
    partners.push_back({{"id", "p" + std::to_string(i)},
                        {"name", "P"},
                        {"chain", kChains[g.Int(0, 3)]},
                        {"signatory", s}});
  }
  c["partners"] = partners;
  const int nf = g.Int(1, 8);
  Json fields = Json::array();
  std::vector<std::string> types;
  for (int i = 0; i < nf; ++i) {
    std::string t = kTypes[g.Int(0, 6)];
    types.push_back(t);
    Json f = {{"id", "f" + std::to_string(i)}, {"label", "F"}, {"type", t}, {"category", "gewoon"}};
    if (t == "enum") f["values"] = {"a", "b"};
    fields.push_back(f);
  }
  c["fields"] = fields;
  Json ovs = Json::array();
  const int no = g.Int(1, 3);
  for (int o = 0; o < no; ++o) {
    bool restricted = g.Coin(25);
    bool ad_hoc = !restricted && g.Coin(60);
    Json members = Json::array();
    for (int i = 0; i < np; ++i) {
      if (signatory[static_cast<std::size_t>(i)] && g.Coin(50))
        members.push_back("p" + std::to_string(i));
    }
    if (members.empty()) {
      // at least one signatory member, or a fresh signatory partner
      for (int i = 0; i < np && members.empty(); ++i) {
        if (signatory[static_cast<std::size_t>(i)]) members.push_back("p" + std::to_string(i));
      }
      if (members.empty()) {
        c["partners"][0]["signatory"] = true;
        signatory[0] = true;
        members.push_back("p0");
      }
    }
    Json rules = Json::array();
    const int nr = g.Int(0, 10);
    for (int r = 0; r < nr; ++r) {
      int f = g.Int(0, nf - 1);
      const std::string& t = types[static_cast<std::size_t>(f)];
      std::vector<std::string> as = {"full", "presence"};
      if (t == "date") as = {"full", "presence", "year", "age"};
      if (t == "address") as = {"full", "presence", "municipality"};
      auto party = [&](bool to) -> std::string {
        for (;;) {
          int k = g.Int(0, 5);
          if (k == 0) {
            int p = g.Int(0, np - 1);
            if (to && !signatory[static_cast<std::size_t>(p)]) continue;
            return "p" + std::to_string(p);
          }
          if (k == 1) return "@members";
          if (k == 2) {
            if (!ad_hoc) continue;
            return "@ad_hoc";
          }
          if (k == 3) return "@participants";
          if (k == 4) return std::string("@chain:") + kChains[g.Int(0, 3)];
          return "@house";
        }
      };
      auto side = [&](bool to) {
        Json arr = Json::array();
        std::set<std::string> seen;
        int n = g.Int(1, 3);
        for (int i = 0; i < n; ++i) {
          std::string p = party(to);
          if (seen.insert(p).second) arr.push_back(p);
        }
        return arr;
      };
      rules.push_back(
          {{"id", "r" + std::to_string(r)},
           {"field", "f" + std::to_string(f)},
           {"from", side(false)},
           {"to", side(true)},
           {"as", as[static_cast<std::size_t>(g.Int(0, static_cast<int>(as.size()) - 1))]},
           {"client", g.Coin(50)}});
    }
    ovs.push_back({{"id", "o" + std::to_string(o)},
                   {"name", "O"},
                   {"purpose", "x"},
                   {"members", members},
                   {"ad_hoc", ad_hoc},
                   {"restricted", restricted},
                   {"retention_days", 30},
                   {"rules", rules}});
  }
  c["overlegvormen"] = ovs;
  return c;
}

// The contract read directly, rule by rule.
struct Who {
  int principal;
  bool ad_hoc;
};
bool Names(const Covenant& c, const Overlegvorm& o, const Party& q, Who w, bool recipient) {
  const bool house = w.principal == c.house_index();
  const Partner* p = house ? nullptr : &c.partners()[static_cast<std::size_t>(w.principal)];
  const bool member = p && o.IsMember(p->index);
  const bool ad_hoc = p && !member && w.ad_hoc && o.ad_hoc && !o.restricted;
  if (recipient && !house && !member && !ad_hoc) return false;  // takes no part
  if (recipient && p && !p->signatory && q.kind != Party::Kind::kAdHoc) return false;
  switch (q.kind) {
    case Party::Kind::kPartner:
      return p && q.partner == p->index;
    case Party::Kind::kMembers:
      return member;
    case Party::Kind::kAdHoc:
      return ad_hoc;
    case Party::Kind::kParticipants:
      return member || ad_hoc;
    case Party::Kind::kChain:
      return p && p->chain == q.chain;
    case Party::Kind::kHouse:
      return house;
  }
  return false;
}

const Rule* Reference(const Covenant& c, const Overlegvorm& o, const Field& f, Who s, Who r,
                      bool client) {
  const Rule* best = nullptr;
  for (const Rule& rule : o.rules) {
    if (rule.field != &f) continue;
    if (client && !rule.client) continue;
    bool from = false, to = false;
    for (const Party& q : rule.from) from = from || Names(c, o, q, s, false);
    for (const Party& q : rule.to) to = to || Names(c, o, q, r, true);
    if (!from || !to) continue;
    if (!best || RevealRank(rule.as) < RevealRank(best->as)) best = &rule;
  }
  return best;
}

Json RandomValue(Gen& g, const Field& f) {
  if (g.Coin(10)) return nullptr;
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kText:
      return "v" + std::to_string(g.Int(0, 99));
    case FieldType::kBoolean:
      return g.Coin();
    case FieldType::kInteger:
      return g.Int(-5, 500);
    case FieldType::kDate:
      return std::to_string(g.Int(1950, 2020)) + "-0" + std::to_string(g.Int(1, 9)) + "-1" +
             std::to_string(g.Int(0, 9));
    case FieldType::kEnum:
      return f.values[0];
    case FieldType::kAddress:
      return Json{{"straat", "s"}, {"gemeente", "g" + std::to_string(g.Int(0, 9))}};
  }
  return nullptr;
}

TEST(PolicyPropertyTest, DecisionsMatchTheContractAndNothingLeaks) {
  int covenants = 0, decisions = 0, shown = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    Gen g(seed);
    Json j = RandomCovenant(g);
    std::vector<std::string> problems;
    auto loaded = LoadCovenantText(j.dump(), "random.json", &problems);
    ASSERT_TRUE(loaded.ok()) << "seed " << seed << ": " << loaded.status().message() << "\n"
                             << j.dump(1);
    const Covenant& c = **loaded;
    ++covenants;
    // 1. Every decision equals the reference.
    for (const Overlegvorm& o : c.overlegvormen()) {
      for (const Field& f : c.fields()) {
        for (int s = 0; s < c.principal_count(); ++s) {
          for (int r = 0; r < c.principal_count(); ++r) {
            for (int bits = 0; bits < 8; ++bits) {
              Who sw{s, (bits & 1) != 0}, rw{r, (bits & 2) != 0};
              bool client = (bits & 4) != 0;
              const Rule* want = Reference(c, o, f, sw, rw, client);
              Decision d = Decide(c, Flow{o.index, f.index, s, r, sw.ad_hoc, rw.ad_hoc, client});
              ++decisions;
              ASSERT_EQ(d.allowed, want != nullptr)
                  << "seed " << seed << " " << o.id << " " << f.id << " " << s << "->" << r
                  << " bits " << bits << " reason " << DenyReasonCode(d.reason);
              if (want) {
                EXPECT_EQ(d.as, want->as);
                EXPECT_EQ(RevealRank(d.rule->as), RevealRank(want->as));
                EXPECT_EQ(d.rule->field, &f);
              }
            }
          }
        }
      }
    }
    // 2. Random meetings and answers through the filter.
    for (int trial = 0; trial < 5; ++trial) {
      const Overlegvorm& o = c.overlegvormen()[static_cast<std::size_t>(
          g.Int(0, static_cast<int>(c.overlegvormen().size()) - 1))];
      MeetingContext m;
      m.overlegvorm = o.id;
      m.client_present = g.Coin();
      m.starts_on = Date{2026, g.Int(1, 12), g.Int(1, 28)};
      for (const Partner& p : c.partners()) {
        if (!o.IsMember(p.index) && g.Coin(40)) {
          m.ad_hoc.push_back(p.id);
          if (g.Coin(70)) m.declarations_signed.push_back(p.id);
        }
      }
      std::vector<SubjectAnswers> answers(2);
      for (auto& subj : answers) {
        subj.ref = "s";
        for (const Field& f : c.fields()) {
          FieldAnswers fa{f.id, {}};
          for (int s = 0; s < c.principal_count(); ++s) {
            if (g.Coin(40)) fa.values.push_back({std::string(c.PrincipalId(s)), RandomValue(g, f)});
          }
          subj.fields.push_back(std::move(fa));
        }
      }
      for (int r = 0; r < c.principal_count(); ++r) {
        const std::string caller(c.PrincipalId(r));
        auto view = FilterDossier(c, m, caller, answers);
        ASSERT_TRUE(view.ok());
        const bool house = r == c.house_index();
        const bool member = !house && o.IsMember(r);
        const bool invited = std::find(m.ad_hoc.begin(), m.ad_hoc.end(), caller) != m.ad_hoc.end();
        const bool signed_ = std::find(m.declarations_signed.begin(), m.declarations_signed.end(),
                                       caller) != m.declarations_signed.end();
        const bool takes_part = house || member || (invited && signed_ && o.AdmitsAdHoc());
        if (!takes_part) {
          EXPECT_EQ(view->shown, 0u) << "a non-participant saw something";
        }
        std::size_t k = 0;
        for (const SubjectAnswers& subj : answers) {
          for (const FieldAnswers& fa : subj.fields) {
            const Field& f = *c.FindField(fa.field);
            for (const SuppliedValue& sv : fa.values) {
              const Disclosure& d = view->disclosures[k++];
              if (!d.decision.allowed) continue;
              ++shown;
              int s = c.PrincipalIndex(sv.supplier);
              bool s_ad_hoc =
                  std::find(m.ad_hoc.begin(), m.ad_hoc.end(), sv.supplier) != m.ad_hoc.end();
              const Rule* want = Reference(c, o, f, Who{s, s_ad_hoc}, Who{r, invited && !member},
                                           m.client_present);
              ASSERT_NE(want, nullptr) << "a value reached a recipient without a matching rule";
              ASSERT_TRUE(takes_part);
              // The shown value is no more revealing than the rule.
              Json expect;
              ASSERT_TRUE(ApplyTransform(f, d.decision.as, sv.value, m.starts_on, &expect));
              EXPECT_EQ(d.decision.as, want->as);
              if (d.decision.as == Transform::kPresence) {
                EXPECT_TRUE(expect.is_boolean());
              }
              if (d.decision.as == Transform::kYear || d.decision.as == Transform::kAge) {
                EXPECT_TRUE(expect.is_number_integer() || expect.is_null());
              }
            }
          }
        }
        // The JSON view holds exactly the allowed entries, each with its rule's transform.
        std::size_t entries = 0;
        for (const Json& subj : view->subjects) {
          for (auto& [field, list] : subj["fields"].items()) {
            for (const Json& e : list) {
              ++entries;
              const Rule* rule = nullptr;
              for (const Rule& x : o.rules) {
                if (x.id == e["rule"]) rule = &x;
              }
              ASSERT_NE(rule, nullptr);
              EXPECT_EQ(rule->field->id, field);
              EXPECT_EQ(e["as"], TransformName(rule->as));
              if (rule->as != Transform::kFull && !e["value"].is_null()) {
                EXPECT_FALSE(e["value"].is_object()) << "an address leaked through a transform";
              }
            }
          }
        }
        EXPECT_EQ(entries, view->shown);
      }
    }
  }
  EXPECT_EQ(covenants, 300);
  EXPECT_GT(decisions, 100000);
  EXPECT_GT(shown, 100);
}

}  // namespace
}  // namespace vh::policy
