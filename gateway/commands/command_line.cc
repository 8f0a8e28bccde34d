#include "gateway/commands/command_line.h"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "core/clock.h"
#include "core/role.h"
#include "core/trace_context.h"
#include "crypto/primitives.h"
#include "gateway/commands/command.h"
#include "gateway/commands/parse_command_line.h"

#ifndef VH_VERSION
#error "VH_VERSION (CMake's PROJECT_VERSION) must be defined"
#endif

namespace vh::gw {

std::string VersionLine() { return std::string("vhgate ") + VH_VERSION; }

int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  static const SystemClock clock;
  return RunCommandLine(args, out, err, clock);
}

int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                   const Clock& clock) {
  CLI::App app(
      "vhgate: the mutual-TLS information-exchange gateway of a Zorg- en "
      "Veiligheidshuis",
      "vhgate");
  app.set_version_flag("--version", VersionLine(), "Print the version and exit");
  app.require_subcommand(1);
  commands::Io io{out, err, clock};
  commands::Action action;
  commands::AddServeCommand(app, io, &action);
  commands::AddPolicyCommand(app, io, &action);
  commands::AddKeysCommand(app, io, &action);
  commands::AddAuditCommand(app, io, &action);
  commands::AddRetentionCommand(app, io, &action);
  commands::AddConfigCommand(app, io, &action);
  commands::AddStatsCommand(app, io, &action);
  // Nothing runs unless the whole line parsed.
  if (auto exit_code = cli::ParseCommandLine(app, args, out, err)) return *exit_code;
  if (!action) {  // every command that parses sets one
    err << "vhgate: a command is required\n";
    return commands::kExitUsage;
  }
  if (Status s = crypto::InitCrypto(); !s.ok()) {
    err << "vhgate: " << s.message() << "\n";
    return commands::kExitFailed;
  }
  // One trace for what the command does: its audit events and log lines
  // share it (core/trace_context.h); serve gives each request its own.
  ScopedTrace trace(TraceContext::Start(SystemClock().Now()));
  return action();
}

namespace commands {

audit::Actor CommandActor(const std::string& house) {
  std::string user = "uid-" + std::to_string(::getuid());
  if (const passwd* pw = ::getpwuid(::getuid())) user = pw->pw_name;
  return audit::Actor{house, std::string(RoleName(Role::kSystem)), "cli:" + user, "", "cli"};
}

void AddConfigOption(CLI::App& command, std::string* path) {
  command.add_option("--config", *path, "the gateway's configuration (gateway.json)")
      ->required()
      ->type_name("F");
}

Result<Config> LoadCommandConfig(const std::string& path, const std::string& command,
                                 std::ostream& err) {
  auto config = LoadConfig(path);
  if (!config.ok()) err << command << ": " << config.status().message() << "\n";
  return config;
}

}  // namespace commands
}  // namespace vh::gw
