#include "policy/matrix.h"

#include <map>
#include <sstream>

#include "core/html.h"
#include "policy/engine.h"
#include "policy/explain.h"

namespace vh::policy {
namespace {

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

std::vector<MatrixTable> BuildMatrix(const Covenant& c, std::string_view only) {
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
      MatrixTable::Row row{f.id, f.label, std::string(CategoryName(f.category)), {}};
      for (const Column& col : cols) row.cells.push_back(Cell(c, o, f, col));
      t.rows.push_back(std::move(row));
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

std::string RenderMatrix(const Covenant& covenant, MatrixFormat format) {
  const Covenant* c = &covenant;
  const bool html = format == MatrixFormat::kHtml;
  std::ostringstream out;
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
  return out.str();
}

}  // namespace vh::policy
