// `vhgate retention run --config F`: shreds every closed meeting whose
// retention (or recorded extension) has passed, and every closed case and
// notification past its own (exchange/case_retention.h), prints one line
// per meeting, case and notification shredded and two summaries, and exits 0. Exit 1 on a bad
// configuration, key or store (the message names it).
//
// It opens the modules as serve does (ModuleOptions::ForExchange: without
// adapters and without a start event), so it can run next to a serving
// gateway (both use WAL and busy timeouts; the audit log re-reads its head
// under the write lock).

#include <CLI/CLI.hpp>
#include <memory>

#include "audit/event.h"
#include "core/clock.h"
#include "exchange/exchange_service.h"
#include "gateway/commands/command.h"
#include "gateway/modules.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"

namespace vh::gw::commands {
namespace {

int RunRetention(const std::string& config_path, Io io) {
  auto config = LoadCommandConfig(config_path, "vhgate retention run", io.err);
  if (!config.ok()) return kExitFailed;
  auto modules = Modules::Open(*config, io.clock, ModuleOptions::ForExchange());
  if (!modules.ok()) {
    io.err << "vhgate retention run: " << modules.status().message() << "\n";
    return kExitFailed;
  }
  auto result =
      (*modules)->exchange().RunRetention(CommandActor((*modules)->covenant().Get()->house()));
  if (!result.ok()) {
    io.err << "vhgate retention run: " << result.status().ToString() << "\n";
    return kExitFailed;
  }
  for (const exchange::ClosedMeeting& m : result->closed) {
    io.out << "closed " << m.id << " (nobody closed it; outcome geen-besluit, retention until "
           << FormatUtc(m.retention_until) << ")\n";
  }
  for (const exchange::ShreddedMeeting& m : result->shredded) {
    io.out << "shredded " << m.id << " (" << m.overlegvorm << ", closed " << FormatUtc(m.closed_at)
           << ", retention until " << FormatUtc(m.retention_until) << ")\n";
  }
  for (const exchange::ShreddedCase& k : result->cases) {
    io.out << "shredded case " << k.id << " (closed " << FormatUtc(k.closed_at)
           << ", retention until " << FormatUtc(k.retention_until) << ")\n";
  }
  for (const std::string& n : result->notifications)
    io.out << "shredded notification " << n << "\n";
  io.out << "retention run at " << FormatUtc(result->at) << ": " << result->shredded.size()
         << " meeting(s) shredded\n";
  io.out << "retention run at " << FormatUtc(result->at) << ": " << result->cases.size()
         << " case(s) and " << result->notifications.size() << " notification(s) shredded\n";
  return kExitOk;
}

}  // namespace

void AddRetentionCommand(CLI::App& app, Io io, Action* action) {
  CLI::App* retention = app.add_subcommand("retention", "Retention of closed meetings");
  retention->require_subcommand(1);
  CLI::App* run =
      retention->add_subcommand("run", "Shred every closed meeting whose retention has passed");
  auto config_path = std::make_shared<std::string>();
  AddConfigOption(*run, config_path.get());
  run->callback([=] { *action = [=] { return RunRetention(*config_path, io); }; });
}

}  // namespace vh::gw::commands
