#include "gateway/codecs/figures_codec.h"

#include <vector>

namespace vh::gw::codecs {
namespace {

std::string CellText(const exchange::Cell& c) {
  switch (c.shown) {
    case exchange::Cell::Shown::kExact:
      return std::to_string(c.value);
    case exchange::Cell::Shown::kBelowFive:
      return "< 5";
    case exchange::Cell::Shown::kAtLeast:
      return ">= " + std::to_string(c.value);
  }
  return "< 5";
}

Json CellJson(const exchange::Cell& c) {
  if (c.shown == exchange::Cell::Shown::kExact) return Json(c.value);
  return Json(CellText(c));
}

Json GroupJson(const exchange::FigureGroup& g) {
  Json counts = Json::object();
  for (const auto& [key, cell] : g.cells) counts[key] = CellJson(cell);
  return Json{{"total", CellJson(g.total)}, {"counts", std::move(counts)}};
}

// The figures as titled sections of (key, count) rows, in print order.
struct Section {
  std::string title;  // Dutch, for Markdown
  std::string id;     // for CSV
  const exchange::FigureGroup* group = nullptr;
  const exchange::Cell* single = nullptr;
};

std::vector<Section> Sections(const exchange::Figures& f) {
  std::vector<Section> s;
  s.push_back({"Meldingen per categorie", "notifications.by_category", &f.notifications_by_category,
               nullptr});
  if (f.notifications_by_municipality) {
    s.push_back({"Meldingen per gemeente", "notifications.by_municipality",
                 &*f.notifications_by_municipality, nullptr});
  }
  s.push_back(
      {"Meldingen met code rood", "notifications.urgent", nullptr, &f.urgent_notifications});
  s.push_back({"Casussen geopend, per soort", "cases.opened", &f.cases_opened_by_kind, nullptr});
  s.push_back({"Casussen gesloten", "cases.closed", nullptr, &f.cases_closed});
  if (f.meetings_by_overlegvorm) {
    s.push_back({"Overleggen per overlegvorm", "meetings", &*f.meetings_by_overlegvorm, nullptr});
  }
  for (const auto& [overlegvorm, group] : f.outcomes) {
    s.push_back({"Besluiten: " + overlegvorm, "outcomes." + overlegvorm, &group, nullptr});
  }
  return s;
}

std::string Csv(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string Label(const FigureLabels& labels, const std::string& id) {
  auto it = labels.find(id);
  return it != labels.end() ? it->second : id;
}

}  // namespace

Result<exchange::FiguresQuery> DecodeFiguresQuery(std::string_view from, std::string_view to,
                                                  bool has_from, bool has_to) {
  if (!has_from) return Status::Unprocessable("missing_field", "/from: missing");
  if (!has_to) return Status::Unprocessable("missing_field", "/to: missing");
  auto f = ParseDate(from);
  if (!f) return Status::Unprocessable("invalid_date", "/from: not a date (YYYY-MM-DD)");
  auto t = ParseDate(to);
  if (!t) return Status::Unprocessable("invalid_date", "/to: not a date (YYYY-MM-DD)");
  return exchange::FiguresQuery{*f, *t};
}

Json EncodeFigures(const exchange::Figures& f) {
  Json notifications = {{"by_category", GroupJson(f.notifications_by_category)},
                        {"urgent", CellJson(f.urgent_notifications)}};
  if (f.notifications_by_municipality) {
    notifications["by_municipality"] = GroupJson(*f.notifications_by_municipality);
  }
  Json outcomes = Json::object();
  for (const auto& [overlegvorm, group] : f.outcomes) outcomes[overlegvorm] = GroupJson(group);
  Json j = {{"from", f.from},
            {"to", f.to},
            {"house", f.house},
            {"suppression", kSuppressionNote},
            {"notifications", std::move(notifications)},
            {"cases",
             {{"opened", GroupJson(f.cases_opened_by_kind)}, {"closed", CellJson(f.cases_closed)}}},
            {"outcomes", std::move(outcomes)}};
  if (f.municipality) j["municipality"] = *f.municipality;
  if (f.meetings_by_overlegvorm) j["meetings"] = GroupJson(*f.meetings_by_overlegvorm);
  return j;
}

std::string RenderFiguresMarkdown(const exchange::Figures& f, const FigureLabels& labels) {
  std::string out = "# Cijfers " + f.house + ", " + f.from + " t/m " + f.to + "\n\n";
  if (f.municipality) out += "Alleen inwoners van " + *f.municipality + ".\n\n";
  out += std::string(kSuppressionNote) +
         " Radicalisering en andere overleggen met een beperkte kring tellen nooit mee.\n";
  for (const Section& s : Sections(f)) {
    out += "\n## " + s.title + "\n\n";
    if (s.single) {
      out += "| aantal |\n|---:|\n| " + CellText(*s.single) + " |\n";
      continue;
    }
    out += "| | aantal |\n|---|---:|\n";
    for (const auto& [key, cell] : s.group->cells) {
      out += "| " + Label(labels, key) + " | " + CellText(cell) + " |\n";
    }
    out += "| **totaal** | " + CellText(s.group->total) + " |\n";
  }
  return out;
}

std::string RenderFiguresCsv(const exchange::Figures& f) {
  std::string out = "section,key,count\n";
  for (const Section& s : Sections(f)) {
    if (s.single) {
      out += Csv(s.id) + ",," + Csv(CellText(*s.single)) + "\n";
      continue;
    }
    for (const auto& [key, cell] : s.group->cells) {
      out += Csv(s.id) + "," + Csv(key) + "," + Csv(CellText(cell)) + "\n";
    }
    out += Csv(s.id) + ",total," + Csv(CellText(s.group->total)) + "\n";
  }
  return out;
}

}  // namespace vh::gw::codecs
