#pragma once
// Internal to gateway/commands/: how each `vhgate` command joins the command
// line (command_line.h). A command file adds its CLI11 subcommand with its
// flags and, when that subcommand is the one parsed, sets the action that
// command_line.cc runs after the whole line has parsed. Actions open what
// they need through gateway::Modules (modules.h), call the modules' library
// functions and print; they never parse arguments themselves.
//
//   serve_command.cc      vhgate serve
//   policy_command.cc     vhgate policy check|explain|matrix|diff
//   keys_command.cc       vhgate keys init
//   audit_command.cc      vhgate audit verify|query|report|text-mac (audit_common.h: what they
//   share) audit_export_command.cc  vhgate audit export audit_prove_command.cc   vhgate audit prove
//   retention_command.cc  vhgate retention run
//   config_command.cc     vhgate config check
//   stats_command.cc      vhgate stats

#include <functional>
#include <ostream>
#include <string>

#include "audit/event.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"

namespace CLI {
class App;
}

namespace vh::gw::commands {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Refusals of the parameters are usage errors (2); anything else failed (1).
inline int ExitFor(const Status& s) {
  return s.code() == Code::kInvalidArgument || s.code() == Code::kUnprocessable ? kExitUsage
                                                                                : kExitFailed;
}

struct Io {
  std::ostream& out;
  std::ostream& err;
  const Clock& clock;  // the process's (RunCommandLine)
};
// What the parsed command does; returns its exit status.
using Action = std::function<int()>;

void AddServeCommand(CLI::App& app, Io io, Action* action);
void AddPolicyCommand(CLI::App& app, Io io, Action* action);
void AddKeysCommand(CLI::App& app, Io io, Action* action);
void AddAuditCommand(CLI::App& app, Io io, Action* action);
void AddRetentionCommand(CLI::App& app, Io io, Action* action);
void AddConfigCommand(CLI::App& app, Io io, Action* action);
void AddStatsCommand(CLI::App& app, Io io, Action* action);

// Who a command acts as in audit events: the house's own system role
// (core/role.h Role::kSystem), CN "cli:<OS user>", remote "cli".
audit::Actor CommandActor(const std::string& house);

// Adds the required `--config F` option to `command`.
void AddConfigOption(CLI::App& command, std::string* path);

// LoadConfig(path); on failure writes "<command>: <problem>" to `err`.
Result<Config> LoadCommandConfig(const std::string& path, const std::string& command,
                                 std::ostream& err);

}  // namespace vh::gw::commands
