// Property tests over randomly generated covenants and requests:
//  - Decide() equals a direct, rule-walking reading of the contract, for
//    residents and non-residents alike;
//  - a value never reaches a recipient without a matching rule;
//  - no transform reveals more than the rule declares;
//  - a non-participant sees nothing;
//  - a non-signatory receives only as an ad hoc invitee (@ad_hoc or
//    @participants), never as a member, by name or through @chain;
//  - a residents-only partner never sees, and is never asked about, a subject
//    that is not its resident (unknown municipality included);
//  - the circle admits exactly the configured certificates.

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <set>

#include "policy/engine.h"
#include "policy/filter.h"
#include "policy/loader.h"

namespace vh::policy {
namespace {

const char* kChains[] = {"straf", "zorg", "bestuur", "overig"};
const char* kTypes[] = {"string", "text", "boolean", "integer", "date", "enum", "address"};
// Partners' municipalities, and subjects' (spelled differently, unknown, blank).
const char* kMunicipalities[] = {"Leiden", "Gouda", "Alphen aan den Rijn"};
const char* kSubjectMunicipalities[] = {"Leiden",
                                        " leiden ",
                                        "GOUDA",
                                        "Alphen aan den Rijn",
                                        "",
                                        "   ",
                                        "Katwijk",
                                        "alphen aan den rijn\t",
                                        "Leiden-Noord"};

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
  std::vector<bool> signatory, has_municipality;
  std::vector<int> chain;
  for (int i = 0; i < np; ++i) {
    bool s = g.Coin(75);
    signatory.push_back(s);
    chain.push_back(g.Int(0, 3));
    Json p = {{"id", "p" + std::to_string(i)},
              {"name", "P"},
              {"chain", kChains[chain.back()]},
              {"signatory", s}};
    has_municipality.push_back(g.Coin(60));
    if (has_municipality.back()) p["municipality"] = kMunicipalities[g.Int(0, 2)];
    partners.push_back(p);
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
    Json ov = {{"id", "o" + std::to_string(o)},
               {"name", "O"},
               {"purpose", "x"},
               {"members", members},
               {"ad_hoc", ad_hoc},
               {"restricted", restricted},
               {"retention_days", 30},
               {"rules", rules}};
    // residents_only: named partners with a municipality, and groups whose
    // members all have one (the loader refuses the others).
    auto members_have = [&](int chain_or_all) {
      for (const Json& m : members) {
        const int i = std::stoi(m.get<std::string>().substr(1));
        if ((chain_or_all < 0 || chain[static_cast<std::size_t>(i)] == chain_or_all) &&
            !has_municipality[static_cast<std::size_t>(i)]) {
          return false;
        }
      }
      return true;
    };
    if (g.Coin(60)) {
      Json ro = Json::array();
      std::set<std::string> seen;
      for (int n = g.Int(1, 3); n > 0; --n) {
        std::string entry;
        switch (g.Int(0, 4)) {
          case 0: {
            int i = g.Int(0, np - 1);
            if (has_municipality[static_cast<std::size_t>(i)]) entry = "p" + std::to_string(i);
            break;
          }
          case 1:
            if (members_have(-1)) entry = "@members";
            break;
          case 2:
            if (ad_hoc) entry = "@ad_hoc";
            break;
          case 3:
            if (members_have(-1)) entry = "@participants";
            break;
          default: {
            int k = g.Int(0, 3);
            if (members_have(k)) entry = std::string("@chain:") + kChains[k];
          }
        }
        if (!entry.empty() && seen.insert(entry).second) ro.push_back(entry);
      }
      ov["residents_only"] = ro;
    }
    // A circle: always when restricted, sometimes otherwise.
    if (restricted || g.Coin(30)) {
      Json circle = Json::array();
      std::set<std::string> seen;
      for (int n = g.Int(1, 4); n > 0; --n) {
        std::string partner =
            g.Coin(30)
                ? "huis"
                : members[static_cast<std::size_t>(g.Int(0, static_cast<int>(members.size()) - 1))]
                      .get<std::string>();
        std::string cn = "CN " + std::to_string(g.Int(0, 5));
        if (seen.insert(partner + "/" + cn).second) {
          circle.push_back({{"partner", partner}, {"cn", cn}});
        }
      }
      ov["circle"] = circle;
    }
    ovs.push_back(ov);
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
  // A non-signatory receives only as an ad hoc invitee: @ad_hoc or @participants.
  if (recipient && p && !p->signatory && q.kind != Party::Kind::kAdHoc &&
      q.kind != Party::Kind::kParticipants) {
    return false;
  }
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

// Whether O's residents_only names `w`, read from the parsed entries.
bool ResidentsOnlyRef(const Covenant& c, const Overlegvorm& o, Who w) {
  if (w.principal == c.house_index()) return false;
  const Partner& p = c.partners()[static_cast<std::size_t>(w.principal)];
  const bool member = o.IsMember(p.index);
  const bool ad_hoc = !member && w.ad_hoc && o.ad_hoc && !o.restricted;
  for (const Party& q : o.residents_only) {
    switch (q.kind) {
      case Party::Kind::kPartner:
        if (q.partner == p.index) return true;
        break;
      case Party::Kind::kMembers:
        if (member) return true;
        break;
      case Party::Kind::kAdHoc:
        if (ad_hoc) return true;
        break;
      case Party::Kind::kParticipants:
        if (member || ad_hoc) return true;
        break;
      case Party::Kind::kChain:
        if (p.chain == q.chain) return true;
        break;
      case Party::Kind::kHouse:
        break;
    }
  }
  return false;
}

// Residence read directly: trimmed, ASCII case-insensitive, never for "".
bool ResidentRef(const Covenant& c, int principal, const std::string& municipality) {
  if (principal == c.house_index()) return false;
  auto norm = [](std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    s = s.substr(i);
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  const std::string mine = norm(c.partners()[static_cast<std::size_t>(principal)].municipality);
  return !mine.empty() && mine == norm(municipality);
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
  int covenants = 0, decisions = 0, shown = 0, non_signatory_allowed = 0, hidden_subjects = 0;
  int circles = 0, asked = 0, not_asked = 0;
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
            for (int bits = 0; bits < 16; ++bits) {
              Who sw{s, (bits & 1) != 0}, rw{r, (bits & 2) != 0};
              bool client = (bits & 4) != 0;
              bool resident = (bits & 8) != 0;
              const Rule* want = Reference(c, o, f, sw, rw, client);
              const bool exists = resident || !ResidentsOnlyRef(c, o, rw);
              Decision d =
                  Decide(c, Flow{o.index, f.index, s, r, sw.ad_hoc, rw.ad_hoc, client, resident});
              ++decisions;
              ASSERT_EQ(d.allowed, want != nullptr && exists)
                  << "seed " << seed << " " << o.id << " " << f.id << " " << s << "->" << r
                  << " bits " << bits << " reason " << DenyReasonCode(d.reason);
              // Residence is decided before the rules (after "no rule names
              // the field").
              if (!exists && d.reason != DenyReason::kNoRuleForField) {
                EXPECT_EQ(d.reason, DenyReason::kNotResident);
              }
              ASSERT_EQ(ResidentsOnly(c, o, r, rw.ad_hoc), ResidentsOnlyRef(c, o, rw));
              if (want && exists) {
                EXPECT_EQ(d.as, want->as);
                EXPECT_EQ(RevealRank(d.rule->as), RevealRank(want->as));
                EXPECT_EQ(d.rule->field, &f);
              }
              // A non-signatory receives only as an ad hoc invitee, through
              // @ad_hoc or @participants.
              if (d.allowed && r != c.house_index() &&
                  !c.partners()[static_cast<std::size_t>(r)].signatory) {
                ++non_signatory_allowed;
                EXPECT_TRUE(rw.ad_hoc && o.AdmitsAdHoc() && !o.IsMember(r));
                bool via_group = false;
                for (const Party& q : d.rule->to) {
                  via_group = via_group || q.kind == Party::Kind::kAdHoc ||
                              q.kind == Party::Kind::kParticipants;
                }
                EXPECT_TRUE(via_group) << "rule " << d.rule->id;
              }
            }
          }
        }
      }
    }
    // 2. Who is asked about whom, and the circle, against the file.
    for (const Overlegvorm& o : c.overlegvormen()) {
      for (int s = 0; s < c.principal_count(); ++s) {
        for (int ah = 0; ah < 2; ++ah) {
          const std::string id(c.PrincipalId(s));
          const bool supplies = !SuppliableFields(c, o, id, ah == 1).empty();
          for (const char* m : kSubjectMunicipalities) {
            const bool want =
                supplies && (!ResidentsOnlyRef(c, o, Who{s, ah == 1}) || ResidentRef(c, s, m));
            ASSERT_EQ(AskAbout(c, o, id, ah == 1, m), want)
                << "seed " << seed << " " << o.id << " " << id << " ad hoc " << ah << " '" << m
                << "'";
            ++(want ? asked : not_asked);
          }
        }
      }
      std::vector<std::string> invitees;
      for (const Partner& p : c.partners()) {
        if (!o.IsMember(p.index) && g.Coin(50)) invitees.push_back(p.id);
      }
      for (const char* m : kSubjectMunicipalities) {
        std::vector<const Partner*> want;
        for (const Partner* p : RequestSuppliers(c, o, invitees)) {
          const bool invited = std::find(invitees.begin(), invitees.end(), p->id) != invitees.end();
          if (AskAbout(c, o, p->id, invited, m)) want.push_back(p);
        }
        EXPECT_EQ(RequestSuppliersAbout(c, o, invitees, m), want);
      }
      const Json& file = j["overlegvormen"][static_cast<std::size_t>(o.index)];
      const Json circle = file.value("circle", Json::array());
      EXPECT_EQ(o.circle.empty(), circle.empty());
      if (!circle.empty()) ++circles;
      for (int p = 0; p < c.principal_count(); ++p) {
        for (int n = 0; n < 7; ++n) {
          const std::string partner(c.PrincipalId(p)), cn = "CN " + std::to_string(n);
          bool listed = false;
          for (const Json& e : circle)
            listed = listed || (e["partner"] == partner && e["cn"] == cn);
          ASSERT_EQ(InCircle(o, partner, cn), circle.empty() || listed)
              << "seed " << seed << " " << o.id << " " << partner << " " << cn;
        }
      }
      EXPECT_EQ(InCircle(o, "nobody", "CN 0"), circle.empty());
    }
    // 3. Random meetings and answers through the filter.
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
      std::vector<SubjectAnswers> answers(3);
      for (std::size_t i = 0; i < answers.size(); ++i) {
        SubjectAnswers& subj = answers[i];
        subj.ref = "s" + std::to_string(i);
        subj.municipality = kSubjectMunicipalities[g.Int(0, 8)];
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
        // Residents only: a subject that is not the caller's resident does not
        // exist for it: no entry, no disclosure.
        // (Whichever way the caller takes part or would: a residents-only
        // ad hoc partner sees no non-resident's ref even before it is invited.)
        const bool caller_ro =
            ResidentsOnlyRef(c, o, Who{r, false}) || ResidentsOnlyRef(c, o, Who{r, true});
        std::vector<const SubjectAnswers*> present;
        for (const SubjectAnswers& subj : answers) {
          if (caller_ro && !ResidentRef(c, r, subj.municipality)) {
            ++hidden_subjects;
            for (const Disclosure& d : view->disclosures) {
              ASSERT_NE(d.subject, subj.ref) << "a disclosure about a non-resident";
            }
            for (const Json& vs : view->subjects) {
              ASSERT_NE(vs["ref"], subj.ref) << "a non-resident in the view";
            }
          } else {
            present.push_back(&subj);
          }
        }
        ASSERT_EQ(view->subjects.size(), present.size());
        std::size_t k = 0;
        for (const SubjectAnswers* subj_ptr : present) {
          const SubjectAnswers& subj = *subj_ptr;
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
  // The generator reaches every case it is meant to.
  EXPECT_GT(non_signatory_allowed, 100);
  EXPECT_GT(hidden_subjects, 100);
  EXPECT_GT(circles, 50);
  EXPECT_GT(asked, 100);
  EXPECT_GT(not_asked, 100);
}

}  // namespace
}  // namespace vh::policy
