#include "audit/report.h"

#include <chrono>
#include <set>

#include "core/html.h"

namespace vh::audit {
namespace {
using namespace std::chrono;

std::string Lookup(const std::map<std::string, std::string>& m, const std::string& id) {
  auto it = m.find(id);
  return it != m.end() && !it->second.empty() ? it->second : id;
}

std::string TransformText(const std::string& t) {
  if (t == "presence") return "alleen of er iets over u bekend is";
  if (t == "year") return "alleen het jaartal";
  if (t == "age") return "alleen uw leeftijd";
  if (t == "municipality") return "alleen de gemeente";
  if (t == "full") return "volledig";
  return "";
}

std::string JoinDutch(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? " en " : ", ";
    out += items[i];
  }
  return out;
}

std::string JStr(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string DutchDateTime(TimePoint t) {
  // CEST from the last Sunday of March to the last Sunday of October, both at
  // 01:00 UTC (EU rule); CET otherwise.
  auto day = floor<days>(t);
  year_month_day ymd{day};
  auto y = ymd.year();
  sys_days start{y / March / Sunday[last]};
  sys_days end{y / October / Sunday[last]};
  bool summer = t >= start + hours(1) && t < end + hours(1);
  auto local = t + hours(summer ? 2 : 1);
  auto lday = floor<days>(local);
  year_month_day l{lday};
  auto tod = duration_cast<minutes>(local - lday);
  static const char* kMonths[] = {"januari",   "februari", "maart",    "april",
                                  "mei",       "juni",     "juli",     "augustus",
                                  "september", "oktober",  "november", "december"};
  char hm[32];
  std::snprintf(hm, sizeof hm, "%02d:%02d", static_cast<int>(tod.count() / 60),
                static_cast<int>(tod.count() % 60));
  return std::to_string(static_cast<unsigned>(l.day())) + " " +
         kMonths[static_cast<unsigned>(l.month()) - 1] + " " +
         std::to_string(static_cast<int>(l.year())) + " om " + hm;
}

Json BuildAccessReport(const std::vector<StoredEvent>& events, const ReportContext& ctx,
                       const ReportOptions& options, TimePoint now) {
  std::string house_name = ctx.house_name.empty()
                               ? (ctx.house.empty() ? std::string("het Veiligheidshuis")
                                                    : Lookup(ctx.partner_names, ctx.house))
                               : ctx.house_name;
  Json entries = Json::array();
  bool withheld = false;
  std::string subject;
  for (const auto& se : events) {
    const Event& e = se.event;
    if (subject.empty()) subject = e.subject;
    if (IsCaseEvent(e)) {
      bool left_out = false;
      Json entry = CaseReportEntry(se, ctx, house_name, options, &left_out);
      withheld = withheld || left_out;
      if (!entry.is_null()) entries.push_back(std::move(entry));
      continue;
    }
    std::string kind, partner, wanted;
    if (e.type == kDossierDisclosed) {
      kind = "ontvangen";
      partner = e.recipient;
      wanted = "disclosed";
    } else if (e.type == kAnswerReceived) {
      kind = "verstrekt";
      partner = e.supplier;
      wanted = "accepted";
    } else if (e.type == kRequestSent) {
      kind = "gevraagd";
      partner = e.supplier;
      wanted = "requested";
    } else if (e.type == kDataShredded) {
      kind = "vernietigd";
    } else {
      continue;
    }
    Json fields = Json::array();
    std::vector<std::string> texts;
    std::set<std::string> rules;
    for (const auto& f : e.fields) {
      if (f.decision != wanted) continue;
      std::string label = Lookup(ctx.field_labels, f.field);
      std::string tt = TransformText(f.transform);
      fields.push_back({{"field", f.field},
                        {"label", label},
                        {"rule", f.rule},
                        {"transform", f.transform},
                        {"transform_text", tt}});
      texts.push_back(tt.empty() || f.transform == "full" ? label : label + " (" + tt + ")");
      if (!f.rule.empty()) rules.insert(f.rule);
    }
    if (kind != "vernietigd" && fields.empty()) continue;

    auto ov_it = ctx.overlegvormen.find(e.overlegvorm);
    bool restricted = ov_it != ctx.overlegvormen.end() && ov_it->second.restricted;
    if (restricted && options.subject_copy) {
      withheld = true;
      continue;
    }
    std::string ov_name = ov_it != ctx.overlegvormen.end() && !ov_it->second.name.empty()
                              ? ov_it->second.name
                              : e.overlegvorm;
    std::string purpose = !e.purpose.empty()                 ? e.purpose
                          : ov_it != ctx.overlegvormen.end() ? ov_it->second.purpose
                                                             : std::string();
    std::string partner_name = Lookup(ctx.partner_names, partner);
    auto when_tp = ParseUtc(se.time);
    std::string when = when_tp ? DutchDateTime(*when_tp) : se.time;
    std::string where = "het overleg '" + ov_name + "'" +
                        (e.meeting.empty() ? "" : " (bijeenkomst " + e.meeting + ")");
    std::string text;
    if (kind == "ontvangen") {
      text = "Op " + when + " kreeg " + partner_name + " in " + where +
             " deze gegevens over u te zien: " + JoinDutch(texts) + ".";
    } else if (kind == "verstrekt") {
      text = "Op " + when + " gaf " + partner_name + " voor " + where +
             " deze gegevens over u aan " + house_name + ": " + JoinDutch(texts) + ".";
    } else if (kind == "gevraagd") {
      text = "Op " + when + " vroeg " + house_name + " aan " + partner_name + " voor " + where +
             " om deze gegevens over u: " + JoinDutch(texts) + ".";
    } else {
      text = "Op " + when + " zijn de gegevens over u uit " + where + " vernietigd.";
    }
    if (!rules.empty()) {
      std::vector<std::string> rv(rules.begin(), rules.end());
      text += " Dat mocht op grond van " + std::string(rv.size() == 1 ? "regel " : "de regels ") +
              JoinDutch(rv) + " van het convenant" +
              (e.covenant.id.empty() ? "" : " " + e.covenant.id) +
              (e.covenant.version.empty() ? "" : " (versie " + e.covenant.version + ")") + ".";
    }
    if (!purpose.empty()) text += " Doel: " + purpose;
    if (!purpose.empty() && purpose.back() != '.') text += ".";
    if (restricted) {
      text += " Dit overleg heeft een beperkte kring van deelnemers.";
    }
    entries.push_back({{"seq", se.seq},
                       {"time", se.time},
                       {"time_local", when},
                       {"kind", kind},
                       {"partner", partner},
                       {"partner_name", partner_name},
                       {"meeting", e.meeting},
                       {"overlegvorm", e.overlegvorm},
                       {"overlegvorm_name", ov_name},
                       {"purpose", purpose},
                       {"restricted", restricted},
                       {"covenant", {{"id", e.covenant.id}, {"version", e.covenant.version}}},
                       {"fields", std::move(fields)},
                       {"text", text}});
  }
  Json report = {
      {"subject", subject},
      {"generated_at", FormatUtc(now)},
      {"copy", options.subject_copy ? "subject" : "officer"},
      {"house", ctx.house},
      {"covenant", {{"id", ctx.covenant.id}, {"version", ctx.covenant.version}}},
      {"intro",
       "Dit overzicht laat zien welke organisaties via " + house_name +
           " gegevens over u hebben gekregen of gegeven, wanneer, in welk overleg, op grond van "
           "welke afspraak uit het convenant en met welk doel. Het komt uit het beveiligde "
           "logboek van de gegevensuitwisseling (artikel 15 AVG)."},
      {"entries", std::move(entries)}};
  if (report["entries"].empty()) {
    report["empty_note"] = "Er zijn via " + house_name + " geen gegevens over u gedeeld.";
  }
  if (withheld) {
    report["withheld_note"] =
        "Gegevens uit overleggen met een beperkte kring (zoals de aanpak van radicalisering) "
        "staan niet in dit overzicht, zolang het convenant dat bepaalt (artikel 23 AVG, "
        "artikel 41 UAVG). U kunt hierover contact opnemen met de functionaris "
        "gegevensbescherming.";
  }
  return report;
}

std::string RenderAccessReportHtml(const Json& r) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
      "<title>Overzicht van gedeelde gegevens</title><style>"
      "body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.5}"
      "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3em;"
      "vertical-align:top;text-align:left}.beperkt{background:#fff3cd}"
      "@media print{body{margin:0}}</style></head><body>\n"
      "<h1>Overzicht van gedeelde gegevens over u</h1>\n";
  h += "<p>" + HtmlEscape(JStr(r, "intro")) + "</p>\n";
  h += "<p>Opgesteld op " + HtmlEscape(JStr(r, "generated_at")) + " (UTC).</p>\n";
  const Json& entries = r["entries"];
  if (entries.empty()) {
    h += "<p>" + HtmlEscape(JStr(r, "empty_note")) + "</p>\n";
  } else {
    h += "<table><thead><tr><th>Wanneer</th><th>Organisatie</th><th>Overleg</th>"
         "<th>Gegevens</th><th>Grondslag en doel</th></tr></thead><tbody>\n";
    for (const auto& e : entries) {
      bool restricted = e.value("restricted", false);
      h += restricted ? "<tr class=\"beperkt\">" : "<tr>";
      h += "<td>" + HtmlEscape(JStr(e, "time_local")) + "</td>";
      std::string kind = JStr(e, "kind");
      std::string verb = kind == "ontvangen"   ? "kreeg te zien"
                         : kind == "verstrekt" ? "gaf"
                         : kind == "gevraagd"  ? "werd gevraagd"
                                               : kind;
      h += "<td>" + HtmlEscape(JStr(e, "partner_name")) + " (" + verb + ")</td>";
      h += "<td>" + HtmlEscape(JStr(e, "overlegvorm_name"));
      if (!JStr(e, "meeting").empty()) h += "<br>bijeenkomst " + HtmlEscape(JStr(e, "meeting"));
      if (restricted) h += "<br><strong>beperkte kring</strong>";
      h += "</td><td><ul>";
      for (const auto& f : e["fields"]) {
        h += "<li>" + HtmlEscape(JStr(f, "label"));
        std::string tt = JStr(f, "transform_text");
        if (!tt.empty() && JStr(f, "transform") != "full") h += " (" + HtmlEscape(tt) + ")";
        h += "</li>";
      }
      h += "</ul></td><td>";
      std::set<std::string> rules;
      for (const auto& f : e["fields"]) {
        if (!JStr(f, "rule").empty()) rules.insert(JStr(f, "rule"));
      }
      if (!rules.empty()) {
        h += "regel " + HtmlEscape(JoinDutch({rules.begin(), rules.end()}));
        const Json& cv = e["covenant"];
        h += " van convenant " + HtmlEscape(JStr(cv, "id")) + " " + HtmlEscape(JStr(cv, "version"));
        h += "<br>";
      }
      h += "Doel: " + HtmlEscape(JStr(e, "purpose")) + "</td></tr>\n";
    }
    h += "</tbody></table>\n";
  }
  if (r.contains("withheld_note"))
    h += "<p><em>" + HtmlEscape(JStr(r, "withheld_note")) + "</em></p>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace vh::audit
