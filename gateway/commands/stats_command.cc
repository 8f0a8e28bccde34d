// `vhgate stats --config F --from D --to D [--format md|csv] [--gemeente P]`:
// the house's figures for the days D..D (both included; exchange/figures.h),
// or those of gemeente partner P's residents (its factsheet), as a
// Markdown factsheet (the default) or CSV, with the small-count suppression
// of exchange/suppression.h. No names, ids or pseudonyms are printed. The
// query is recorded in the audit log (statistics_disclosed) as the house's
// system actor. Exit 0; 1 on a bad configuration, key or store; 2 on a
// usage error (a date that is not YYYY-MM-DD, a format not md or csv, --to
// before --from, a --gemeente that is no gemeente partner).
//
// It opens the modules as `vhgate retention run` does
// (ModuleOptions::ForExchange), so it can run next to a serving gateway.

#include <CLI/CLI.hpp>
#include <memory>

#include "exchange/case_service.h"
#include "exchange/exchange_service.h"
#include "gateway/codecs/figures_codec.h"
#include "gateway/commands/command.h"
#include "gateway/modules.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"

namespace vh::gw::commands {
namespace {

struct StatsFlags {
  std::string config, from, to, format = "md", gemeente;
};

codecs::FigureLabels LabelsOf(const policy::Covenant& c) {
  codecs::FigureLabels labels;
  for (const auto& n : c.notification_categories()) labels[n.id] = n.label;
  for (const auto& o : c.overlegvormen()) labels[o.id] = o.name;
  for (const auto& o : c.outcomes()) labels[o.id] = o.label;
  labels[std::string(policy::Covenant::kReservedOutcome)] = "Geen besluit (niet afgesloten)";
  labels["open"] = "Nog geen besluit";
  labels["casus"] = "Casus";
  labels["nazorg"] = "Nazorg na detentie";
  labels["elders"] = "Elders of onbekend";
  return labels;
}

int RunStats(const StatsFlags& flags, Io io) {
  const auto from = ParseDate(flags.from);
  const auto to = ParseDate(flags.to);
  if (*to < *from) {
    io.err << "vhgate stats: --to: before --from\n";
    return kExitUsage;
  }
  auto config = LoadCommandConfig(flags.config, "vhgate stats", io.err);
  if (!config.ok()) return kExitFailed;
  auto modules = Modules::Open(*config, io.clock, ModuleOptions::ForExchange());
  if (!modules.ok()) {
    io.err << "vhgate stats: " << modules.status().message() << "\n";
    return kExitFailed;
  }
  auto covenant = (*modules)->covenant().Get();
  auto figures = (*modules)->exchange().cases().Statistics(
      CommandActor(covenant->house()), exchange::FiguresQuery{*from, *to, flags.gemeente});
  if (!figures.ok()) {
    // The dates are checked above: a refused parameter is --gemeente, whose
    // problem the exchange names as "/gemeente: why".
    const Status& s = figures.status();
    if (ExitFor(s) == kExitUsage) {
      std::string why = s.message();
      if (auto at = why.find(": "); at != std::string::npos) why.erase(0, at + 2);
      io.err << "vhgate stats: --gemeente: " << flags.gemeente << " " << why << "\n";
    } else {
      io.err << "vhgate stats: " << s.ToString() << "\n";
    }
    return ExitFor(s);
  }
  io.out << (flags.format == "csv" ? codecs::RenderFiguresCsv(*figures)
                                   : codecs::RenderFiguresMarkdown(*figures, LabelsOf(*covenant)));
  return kExitOk;
}

}  // namespace

void AddStatsCommand(CLI::App& app, Io io, Action* action) {
  CLI::App* stats = app.add_subcommand(
      "stats", "The house's figures for a period (factsheet): counts, never names");
  auto flags = std::make_shared<StatsFlags>();
  const CLI::Validator date(
      [](std::string& s) { return ParseDate(s) ? std::string() : std::string("not YYYY-MM-DD"); },
      "YYYY-MM-DD", "date");
  AddConfigOption(*stats, &flags->config);
  stats->add_option("--from", flags->from, "the first day (YYYY-MM-DD)")
      ->required()
      ->check(date)
      ->type_name("D");
  stats->add_option("--to", flags->to, "the last day, included (YYYY-MM-DD)")
      ->required()
      ->check(date)
      ->type_name("D");
  stats->add_option("--format", flags->format, "md (Markdown, the default) or csv")
      ->check(CLI::IsMember({"md", "csv"}))
      ->type_name("md|csv");
  stats
      ->add_option("--gemeente", flags->gemeente,
                   "the factsheet of this gemeente partner (its residents only); "
                   "default: the whole house")
      ->type_name("PARTNER");
  stats->callback([=] { *action = [=] { return RunStats(*flags, io); }; });
}

}  // namespace vh::gw::commands
