// The access report's entries about notifications, checks and cases (issue
// 19; audit/report.h): one plain Dutch sentence per event, from the event's
// own fields (actor, supplier, recipient, detail codes) and the report
// context's labels; the events hold no names, values or reasons, so neither
// does the report.

#include <set>

#include "audit/report.h"

namespace vh::audit {
namespace {

std::string LabelOf(const std::map<std::string, std::string>& m, const std::string& id) {
  auto it = m.find(id);
  return it != m.end() && !it->second.empty() ? it->second : id;
}

std::string DetailText(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool DetailFlag(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::string TriageText(const std::string& decision) {
  if (decision == "agenderen") return "op de agenda van een overleg gezet";
  if (decision == "niet-agenderen") return "niet op de agenda gezet";
  if (decision == "doorverwijzen") return "doorverwezen naar een andere aanpak";
  return decision;
}

std::string FollowUpText(const std::string& kind) {
  if (kind == "1-week") return "na een week";
  if (kind == "1-month") return "na een maand";
  if (kind == "3-months") return "na drie maanden";
  if (kind == "6-months") return "na zes maanden";
  if (kind == "before-release") return "drie maanden voor de invrijheidstelling";
  return kind;
}

std::string DecisionText(const ReportContext& ctx, const std::string& decision) {
  auto it = ctx.outcome_labels.find(decision);
  return it != ctx.outcome_labels.end() ? it->second : TriageText(decision);
}

}  // namespace

bool IsCaseEvent(const Event& e) {
  static const std::set<std::string> kTypes = {
      kNotificationReceived, kNotificationTriaged, kNotificationDisclosed, kUrgentNotification,
      kCheckPerformed,       kCaseCreated,         kCaseUpdated,           kCaseDisclosed,
      kCaseClosed,           kFollowUpDone};
  if (kTypes.count(e.type)) return true;
  return e.type == kDataShredded &&
         (e.detail.contains("case") || e.detail.contains("notification"));
}

Json CaseReportEntry(const StoredEvent& se, const ReportContext& ctx, const std::string& house_name,
                     const ReportOptions& options, bool* restricted) {
  const Event& e = se.event;
  const Json& d = e.detail;
  auto ov = ctx.overlegvormen.find(e.overlegvorm);
  const bool closed_circle =
      DetailFlag(d, "restricted") || (ov != ctx.overlegvormen.end() && ov->second.restricted);
  if (closed_circle && options.subject_copy) {
    *restricted = true;
    return Json();
  }
  auto t = ParseUtc(se.time);
  const std::string when = t ? DutchDateTime(*t) : se.time;
  std::string kind, partner, text;
  if (e.type == kNotificationReceived) {
    kind = "gemeld";
    partner = e.supplier;
    text = "Op " + when + " meldde " + LabelOf(ctx.partner_names, partner) + " u bij " +
           house_name + " (" + LabelOf(ctx.category_labels, DetailText(d, "category")) + ")" +
           (DetailFlag(d, "urgent") ? ", met spoed (code rood)." : ".");
  } else if (e.type == kUrgentNotification) {
    return Json();  // said with the notification itself
  } else if (e.type == kNotificationTriaged) {
    kind = "gewogen";
    text = DetailFlag(d, "automatic")
               ? "Op " + when + " werd de melding over uw detentie doorgezet naar de nazorg van " +
                     "uw gemeente."
               : "Op " + when + " heeft " + house_name + " de melding over u gewogen en " +
                     TriageText(DetailText(d, "decision")) + ".";
  } else if (e.type == kNotificationDisclosed) {
    kind = "teruggekoppeld";
    partner = e.recipient;
    text = "Op " + when + " hoorde " + LabelOf(ctx.partner_names, partner) +
           ", die u had gemeld, " +
           (DetailText(d, "decision").empty()
                ? "dat er nog geen besluit over de melding is."
                : "het besluit over de melding: " + DecisionText(ctx, DetailText(d, "decision")) +
                      ".");
  } else if (e.type == kCheckPerformed) {
    kind = "nagevraagd";
    partner = e.recipient;
    text = "Op " + when + " vroeg " + LabelOf(ctx.partner_names, partner) +
           " na of u bekend bent bij " + house_name +
           ". Het antwoord was: " + (DetailFlag(d, "known") ? "ja" : "nee") + ".";
  } else if (e.type == kCaseCreated) {
    kind = "casus";
    text = "Op " + when + " opende " + house_name + " een " +
           (DetailText(d, "kind") == "nazorg" ? "nazorgcasus" : "casus") + " over u.";
  } else if (e.type == kCaseUpdated) {
    kind = "casus";
    if (DetailText(d, "change") == "case_holder") {
      partner = DetailText(d, "case_holder");
      text = "Op " + when + " werd " + LabelOf(ctx.partner_names, partner) +
             " casushouder van de casus over u.";
    } else {
      text = "Op " + when + " werd een nieuwe melding over u bij de casus over u gevoegd.";
    }
  } else if (e.type == kCaseDisclosed) {
    kind = "ontvangen";
    partner = e.recipient;
    text = "Op " + when + " kreeg " + LabelOf(ctx.partner_names, partner) +
           " de nazorgcasus over u te zien (wie u bent, uw gemeente en de datum van "
           "invrijheidstelling), om de nazorg na uw detentie te regelen.";
  } else if (e.type == kCaseClosed) {
    kind = "casus gesloten";
    text = "Op " + when + " sloot " + house_name + " de casus over u.";
  } else if (e.type == kFollowUpDone) {
    kind = "opvolging";
    text = "Op " + when + " volgde " + house_name + " de afspraken over u op (" +
           FollowUpText(DetailText(d, "kind")) + ").";
  } else {  // data_shredded of a case or notification
    kind = "vernietigd";
    text = "Op " + when + " zijn de gegevens van de " +
           (d.contains("case") ? std::string("casus") : std::string("melding")) +
           " over u vernietigd.";
  }
  if (closed_circle) text += " Dit valt onder een beperkte kring van deelnemers.";
  return Json{
      {"seq", se.seq},
      {"time", se.time},
      {"time_local", when},
      {"kind", kind},
      {"partner", partner},
      {"partner_name", partner.empty() ? std::string() : LabelOf(ctx.partner_names, partner)},
      {"meeting", ""},
      {"overlegvorm", e.overlegvorm},
      {"overlegvorm_name",
       ov != ctx.overlegvormen.end() && !ov->second.name.empty() ? ov->second.name : e.overlegvorm},
      {"purpose", ov != ctx.overlegvormen.end() ? ov->second.purpose : std::string()},
      {"restricted", closed_circle},
      {"covenant", {{"id", e.covenant.id}, {"version", e.covenant.version}}},
      {"fields", Json::array()},
      {"text", text}};
}

}  // namespace vh::audit
