// `vhgate audit export --config F --format ldv|nen7513 [--from T] [--to T]`:
// the audit log for tools that speak the Logboek Dataverwerkingen (JSON
// lines) or NEN 7513 (CSV), on stdout (audit/export.h, docs/audit-events.md
// "Exports"). Streams a page of events at a time; for a log of more than
// kProgressEvery events a progress line on stderr after each such step, and
// always one closing line there ("exported N events as M ldv records").
// The export is itself an audit_query event, written before the first
// record. Exit: 0; 2 for a usage error (a --from/--to that is not an RFC 3339
// time or date) or a configuration, key or store that does not open; 1 when
// the log cannot be read or the output written.

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "audit/export.h"
#include "core/clock.h"
#include "gateway/commands/audit_common.h"

#ifndef VH_VERSION
#error "VH_VERSION (CMake's PROJECT_VERSION) must be defined"
#endif

namespace vh::gw::commands {
namespace {

constexpr int64_t kProgressEvery = 10000;

struct ExportFlags {
  std::string config, format, from, to;
};

int RunExport(const ExportFlags& flags, Io io) {
  const std::string command = "vhgate audit export";
  audit::ExportOptions options;
  options.format = *audit::ParseExportFormat(flags.format);  // CLI11 checked it
  options.version = VH_VERSION;
  for (auto [flag, text, out] : {std::tuple{"--from", &flags.from, &options.from},
                                 std::tuple{"--to", &flags.to, &options.to}}) {
    if (text->empty()) continue;
    *out = ParseUtc(*text);
    if (!*out) {
      io.err << command << ": " << flag << ": not an RFC 3339 time or date\n";
      return kExitUsage;
    }
  }
  SystemClock clock;
  auto opened = OpenAuditFor(flags.config, command, ModuleOptions::ForAuditLog(), clock, io);
  if (!opened.ok()) return kExitUsage;
  int64_t reported = 0;
  options.progress = [&](int64_t events, int64_t last_seq) {
    if (last_seq < kProgressEvery || events - reported < kProgressEvery) return;
    reported = events;
    io.err << "export: " << events << " events of at most " << last_seq << "\n";
  };
  audit::AuditService service(opened->modules->audit(), clock);
  auto stats =
      service.Export(CliRequester(opened->context, "export"), opened->context, options, io.out);
  if (!stats.ok()) {
    io.err << command << ": " << stats.status().message() << "\n";
    return ExitFor(stats.status());
  }
  io.err << "exported " << stats->events << " events as " << stats->records << " " << flags.format
         << " records\n";
  return kExitOk;
}

}  // namespace

void AddAuditExportCommand(CLI::App& audit, Io io, Action* action) {
  CLI::App* exp = audit.add_subcommand(
      "export", "The events as Logboek Dataverwerkingen records (JSON lines) or NEN 7513 CSV");
  auto flags = std::make_shared<ExportFlags>();
  AddConfigOption(*exp, &flags->config);
  exp->add_option("--format", flags->format,
                  "ldv (Logboek Dataverwerkingen, JSON lines) or nen7513 (CSV)")
      ->required()
      ->check(CLI::IsMember({"ldv", "nen7513"}))
      ->type_name("ldv|nen7513");
  exp->add_option("--from", flags->from, "events at or after this time (RFC 3339 or a date)")
      ->type_name("T");
  exp->add_option("--to", flags->to, "events before this time (RFC 3339 or a date)")
      ->type_name("T");
  exp->callback([=] { *action = [=] { return RunExport(*flags, io); }; });
}

}  // namespace vh::gw::commands
