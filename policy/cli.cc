#include "policy/cli.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

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

int Explain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() < 2) return Usage(err, "explain needs a file");
  std::map<std::string, std::string> opt;
  bool ad_hoc = false, client = false, supplier_ad_hoc = false;
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--ad-hoc") {
      ad_hoc = true;
    } else if (a == "--client-present") {
      client = true;
    } else if (a == "--supplier-ad-hoc") {
      supplier_ad_hoc = true;
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
  Decision d = Decide(*c, opt["overlegvorm"], opt["field"], opt["from"], opt["to"], ad_hoc, client,
                      supplier_ad_hoc);
  out << "flow: " << opt["overlegvorm"] << ": " << opt["field"] << ": " << opt["from"]
      << (supplier_ad_hoc ? " (ad hoc)" : "") << " -> " << opt["to"] << (ad_hoc ? " (ad hoc)" : "")
      << (client ? ", client present" : ", client absent") << "\n";
  if (d.allowed) {
    out << "decision: ALLOW as " << TransformName(d.as) << " by rule " << d.rule->id << "\n";
  } else {
    out << "decision: DENY (" << DenyReasonCode(d.reason) << "): " << DenyReasonText(d.reason)
        << "\n";
  }
  const Overlegvorm* o = c->FindOverlegvorm(opt["overlegvorm"]);
  const Field* f = c->FindField(opt["field"]);
  if (o) {
    out << "overlegvorm: " << o->id << " (" << o->name << "), members: ";
    for (std::size_t i = 0; i < o->members.size(); ++i) {
      out << (i ? ", " : "") << o->members[i]->id;
    }
    out << "; ad hoc partners " << (o->AdmitsAdHoc() ? "admitted" : "not admitted")
        << (o->restricted ? "; restricted" : "") << "\n";
  }
  if (const Partner* p = c->FindPartner(opt["to"])) {
    out << "recipient: " << p->id << " (" << ChainName(p->chain) << ", "
        << (p->signatory ? "signatory" : "non-signatory") << ", "
        << (o && o->IsMember(p->index) ? "member" : "not a member") << ")\n";
  } else if (c->IsHouse(opt["to"])) {
    out << "recipient: the house\n";
  }
  if (o && f) {
    int n = 0;
    for (const Rule& r : o->rules) {
      if (r.field != f) continue;
      ++n;
      out << "rule " << r.id << ": from " << PartyList(r.from) << " to " << PartyList(r.to)
          << " as " << TransformName(r.as) << ", client " << (r.client ? "true" : "false");
      if (d.allowed && d.rule == &r) {
        out << "  <- wins (least revealing match)";
      }
      out << "\n";
    }
    if (n == 0) out << "no rule of " << o->id << " names " << f->id << " (default deny)\n";
  }
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
      Flow fl{o.index, f.index, s, col.principal, ah == 1, col.ad_hoc, false};
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
  for (const Partner* p : o.members) cols.push_back({p->index, false, p->id});
  cols.push_back({c.house_index(), false, "huis (" + c.house() + ")"});
  if (o.AdmitsAdHoc()) {
    for (const Partner& p : c.partners()) {
      if (o.IsMember(p.index)) continue;
      Column col{p.index, true, p.id + " (ad hoc)"};
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
  for (const Overlegvorm& o : c->overlegvormen()) {
    std::vector<const Field*> rows;
    for (const Field& f : c->fields()) {
      if (c->compiled(o.index).field_offset[static_cast<std::size_t>(f.index)] >= 0) {
        rows.push_back(&f);
      }
    }
    std::vector<Column> cols = Columns(*c, o);
    std::string members;
    for (std::size_t i = 0; i < o.members.size(); ++i) {
      members += (i ? ", " : "") + o.members[i]->id;
    }
    std::string facts =
        "Leden: " + members + ". Ad hoc partners: " +
        (o.AdmitsAdHoc() ? "toegelaten na geheimhoudingsverklaring" : "niet toegelaten") +
        (o.restricted ? ". Besloten kring; nooit in statistieken" : "") +
        ". Bewaartermijn: " + std::to_string(o.retention_days) + " dagen.";
    if (html) {
      out << "<h2>" << esc(o.name) << " (<code>" << esc(o.id) << "</code>)</h2>\n<p><b>Doel:</b> "
          << esc(o.purpose) << "</p>\n<p>" << esc(facts) << "</p>\n<table>\n<tr><th>Veld</th>"
          << "<th>Categorie</th>";
      for (const Column& col : cols) out << "<th>" << esc(col.label) << "</th>";
      out << "</tr>\n";
      for (const Field* f : rows) {
        out << "<tr><td>" << esc(f->label) << "<br><code>" << esc(f->id) << "</code></td><td>"
            << CategoryName(f->category) << "</td>";
        for (const Column& col : cols) out << "<td>" << esc(Cell(*c, o, *f, col)) << "</td>";
        out << "</tr>\n";
      }
      out << "</table>\n";
    } else {
      out << "## " << esc(o.name) << " (`" << o.id << "`)\n\n**Doel:** " << esc(o.purpose) << "\n\n"
          << esc(facts) << "\n\n| Veld | Categorie |";
      for (const Column& col : cols) out << " " << esc(col.label) << " |";
      out << "\n|---|---|";
      for (std::size_t i = 0; i < cols.size(); ++i) out << "---|";
      out << "\n";
      for (const Field* f : rows) {
        out << "| " << esc(f->label) << " (`" << f->id << "`) | " << CategoryName(f->category)
            << " |";
        for (const Column& col : cols) out << " " << esc(Cell(*c, o, *f, col)) << " |";
        out << "\n";
      }
      out << "\n";
    }
  }
  if (html) out << "</body></html>\n";
  return kExitOk;
}

// --- diff ---

struct Side {
  const Covenant* c;
  int o = -1, f = -1;
};

Decision DecideIn(const Covenant& c, int o, int f, std::string_view s, bool s_ad_hoc,
                  std::string_view r, bool r_ad_hoc, bool client) {
  Decision none;
  if (o < 0 || f < 0) return none;
  Flow fl{o, f, c.PrincipalIndex(s), c.PrincipalIndex(r), s_ad_hoc, r_ad_hoc, client};
  if (fl.supplier < 0 || fl.recipient < 0) return none;
  return Decide(c, fl);
}

std::string Describe(const Decision& d) {
  return std::string(TransformName(d.as)) + " (rule " + std::string(d.rule_id()) + ")";
}

int Diff(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() != 3) return Usage(err, "diff takes two files: OLD NEW");
  auto a = Load(args[1], out, err);
  auto b = Load(args[2], out, err);
  if (!a || !b) return kExitFail;
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

  int more = 0, less = 0;
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
      for (const std::string& s : p_ids) {
        for (int s_ah = 0; s_ah < 2; ++s_ah) {
          for (const std::string& r : p_ids) {
            for (int r_ah = 0; r_ah < 2; ++r_ah) {
              for (int client = 0; client < 2; ++client) {
                Decision da = DecideIn(*a, ia, ja, s, s_ah, r, r_ah, client);
                Decision db = DecideIn(*b, ib, jb, s, s_ah, r, r_ah, client);
                auto same = [](const Decision& x, const Decision& y) {
                  return x.allowed == y.allowed && (!x.allowed || x.as == y.as);
                };
                if (same(da, db)) continue;
                // Report each variant only where it adds to the plain form.
                auto plain_same = [&](bool ps, bool pr, bool pc) {
                  Decision xa = DecideIn(*a, ia, ja, s, ps, r, pr, pc);
                  Decision xb = DecideIn(*b, ib, jb, s, ps, r, pr, pc);
                  return same(xa, da) && same(xb, db);
                };
                if (s_ah && plain_same(false, r_ah, client)) continue;
                if (r_ah && plain_same(s_ah, false, client)) continue;
                if (client && plain_same(s_ah, r_ah, false)) continue;
                std::string flow = o_id + ": " + f_id + ": " + s + (s_ah ? " (ad hoc)" : "") +
                                   " -> " + r + (r_ah ? " (ad hoc)" : "") +
                                   (client ? " [client present]" : "");
                if (!da.allowed) {
                  out << "new: " << flow << ": " << Describe(db) << "\n";
                  ++more;
                } else if (!db.allowed) {
                  out << "withdrawn: " << flow << ": was " << Describe(da) << "\n";
                  ++less;
                } else if (RevealRank(db.as) > RevealRank(da.as)) {
                  out << "more revealing: " << flow << ": " << Describe(da) << " -> "
                      << Describe(db) << "\n";
                  ++more;
                } else {
                  out << "less revealing: " << flow << ": " << Describe(da) << " -> "
                      << Describe(db) << "\n";
                  ++less;
                }
              }
            }
          }
        }
      }
    }
  }
  err << more << " flow" << (more == 1 ? "" : "s") << " new or more revealing, " << less
      << " withdrawn or less revealing\n";
  return more > 0 ? kExitFail : kExitOk;
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
