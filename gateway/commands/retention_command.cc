#include "gateway/commands/retention_command.h"

#include "audit/event.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/role.h"
#include "crypto/primitives.h"
#include "exchange/exchange_service.h"
#include "gateway/modules.h"
#include "policy/covenant.h"
#include "policy/covenant_holder.h"

namespace vh::gw {

using exchange::ShreddedMeeting;

int RunRetentionCommand(const std::vector<std::string>& args_in, std::ostream& out,
                        std::ostream& err) {
  std::vector<std::string> args = args_in;
  if (!args.empty() && args[0] == "retention") args.erase(args.begin());
  std::string config_path;
  bool run = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "run") {
      run = true;
    } else if (args[i] == "--config" && i + 1 < args.size()) {
      config_path = args[++i];
    } else {
      err << "usage: vhgate retention run --config F\n";
      return 2;
    }
  }
  if (!run || config_path.empty()) {
    err << "usage: vhgate retention run --config F\n";
    return 2;
  }
  if (Status s = crypto::InitCrypto(); !s.ok()) {
    err << "vhgate retention: " << s.message() << "\n";
    return 1;
  }
  auto config = LoadConfig(config_path);
  if (!config.ok()) {
    err << config.status().message() << "\n";
    return 1;
  }
  SystemClock clock;
  auto modules = Modules::Open(*config, clock, {.adapters = false, .record_start = false});
  if (!modules.ok()) {
    err << modules.status().message() << "\n";
    return 1;
  }
  audit::Actor system{(*modules)->covenant().Get()->house(), std::string(RoleName(Role::kSystem)),
                      "vhgate retention run", "", "cli"};
  auto result = (*modules)->exchange().RunRetention(system);
  if (!result.ok()) {
    err << "vhgate retention run: " << result.status().ToString() << "\n";
    return 1;
  }
  for (const exchange::ClosedMeeting& m : result->closed) {
    out << "closed " << m.id << " (nobody closed it; outcome geen-besluit, retention until "
        << FormatUtc(m.retention_until) << ")\n";
  }
  for (const ShreddedMeeting& m : result->shredded) {
    out << "shredded " << m.id << " (" << m.overlegvorm << ", closed " << FormatUtc(m.closed_at)
        << ", retention until " << FormatUtc(m.retention_until) << ")\n";
  }
  out << "retention run at " << FormatUtc(result->at) << ": " << result->shredded.size()
      << " meeting(s) shredded\n";
  return 0;
}

}  // namespace vh::gw
