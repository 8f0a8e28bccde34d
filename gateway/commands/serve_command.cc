// `vhgate serve --config F`: runs the gateway (gateway/server.h) until
// SIGTERM/SIGINT, then drains and exits 0. First the checks of `vhgate config
// check` (gateway/config_check.h): a configuration with problems exits 1 with
// one line per problem ("vhgate serve: F: /tls/x: unknown key"); the modules'
// own failures at start (gateway/modules.h) still stop it the same way.
// The configuration's log.level applies from then on (core/log.h).

#include <CLI/CLI.hpp>
#include <memory>

#include "core/log.h"
#include "gateway/commands/command.h"
#include "gateway/config_check.h"
#include "gateway/server.h"

namespace vh::gw::commands {

void AddServeCommand(CLI::App& app, Io io, Action* action) {
  CLI::App* serve = app.add_subcommand("serve", "Run the gateway until SIGTERM or SIGINT");
  auto config_path = std::make_shared<std::string>();
  AddConfigOption(*serve, config_path.get());
  serve->callback([=] {
    *action = [=] {
      if (ConfigCheckResult check = CheckConfigFile(*config_path); !check.problems.empty()) {
        for (const std::string& line : check.problems) io.err << "vhgate serve: " << line << "\n";
        return kExitFailed;
      }
      auto config = LoadCommandConfig(*config_path, "vhgate serve", io.err);
      if (!config.ok()) return kExitFailed;
      SetLogLevel(config->log_level);  // log.level
      return RunServer(*config, io.clock);
    };
  });
}

}  // namespace vh::gw::commands
