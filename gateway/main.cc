// vhgate: the command line (CONTRACT.md "CLI").
//   vhgate serve --config F
//   vhgate policy check|explain|matrix|diff ...
//   vhgate keys init --config F
//   vhgate audit verify|query|report --config F ...
//   vhgate retention run --config F

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "audit/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "crypto/primitives.h"
#include "gateway/commands/retention_command.h"
#include "gateway/server.h"
#include "policy/cli.h"

namespace {

int Usage(std::ostream& err) {
  err << "usage:\n"
         "  vhgate serve --config F\n"
         "  vhgate policy check F\n"
         "  vhgate policy explain F --overlegvorm O --field X --from S --to P [--ad-hoc] "
         "[--client-present]\n"
         "  vhgate policy matrix F --format md|html\n"
         "  vhgate policy diff OLD NEW\n"
         "  vhgate keys init --config F\n"
         "  vhgate audit verify|query|report --config F [...]\n"
         "  vhgate retention run --config F\n";
  return 2;
}

int Serve(const std::vector<std::string>& args) {
  std::string config_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
    } else {
      return Usage(std::cerr);
    }
  }
  if (config_path.empty()) return Usage(std::cerr);
  auto config = vh::LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << "vhgate: " << config.status().message() << "\n";
    return 1;
  }
  return vh::gw::RunServer(*config);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage(std::cerr);
  if (!vh::crypto::InitCrypto().ok()) {
    std::cerr << "vhgate: libsodium failed to initialise\n";
    return 1;
  }
  std::string cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "serve") return Serve(rest);
  if (cmd == "policy") return vh::policy::RunPolicyCommand(rest, std::cout, std::cerr);
  if (cmd == "keys") return vh::audit::RunKeysCommand(rest, std::cout, std::cerr);
  if (cmd == "audit") return vh::audit::RunAuditCommand(rest, std::cout, std::cerr);
  if (cmd == "retention") return vh::gw::RunRetentionCommand(rest, std::cout, std::cerr);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    Usage(std::cout);
    return 0;
  }
  std::cerr << "vhgate: unknown command '" << cmd << "'\n";
  return Usage(std::cerr);
}
