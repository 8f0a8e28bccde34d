#pragma once
// Internal to gateway/commands/: what the `vhgate audit ...` commands share
// (audit_command.cc: verify, query, report; audit_export_command.cc;
// audit_prove_command.cc). They act for the house, through
// audit::AuditService, with the covenant the configuration names as the
// audit module takes it (gateway/audit_routes.h ReportContextFromCovenant).

#include <memory>
#include <string>

#include "audit/audit_service.h"
#include "audit/report.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "gateway/commands/command.h"
#include "gateway/modules.h"

namespace CLI {
class App;
}

namespace vh::gw::commands {

// The CLI acts for the house (it runs where the keys are): it sees every
// event. Its audit_query events name the OS user and the command.
audit::Requester CliRequester(const audit::ReportContext& ctx, const std::string& command);

// What one audit command opened: the configuration, the modules and the
// covenant as the audit module takes it.
struct OpenedAudit {
  Config config;
  std::unique_ptr<Modules> modules;
  audit::ReportContext context;
};
// Opens what `options` says for `command` ("vhgate audit query"); a problem
// is one line on io.err. A covenant that no longer loads is a warning (the
// context then has ids, not labels).
Result<OpenedAudit> OpenAuditFor(const std::string& config_path, const std::string& command,
                                 ModuleOptions options, const Clock& clock, Io io);

// `vhgate audit export` and `vhgate audit prove`, added to `audit`.
void AddAuditExportCommand(CLI::App& audit, Io io, Action* action);
void AddAuditProveCommand(CLI::App& audit, Io io, Action* action);

}  // namespace vh::gw::commands
