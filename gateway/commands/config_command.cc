// `vhgate config check --config F`: every problem of the configuration, the
// covenant it names, its files and keys and the adapters it configures
// (gateway/config_check.h), without binding a port or opening a store.
//   0   one line "F: ok: <what was checked>" on stdout;
//   1   one line per problem on stdout, the count on stderr;
//   2   a usage error (command_line.h).

#include <CLI/CLI.hpp>
#include <memory>

#include "gateway/commands/command.h"
#include "gateway/config_check.h"

namespace vh::gw::commands {

void AddConfigCommand(CLI::App& app, Io io, Action* action) {
  CLI::App* config = app.add_subcommand("config", "The gateway's configuration");
  config->require_subcommand(1);
  CLI::App* check = config->add_subcommand(
      "check",
      "List every problem of a configuration, its covenant, files, keys and adapters: 0 clean; 1 "
      "and one line per problem");
  auto config_path = std::make_shared<std::string>();
  AddConfigOption(*check, config_path.get());
  check->callback([=] {
    *action = [=] {
      ConfigCheckResult r = CheckConfigFile(*config_path);
      if (r.problems.empty()) {
        io.out << *config_path << ": ok: " << r.summary << "\n";
        return kExitOk;
      }
      for (const std::string& line : r.problems) io.out << line << "\n";
      io.err << *config_path << ": " << r.problems.size() << " problem"
             << (r.problems.size() == 1 ? "" : "s") << "\n";
      return kExitFailed;
    };
  });
}

}  // namespace vh::gw::commands
