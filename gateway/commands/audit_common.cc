#include "gateway/commands/audit_common.h"

#include "gateway/audit_routes.h"
#include "policy/covenant_holder.h"

namespace vh::gw::commands {

audit::Requester CliRequester(const audit::ReportContext& ctx, const std::string& command) {
  audit::Requester who;
  who.actor = CommandActor(ctx.house);
  who.origin = {{"command", command}};
  who.outcome = "ok";
  who.style = audit::ParamStyle{"--"};
  return who;
}

Result<OpenedAudit> OpenAuditFor(const std::string& config_path, const std::string& command,
                                 ModuleOptions options, const Clock& clock, Io io) {
  auto config = LoadCommandConfig(config_path, command, io.err);
  if (!config.ok()) return config.status();
  auto modules = Modules::Open(*config, clock, options);
  if (!modules.ok()) {
    io.err << command << ": " << modules.status().message() << "\n";
    return modules.status();
  }
  OpenedAudit o{std::move(*config), std::move(*modules), {}};
  if (o.modules->has_covenant()) {
    o.context = ReportContextFromCovenant(*o.modules->covenant().Get());
  } else {
    // One line: the first problem (a covenant that does not load may have many).
    const std::string& problem = o.modules->covenant_problem();
    io.err << "warning: " << problem.substr(0, problem.find('\n'))
           << (problem.find('\n') == std::string::npos ? "" : " (and more)")
           << "; the report shows ids, not labels\n";
  }
  return o;
}

}  // namespace vh::gw::commands
