#include "policy/diff.h"

#include <algorithm>
#include <sstream>
#include <tuple>

#include "policy/engine.h"

namespace vh::policy {
namespace {

std::string Describe(const Decision& d) {
  return std::string(TransformName(d.as)) + " (rule " + std::string(d.rule_id()) + ")";
}

// Changes outside the decision tables that widen or narrow access: a partner's
// municipality (what "resident" means for it), the circles, and `check`.
// Returns the number of widening lines; `narrowing` counts the others.
int DiffAroundTheTables(const Covenant& a, const Covenant& b, std::ostream& out, int* narrowing) {
  int more = 0;
  for (const Partner& pb : b.partners()) {
    const Partner* pa = a.FindPartner(pb.id);
    if (!pa) continue;
    bool residents_only = false;
    for (const Overlegvorm& o : b.overlegvormen()) {
      residents_only = residents_only || ResidentsOnly(b, o, pb.index, false) ||
                       ResidentsOnly(b, o, pb.index, true);
    }
    if (residents_only && pa->municipality != pb.municipality &&
        !SameMunicipality(pa->municipality, pb.municipality)) {
      out << "more revealing: " << pb.id << ": municipality '" << pa->municipality << "' -> '"
          << pb.municipality << "': where it sees residents only, it now sees those of '"
          << pb.municipality << "'\n";
      ++more;
    }
    for (auto [key, had, has] :
         {std::tuple{"check", pa->check, pb.check},
          std::tuple{"check_case_holder", pa->check_case_holder, pb.check_case_holder}}) {
      if (had == has) continue;
      out << (has ? "new: " : "withdrawn: ") << pb.id << ": " << key
          << (std::string_view(key) == "check" ? " (GET /v1/check: is a person known)"
                                               : " (the check answer names the case holder)")
          << "\n";
      ++(has ? more : *narrowing);
    }
  }
  for (const Overlegvorm& ob : b.overlegvormen()) {
    const Overlegvorm* oa = a.FindOverlegvorm(ob.id);
    if (!oa) continue;  // its flows are listed as new
    if (oa->circle.empty() != ob.circle.empty()) {
      if (ob.circle.empty()) {
        out << "new: " << ob.id
            << ": circle removed: every certificate of a participant takes "
               "part\n";
        ++more;
      } else {
        out << "withdrawn: " << ob.id << ": circle added: only its " << ob.circle.size()
            << " certificates take part\n";
        ++*narrowing;
      }
      continue;
    }
    for (const CircleMember& m : ob.circle) {
      if (oa->CircleContains(m.partner, m.cn)) continue;
      out << "new: " << ob.id << ": circle: " << m.partner << " CN '" << m.cn << "'\n";
      ++more;
    }
    for (const CircleMember& m : oa->circle) {
      if (ob.CircleContains(m.partner, m.cn)) continue;
      out << "withdrawn: " << ob.id << ": circle: " << m.partner << " CN '" << m.cn << "'\n";
      ++*narrowing;
    }
  }
  return more;
}

}  // namespace

CovenantDiff DiffCovenants(const Covenant& old_covenant, const Covenant& new_covenant) {
  const Covenant* a = &old_covenant;
  const Covenant* b = &new_covenant;
  std::ostringstream out;
  // The union of ids, in a stable order: OLD's order, then what NEW adds.
  auto ids = [](auto&& get_old, auto&& get_new) {
    std::vector<std::string> v = get_old();
    for (const std::string& s : get_new()) {
      if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
    }
    return v;
  };
  auto ovs = [](const Covenant& c) {
    std::vector<std::string> v;
    for (const auto& o : c.overlegvormen()) v.push_back(o.id);
    return v;
  };
  auto flds = [](const Covenant& c) {
    std::vector<std::string> v;
    for (const auto& f : c.fields()) v.push_back(f.id);
    return v;
  };
  auto principals = [](const Covenant& c) {
    std::vector<std::string> v;
    for (const auto& p : c.partners()) v.push_back(p.id);
    v.push_back(c.house());
    return v;
  };
  const auto o_ids = ids([&] { return ovs(*a); }, [&] { return ovs(*b); });
  const auto f_ids = ids([&] { return flds(*a); }, [&] { return flds(*b); });
  const auto p_ids = ids([&] { return principals(*a); }, [&] { return principals(*b); });
  // Principal indices on each side, once (-1 where a side lacks it).
  std::vector<int> pa(p_ids.size()), pb(p_ids.size());
  for (std::size_t i = 0; i < p_ids.size(); ++i) {
    pa[i] = a->PrincipalIndex(p_ids[i]);
    pb[i] = b->PrincipalIndex(p_ids[i]);
  }

  int less = 0;
  int more = DiffAroundTheTables(*a, *b, out, &less);
  for (const std::string& o_id : o_ids) {
    const Overlegvorm* oa = a->FindOverlegvorm(o_id);
    const Overlegvorm* ob = b->FindOverlegvorm(o_id);
    for (const std::string& f_id : f_ids) {
      const Field* fa = a->FindField(f_id);
      const Field* fb = b->FindField(f_id);
      int ia = oa ? oa->index : -1, ib = ob ? ob->index : -1;
      int ja = fa ? fa->index : -1, jb = fb ? fb->index : -1;
      bool in_a =
          ia >= 0 && ja >= 0 && a->compiled(ia).field_offset[static_cast<std::size_t>(ja)] >= 0;
      bool in_b =
          ib >= 0 && jb >= 0 && b->compiled(ib).field_offset[static_cast<std::size_t>(jb)] >= 0;
      if (!in_a && !in_b) continue;
      // bits: 1 supplier ad hoc, 2 recipient ad hoc, 4 client present, 8 subject not resident.
      auto decide = [&](const Covenant& c, const std::vector<int>& idx, int o, int f, std::size_t s,
                        std::size_t r, int bits) {
        Decision none;
        if (o < 0 || f < 0 || idx[s] < 0 || idx[r] < 0) return none;
        return Decide(c, Flow{o, f, idx[s], idx[r], (bits & 1) != 0, (bits & 2) != 0,
                              (bits & 4) != 0, (bits & 8) == 0});
      };
      auto same = [](const Decision& x, const Decision& y) {
        return x.allowed == y.allowed && (!x.allowed || x.as == y.as);
      };
      for (std::size_t s = 0; s < p_ids.size(); ++s) {
        for (std::size_t r = 0; r < p_ids.size(); ++r) {
          Decision da[16], db[16];
          for (int bits = 0; bits < 16; ++bits) {
            da[bits] = decide(*a, pa, ia, ja, s, r, bits);
            db[bits] = decide(*b, pb, ib, jb, s, r, bits);
          }
          for (int bits = 0; bits < 16; ++bits) {
            if (same(da[bits], db[bits])) continue;
            // Report each variant only where it adds to the plainer form.
            bool plain = false;
            for (int bit : {1, 2, 4, 8}) {
              if ((bits & bit) && same(da[bits & ~bit], da[bits]) &&
                  same(db[bits & ~bit], db[bits])) {
                plain = true;
                break;
              }
            }
            if (plain) continue;
            const std::string flow =
                o_id + ": " + f_id + ": " + p_ids[s] + (bits & 1 ? " (ad hoc)" : "") + " -> " +
                p_ids[r] + (bits & 2 ? " (ad hoc)" : "") + (bits & 4 ? " [client present]" : "") +
                (bits & 8 ? " [subject not resident]" : "");
            const Decision& x = da[bits];
            const Decision& y = db[bits];
            if (!x.allowed) {
              out << "new: " << flow << ": " << Describe(y) << "\n";
              ++more;
            } else if (!y.allowed) {
              out << "withdrawn: " << flow << ": was " << Describe(x) << "\n";
              ++less;
            } else if (RevealRank(y.as) > RevealRank(x.as)) {
              out << "more revealing: " << flow << ": " << Describe(x) << " -> " << Describe(y)
                  << "\n";
              ++more;
            } else {
              out << "less revealing: " << flow << ": " << Describe(x) << " -> " << Describe(y)
                  << "\n";
              ++less;
            }
          }
        }
      }
    }
  }
  CovenantDiff diff;
  diff.lines = out.str();
  diff.widening = more;
  diff.narrowing = less;
  return diff;
}

}  // namespace vh::policy
