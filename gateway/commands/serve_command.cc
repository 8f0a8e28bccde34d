// `vhgate serve --config F`: runs the gateway (gateway/server.h) until
// SIGTERM/SIGINT, then drains and exits 0; a configuration that does not load
// exits 1 naming the file, the key and the problem.

#include <CLI/CLI.hpp>
#include <memory>

#include "gateway/commands/command.h"
#include "gateway/server.h"

namespace vh::gw::commands {

void AddServeCommand(CLI::App& app, Io io, Action* action) {
  CLI::App* serve = app.add_subcommand("serve", "Run the gateway until SIGTERM or SIGINT");
  auto config_path = std::make_shared<std::string>();
  AddConfigOption(*serve, config_path.get());
  serve->callback([=] {
    *action = [=] {
      auto config = LoadCommandConfig(*config_path, "vhgate serve", io.err);
      if (!config.ok()) return kExitFailed;
      return RunServer(*config);
    };
  });
}

}  // namespace vh::gw::commands
