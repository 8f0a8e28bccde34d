#include "policy/cli.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "core/html.h"
#include "policy/covenant.h"
#include "policy/engine.h"
#include "policy/loader.h"

namespace vh::policy {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "usage: vhgate policy check F\n"
    "       vhgate policy explain F --overlegvorm O --field X --from S --to P [--ad-hoc]\n"
    "                             [--client-present] [--supplier-ad-hoc]\n"
    "                             [--resident | --not-resident]\n"
    "       vhgate policy matrix F --format md|html\n"
    "       vhgate policy diff OLD NEW\n";

int Usage(std::ostream& err, const std::string& problem) {
  err << "vhgate policy: " << problem << "\n" << kUsage;
  return kExitUsage;
}

// Loads F; on failure prints the problem lines and returns null.
std::shared_ptr<const Covenant> Load(const std::string& path, std::ostream& out,
                                     std::ostream& err) {
  std::vector<std::string> problems;
  auto loaded = LoadCovenantFile(path, &problems);
  if (loaded.ok()) return *loaded;
  for (const std::string& line : problems) out << line << "\n";
  err << path << ": " << problems.size() << " problem" << (problems.size() == 1 ? "" : "s") << "\n";
  return nullptr;
}

int Check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 2) return Usage(err, "check takes one file");
  auto c = Load(args[1], out, err);
  if (!c) return kExitFail;
  std::size_t rules = 0;
  for (const Overlegvorm& o : c->overlegvormen()) rules += o.rules.size();
  out << args[1] << ": valid: convenant " << c->id() << " " << c->version() << ", "
      << c->partners().size() << " partners, " << c->fields().size() << " fields, "
      << c->overlegvormen().size() << " overlegvormen, " << rules << " rules, sha256 "
      << c->sha256() << "\n";
  return kExitOk;
}

std::string PartyList(const std::vector<Party>& parties) {
  std::string s;
  for (const Party& p : parties) s += (s.empty() ? "" : ", ") + p.text;
  return "[" + s + "]";
}

// "gemeente-leiden sees only residents of Leiden in briefing".
std::string ResidentsOnlySentence(const Covenant& c, int principal, const Overlegvorm& o) {
  const std::string_view id = c.PrincipalId(principal);
  const Partner* p = c.FindPartner(id);
  const std::string where = p && !p->municipality.empty() ? "residents of " + p->municipality
                                                          : "no subject (no municipality)";
  return std::string(id) + " sees only " + where + " in " + o.id;
}

int Explain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() < 2) return Usage(err, "explain needs a file");
  std::map<std::string, std::string> opt;
  bool ad_hoc = false, client = false, supplier_ad_hoc = false;
  std::optional<bool> resident;
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--ad-hoc") {
      ad_hoc = true;
    } else if (a == "--client-present") {
      client = true;
    } else if (a == "--supplier-ad-hoc") {
      supplier_ad_hoc = true;
    } else if (a == "--resident" || a == "--not-resident") {
      if (resident.has_value()) {
        return Usage(err, "--resident and --not-resident exclude each other");
      }
      resident = a == "--resident";
    } else if ((a == "--overlegvorm" || a == "--field" || a == "--from" || a == "--to") &&
               i + 1 < args.size()) {
      opt[a.substr(2)] = args[++i];
    } else {
      return Usage(err, "unexpected argument '" + a + "'");
    }
  }
  for (const char* k : {"overlegvorm", "field", "from", "to"}) {
    if (!opt.count(k)) return Usage(err, std::string("explain needs --") + k);
  }
  auto c = Load(args[1], out, err);
  if (!c) return kExitFail;
  // A name that is not in the covenant is a mistake in the question, not a
  // decision: say which.
  const Overlegvorm* o = c->FindOverlegvorm(opt["overlegvorm"]);
  const Field* f = c->FindField(opt["field"]);
  const int from = c->PrincipalIndex(opt["from"]);
  const int to = c->PrincipalIndex(opt["to"]);
  auto unknown = [&](const char* what, const std::string& name) {
    err << "vhgate policy: explain: unknown " << what << " '" << name << "' (not in " << args[1]
        << ")\n";
    return kExitUsage;
  };
  if (!o) return unknown("overlegvorm", opt["overlegvorm"]);
  if (!f) return unknown("field", opt["field"]);
  if (from < 0) return unknown("supplier (--from)", opt["from"]);
  if (to < 0) return unknown("recipient (--to)", opt["to"]);
  const bool residents_only = ResidentsOnly(*c, *o, to, ad_hoc);
  Decision d = Decide(*c, opt["overlegvorm"], opt["field"], opt["from"], opt["to"], ad_hoc, client,
                      supplier_ad_hoc, resident.value_or(false));
  out << "flow: " << opt["overlegvorm"] << ": " << opt["field"] << ": " << opt["from"]
      << (supplier_ad_hoc ? " (ad hoc)" : "") << " -> " << opt["to"] << (ad_hoc ? " (ad hoc)" : "")
      << (client ? ", client present" : ", client absent")
      << (!resident.has_value() ? ""
          : *resident           ? ", subject resident"
                                : ", subject not resident")
      << "\n";
  if (d.allowed) {
    out << "decision: ALLOW as " << TransformName(d.as) << " by rule " << d.rule->id << "\n";
  } else if (d.reason == DenyReason::kNotResident) {
    out << "decision: DENY (not_resident): " << ResidentsOnlySentence(*c, to, *o) << "\n";
  } else {
    out << "decision: DENY (" << DenyReasonCode(d.reason) << "): " << DenyReasonText(d.reason)
        << "\n";
  }
  if (residents_only && !resident.has_value()) {
    out << "note: " << ResidentsOnlySentence(*c, to, *o)
        << "; without --resident the subject counts as not resident (an unknown municipality is "
           "nobody's)\n";
  }
  out << "overlegvorm: " << o->id << " (" << o->name << "), members: ";
  for (std::size_t i = 0; i < o->members.size(); ++i) {
    out << (i ? ", " : "") << o->members[i]->id;
  }
  out << "; ad hoc partners " << (o->AdmitsAdHoc() ? "admitted" : "not admitted")
      << (o->restricted ? "; restricted" : "") << "\n";
  if (!o->residents_only.empty()) {
    out << "residents only: " << PartyList(o->residents_only) << "\n";
  }
  if (!o->circle.empty()) {
    out << "circle: " << o->circle.size() << " certificates (the gateway admits only those)\n";
  }
  if (const Partner* p = c->FindPartner(opt["to"])) {
    out << "recipient: " << p->id << " (" << ChainName(p->chain) << ", "
        << (p->signatory ? "signatory" : "non-signatory") << ", "
        << (o->IsMember(p->index) ? "member" : "not a member")
        << (residents_only ? ", residents only" : "") << ")\n";
  } else {
    out << "recipient: the house\n";
  }
  if (ResidentsOnly(*c, *o, from, supplier_ad_hoc)) {
    out << "supplier: " << ResidentsOnlySentence(*c, from, *o)
        << ": it is asked only about its residents\n";
  }
  int n = 0;
  for (const Rule& r : o->rules) {
    if (r.field != f) continue;
    ++n;
    out << "rule " << r.id << ": from " << PartyList(r.from) << " to " << PartyList(r.to) << " as "
        << TransformName(r.as) << ", client " << (r.client ? "true" : "false");
    if (d.allowed && d.rule == &r) {
      out << "  <- wins (least revealing match)";
    }
    out << "\n";
  }
  if (n == 0) out << "no rule of " << o->id << " names " << f->id << " (default deny)\n";
  out << "covenant: " << c->id() << " " << c->version() << " sha256 " << c->sha256() << "\n";
  return kExitOk;
}

// --- matrix ---

std::string MdEscape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n')
      out += ' ';
    else
      out += ch;
  }
  return out;
}

struct Column {
  int principal;
  bool ad_hoc;
  std::string label;
};

// "full: om, politie; presence: ggz" plus a marker when hidden with the client present. When
// every member supplies the same way, they are shown as "alle leden".
std::string Cell(const Covenant& c, const Overlegvorm& o, const Field& f, const Column& col) {
  struct Supplier {
    int principal;
    bool ad_hoc;
    bool hidden_with_client;
  };
  std::map<int, std::vector<Supplier>> by_rank;  // most revealing printed first
  std::map<int, Transform> rank_transform;
  for (int s = 0; s < c.principal_count(); ++s) {
    bool member = s != c.house_index() && o.IsMember(s);
    for (int ah = 0; ah < 2; ++ah) {
      if (ah == 1 && (member || s == c.house_index())) continue;
      // Of a residents-only recipient, what it sees of its own residents
      // (the column says "alleen inwoners").
      Flow fl{o.index, f.index, s, col.principal, ah == 1, col.ad_hoc, false, true};
      Decision d = Decide(c, fl);
      if (!d.allowed) continue;
      if (ah == 1) {
        // Only list the ad hoc form when the plain form is denied.
        Flow plain = fl;
        plain.supplier_ad_hoc = false;
        if (Decide(c, plain).allowed) continue;
      }
      fl.client_present = true;
      const bool hidden = !Decide(c, fl).allowed;
      int rank = RevealRank(d.as) * 8 + static_cast<int>(d.as);
      by_rank[rank].push_back({s, ah == 1, hidden});
      rank_transform[rank] = d.as;
    }
  }
  std::string out;
  for (auto it = by_rank.rbegin(); it != by_rank.rend(); ++it) {
    const std::vector<Supplier>& list = it->second;
    // All members with the same client marker -> "alle leden".
    std::size_t members = 0, hidden_members = 0;
    for (const Supplier& x : list) {
      if (!x.ad_hoc && x.principal != c.house_index() && o.IsMember(x.principal)) {
        ++members;
        if (x.hidden_with_client) ++hidden_members;
      }
    }
    const bool collapse = o.members.size() > 2 && members == o.members.size() &&
                          (hidden_members == 0 || hidden_members == members);
    std::vector<std::string> names;
    if (collapse) names.push_back(std::string("alle leden") + (hidden_members ? "*" : ""));
    for (const Supplier& x : list) {
      const bool is_member = !x.ad_hoc && x.principal != c.house_index() && o.IsMember(x.principal);
      if (collapse && is_member) continue;
      std::string name =
          x.principal == c.house_index() ? "huis" : std::string(c.PrincipalId(x.principal));
      if (x.ad_hoc) name += " (ad hoc)";
      if (x.hidden_with_client) name += "*";
      names.push_back(std::move(name));
    }
    if (!out.empty()) out += "; ";
    out += std::string(TransformName(rank_transform[it->first])) + ": ";
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  }
  return out;
}

std::vector<Column> Columns(const Covenant& c, const Overlegvorm& o) {
  std::vector<Column> cols;
  for (const Partner* p : o.members) {
    cols.push_back({p->index, false,
                    p->id + (ResidentsOnly(c, o, p->index, false) ? " (alleen inwoners)" : "")});
  }
  cols.push_back({c.house_index(), false, "huis (" + c.house() + ")"});
  if (o.AdmitsAdHoc()) {
    for (const Partner& p : c.partners()) {
      if (o.IsMember(p.index)) continue;
      Column col{
          p.index, true,
          p.id + " (ad hoc" + (ResidentsOnly(c, o, p.index, true) ? ", alleen inwoners)" : ")")};
      bool any = false;
      for (const Rule& r : o.rules) {
        if (!Cell(c, o, *r.field, col).empty()) {
          any = true;
          break;
        }
      }
      if (any) cols.push_back(col);
    }
  }
  return cols;
}

// Residents only, the circle, urgency and the processing activity, in Dutch.
std::string MoreFacts(const Covenant& c, const Overlegvorm& o) {
  std::string out;
  if (!o.residents_only.empty()) {
    std::string who;
    for (const Partner& p : c.partners()) {
      if (!ResidentsOnly(c, o, p.index, false) && !ResidentsOnly(c, o, p.index, true)) continue;
      who += (who.empty() ? "" : ", ") + p.id + " (" +
             (p.municipality.empty() ? "geen gemeente: ziet niemand" : p.municipality) + ")";
    }
    out += " Alleen inwoners van de eigen gemeente (residents_only " + PartyList(o.residents_only) +
           "): " + who + "; over anderen krijgen zij niets en worden zij niets gevraagd.";
  }
  if (!o.circle.empty()) {
    std::map<std::string, std::string> by_partner;
    std::vector<std::string> order;
    for (const CircleMember& m : o.circle) {
      if (!by_partner.count(m.partner)) order.push_back(m.partner);
      std::string& names = by_partner[m.partner];
      names += (names.empty() ? "" : ", ") + m.cn;
    }
    out += " Kring (alleen deze certificaten nemen deel): ";
    for (std::size_t i = 0; i < order.size(); ++i) {
      out += (i ? "; " : "") + order[i] + ": " + by_partner[order[i]];
    }
    out += ".";
  }
  if (o.urgent) out += " Spoed: bij een spoedmelding kan een overleg direct beginnen.";
  if (!o.processing_activity.empty()) {
    out += " Verwerkingsactiviteit: " + o.processing_activity + ".";
  }
  return out;
}

}  // namespace

std::vector<MatrixTable> BuildMatrix(const Covenant& covenant, std::string_view only) {
  const Covenant& c = covenant;
  std::vector<MatrixTable> tables;
  for (const Overlegvorm& o : c.overlegvormen()) {
    if (!only.empty() && o.id != only) continue;
    MatrixTable t;
    t.id = o.id;
    t.name = o.name;
    t.purpose = o.purpose;
    std::string members;
    for (std::size_t i = 0; i < o.members.size(); ++i) {
      members += (i ? ", " : "") + o.members[i]->id;
    }
    t.facts = "Leden: " + members + ". Ad hoc partners: " +
              (o.AdmitsAdHoc() ? "toegelaten na geheimhoudingsverklaring" : "niet toegelaten") +
              (o.restricted ? ". Besloten kring; nooit in statistieken" : "") +
              ". Bewaartermijn: " + std::to_string(o.retention_days) + " dagen." + MoreFacts(c, o);
    const std::vector<Column> cols = Columns(c, o);
    for (const Column& col : cols) t.columns.push_back(col.label);
    for (const Field& f : c.fields()) {
      if (c.compiled(o.index).field_offset[static_cast<std::size_t>(f.index)] < 0) continue;
      MatrixTable::Row r{f.id, f.label, std::string(CategoryName(f.category)), {}};
      for (const Column& col : cols) r.cells.push_back(Cell(c, o, f, col));
      t.rows.push_back(std::move(r));
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

namespace {

int Matrix(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string format;
  std::string file;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--format" && i + 1 < args.size()) {
      format = args[++i];
    } else if (file.empty() && args[i].rfind("--", 0) != 0) {
      file = args[i];
    } else {
      return Usage(err, "unexpected argument '" + args[i] + "'");
    }
  }
  if (file.empty()) return Usage(err, "matrix needs a file");
  if (format != "md" && format != "html") return Usage(err, "matrix needs --format md|html");
  auto c = Load(file, out, err);
  if (!c) return kExitFail;
  const bool html = format == "html";
  auto esc = [&](std::string_view s) { return html ? HtmlEscape(s) : MdEscape(s); };
  if (html) {
    out << "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>"
        << esc(c->title())
        << "</title>\n<style>body{font-family:sans-serif}table{border-collapse:"
           "collapse}td,th{border:1px solid #999;padding:3px 6px;font-size:12px;vertical-align:"
           "top}th{background:#eee}</style></head><body>\n<h1>"
        << esc(c->title()) << "</h1>\n<p>Convenant <code>" << esc(c->id()) << "</code> versie "
        << esc(c->version()) << ", geldig vanaf " << esc(c->valid_from())
        << (c->valid_until().empty() ? "" : " tot " + c->valid_until()) << ". SHA-256 <code>"
        << c->sha256() << "</code>.</p>\n"
        << "<p>Elke cel noemt per weergave (full = volledig, presence = alleen of er een waarde "
           "is, year = alleen het jaar, age = leeftijd in jaren, municipality = alleen de "
           "gemeente) de leveranciers wier waarde de ontvanger ziet. * = niet zichtbaar terwijl "
           "de cli&euml;nt aanwezig is. Een lege cel: niets. Standaard wordt niets gedeeld.</p>\n";
  } else {
    out << "# " << esc(c->title()) << "\n\n"
        << "Convenant `" << c->id() << "` versie " << esc(c->version()) << ", geldig vanaf "
        << c->valid_from() << (c->valid_until().empty() ? "" : " tot " + c->valid_until())
        << ". SHA-256 `" << c->sha256() << "`.\n\n"
        << "Elke cel noemt per weergave (full = volledig, presence = alleen of er een waarde is, "
           "year = alleen het jaar, age = leeftijd in jaren, municipality = alleen de gemeente) "
           "de leveranciers wier waarde de ontvanger ziet. `*` = niet zichtbaar terwijl de cliënt "
           "aanwezig is. Een lege cel: niets. Standaard wordt niets gedeeld.\n\n";
  }
  for (const MatrixTable& t : BuildMatrix(*c)) {
    if (html) {
      out << "<h2>" << esc(t.name) << " (<code>" << esc(t.id) << "</code>)</h2>\n<p><b>Doel:</b> "
          << esc(t.purpose) << "</p>\n<p>" << esc(t.facts) << "</p>\n<table>\n<tr><th>Veld</th>"
          << "<th>Categorie</th>";
      for (const std::string& col : t.columns) out << "<th>" << esc(col) << "</th>";
      out << "</tr>\n";
      for (const MatrixTable::Row& r : t.rows) {
        out << "<tr><td>" << esc(r.label) << "<br><code>" << esc(r.field) << "</code></td><td>"
            << r.category << "</td>";
        for (const std::string& cell : r.cells) out << "<td>" << esc(cell) << "</td>";
        out << "</tr>\n";
      }
      out << "</table>\n";
    } else {
      out << "## " << esc(t.name) << " (`" << t.id << "`)\n\n**Doel:** " << esc(t.purpose) << "\n\n"
          << esc(t.facts) << "\n\n| Veld | Categorie |";
      for (const std::string& col : t.columns) out << " " << esc(col) << " |";
      out << "\n|---|---|";
      for (std::size_t i = 0; i < t.columns.size(); ++i) out << "---|";
      out << "\n";
      for (const MatrixTable::Row& r : t.rows) {
        out << "| " << esc(r.label) << " (`" << r.field << "`) | " << r.category << " |";
        for (const std::string& cell : r.cells) out << " " << esc(cell) << " |";
        out << "\n";
      }
      out << "\n";
    }
  }
  if (html) out << "</body></html>\n";
  return kExitOk;
}

// --- diff ---

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

DiffCounts DiffCovenants(const Covenant& old_covenant, const Covenant& new_covenant,
                         std::ostream& out) {
  const Covenant* a = &old_covenant;
  const Covenant* b = &new_covenant;
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
  return DiffCounts{more, less};
}

namespace {

int Diff(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 3) return Usage(err, "diff takes two files: OLD NEW");
  auto a = Load(args[1], out, err);
  auto b = Load(args[2], out, err);
  if (!a || !b) return kExitFail;
  const DiffCounts n = DiffCovenants(*a, *b, out);
  err << n.more << " flow" << (n.more == 1 ? "" : "s") << " new or more revealing, " << n.less
      << " withdrawn or less revealing\n";
  return n.more > 0 ? kExitFail : kExitOk;
}

}  // namespace

int RunPolicyCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) return Usage(err, "missing command");
  const std::string& cmd = args[0];
  if (cmd == "check") return Check(args, out, err);
  if (cmd == "explain") return Explain(args, out, err);
  if (cmd == "matrix") return Matrix(args, out, err);
  if (cmd == "diff") return Diff(args, out, err);
  if (cmd == "help" || cmd == "--help") {
    out << kUsage;
    return kExitOk;
  }
  return Usage(err, "unknown command '" + cmd + "'");
}

}  // namespace vh::policy
