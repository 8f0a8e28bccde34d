// `vhgate keys init --config F`: creates in keys_dir what is missing (the
// audit keys and the case store's key, audit/audit_keys.h) and never
// overwrites; one line per file created or kept (names only). 0; 1 with one
// line naming the file and the problem; a configuration that does not load
// is 2. It reads no key, so it opens no module.

#include <CLI/CLI.hpp>
#include <memory>

#include "audit/audit_keys.h"
#include "gateway/commands/command.h"

namespace vh::gw::commands {

void AddKeysCommand(CLI::App& app, Io io, Action* action) {
  CLI::App* keys = app.add_subcommand("keys", "The gateway's key files");
  keys->require_subcommand(1);
  CLI::App* init = keys->add_subcommand(
      "init", "Create the audit and case store keys in keys_dir where missing (never overwrites)");
  auto config_path = std::make_shared<std::string>();
  AddConfigOption(*init, config_path.get());
  init->callback([=] {
    *action = [=] {
      auto config = LoadCommandConfig(*config_path, "vhgate keys init", io.err);
      if (!config.ok()) return kExitUsage;
      if (Status s = audit::InitKeys(*config, io.out); !s.ok()) {
        io.err << "vhgate keys init: " << s.message() << "\n";
        return kExitFailed;
      }
      return kExitOk;
    };
  });
}

}  // namespace vh::gw::commands
