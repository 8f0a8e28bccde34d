// `vhgate audit verify|query|report|text-mac --config F ...`: the audit log for
// privacy officers and auditors, through audit::AuditService (the same one as
// GET /v1/audit/*), acting as the house.
//
//   verify --config F
//       0 and a summary when intact; 1 and a line naming the first event that
//       fails and why. Reads only the store key and audit-sign.pub
//       (ModuleOptions::ForAuditVerify); the verification is then recorded
//       with the full log when its keys are there, else a warning says it
//       was not.
//   query --config F [--bsn N] [--subject P] [--partner P] [--meeting M]
//         [--type T] [--from T] [--to T] [--limit N] [--cursor C]
//       0; the events as JSON lines (all pages unless --limit). The filters
//       and their help are audit::kQueryFilters.
//   report --config F (--bsn N | --meeting M --ref R) [--format json|html] [--copy officer|subject]
//       0; the access report for one person (audit/report.h); `--copy
//       subject` is the person's own copy (restricted overlegvormen withheld).
//       The parameters are audit::kReportParams.
//   text-mac --config F --purpose reason|field_name --id ID --text-file T [--exact]
//       0; the keyed MAC of the text in T ("-": stdin) for the request or
//       meeting ID, to compare with an event's reason_mac or
//       unknown_field_macs (the log holds no free text: audit/README.md). One
//       trailing newline of T is not part of the text unless --exact. The
//       text is never on the command line, in an event or in a message.
// The service parses the values: a malformed value or a --bsn that fails the
// 11-proef exits 2 with one line naming the flag (never the number), before
// anything is recorded. A configuration, key or store that cannot be opened
// exits 2; a query or report that cannot be answered or recorded exits 1.
// Every query, report and verify is itself an audit_query event, written
// before anything is printed (actor: CommandActor, the OS user).
//
// Labels and the house come from the covenant the configuration names,
// loaded as the gateway loads it (gateway/audit_routes.h
// ReportContextFromCovenant). When it changed since the events were written,
// the labels are today's and each entry keeps the stamp (id, version,
// sha256) of the covenant it was decided under; when it no longer loads, a
// warning says so and the report shows ids in place of labels.

#include <sodium.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>

#include "audit/audit_log.h"
#include "audit/audit_service.h"
#include "audit/event.h"
#include "audit/verifier.h"
#include "core/clock.h"
#include "gateway/audit_routes.h"
#include "gateway/commands/audit_common.h"
#include "gateway/commands/command.h"
#include "gateway/modules.h"
#include "policy/covenant_holder.h"

namespace vh::gw::commands {
namespace {

using audit::Params;
using audit::ReportContext;
using audit::Requester;

int Verify(const std::string& config_path, Io io) {
  SystemClock clock;
  const std::string command = "vhgate audit verify";
  auto opened = OpenAuditFor(config_path, command, ModuleOptions::ForAuditVerify(), clock, io);
  if (!opened.ok()) return kExitUsage;
  auto verified = opened->modules->audit_verifier().Verify();
  // A store that opened but cannot be read through (a damaged page) is not
  // intact: exit 1 like any other failure, so a check that alerts on 1
  // sees it.
  audit::VerifyReport unreadable;
  if (!verified.ok()) unreadable.problem = "cannot read the store: " + verified.status().message();
  const audit::VerifyReport* rep = verified.ok() ? &*verified : &unreadable;
  // The verification is itself an audit event. It is written after the
  // check (a broken log is reported either way); a log that refuses to open
  // for writing (e.g. without the secret keys) says why on err.
  {
    auto log = Modules::Open(opened->config, clock, ModuleOptions::ForAuditLog());
    Status s = log.ok() ? audit::AuditService((*log)->audit(), clock)
                              .RecordVerification(CliRequester(opened->context, "verify"),
                                                  opened->context, *rep)
                        : log.status();
    if (!s.ok()) io.err << "warning: this verification was not recorded: " << s.message() << "\n";
  }
  if (!rep->intact) {
    io.out << "NOT INTACT: " << rep->problem << "\n";
    if (verified.ok()) io.out << "checked " << rep->events << " events before the failure\n";
    return kExitFailed;
  }
  io.out << "intact: " << rep->events << " events, " << rep->checkpoints
         << " checkpoint signatures";
  if (rep->last_checkpoint) {
    io.out << ", last checkpoint at event " << rep->last_checkpoint->seq << " ("
           << rep->last_checkpoint->time << ")";
  }
  io.out << "\n";
  return kExitOk;
}

// `vhgate audit <name>`: opens the audit log, asks the service (`ask`
// returns its Result) and, when it answered, prints it (`print`). A refusal
// is one line on err.
template <typename Ask, typename Print>
int AskTheService(const std::string& config_path, const std::string& name, Io io, Ask ask,
                  Print print) {
  SystemClock clock;
  const std::string command = "vhgate audit " + name;
  auto opened = OpenAuditFor(config_path, command, ModuleOptions::ForAuditLog(), clock, io);
  if (!opened.ok()) return kExitUsage;
  audit::AuditService service(opened->modules->audit(), clock);
  auto answer = ask(service, CliRequester(opened->context, name), opened->context);
  if (!answer.ok()) {  // no disclosure without its event
    io.err << command << ": " << answer.status().message() << "\n";
    return ExitFor(answer.status());
  }
  print(*answer);
  return kExitOk;
}

int Query(const std::string& config_path, const Params& params, Io io) {
  return AskTheService(
      config_path, "query", io,
      [&](const audit::AuditService& service, const Requester& who, const ReportContext& ctx) {
        return service.Query(who, ctx, params, /*all_pages=*/true);  // all pages unless --limit
      },
      [&](const audit::QueryPage& page) {
        for (const auto& e : page.events) io.out << DumpJson(audit::EventToJson(e)) << "\n";
        if (page.next_cursor != 0) io.err << "next cursor: " << page.next_cursor << "\n";
      });
}

int Report(const std::string& config_path, const Params& params, Io io) {
  return AskTheService(
      config_path, "report", io,
      [&](const audit::AuditService& service, const Requester& who, const ReportContext& ctx) {
        return service.Report(who, ctx, params);
      },
      [&](const audit::AccessReport& report) {
        io.out << (report.html.empty() ? DumpJson(report.json, 2) + "\n" : report.html);
      });
}

struct TextMacArgs {
  std::string config, purpose, id, text_file;
  bool exact = false;
};

int TextMac(const TextMacArgs& a, Io io) {
  std::string text;
  if (a.text_file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(a.text_file, std::ios::binary);
    if (!in) {
      io.err << "vhgate audit text-mac: --text-file: cannot read " << a.text_file << "\n";
      return kExitUsage;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (!a.exact && !text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
  }
  int rc = AskTheService(
      a.config, "text-mac", io,
      [&](const audit::AuditService& service, const Requester& who, const ReportContext& ctx) {
        return service.TextMac(who, ctx, a.purpose, a.id, text);
      },
      [&](const std::string& mac) { io.out << mac << "\n"; });
  sodium_memzero(text.data(), text.size());
  return rc;
}

// One option per parameter the service takes, by its name and help; the
// values given are handed to the service as they are.
template <std::size_t N>
std::shared_ptr<Params> AddServiceParams(CLI::App& command,
                                         const std::array<audit::ParamSpec, N>& specs) {
  auto params = std::make_shared<Params>();
  for (const audit::ParamSpec& spec : specs) {
    std::string name = spec.name;
    command.add_option_function<std::string>(
        "--" + name, [params, name](const std::string& value) { (*params)[name] = value; },
        spec.help);
  }
  return params;
}

std::string EventTypeList() {
  std::string list;
  for (std::string_view type : audit::kEventTypes) {
    list += (list.empty() ? "" : ", ") + std::string(type);
  }
  return list;
}

}  // namespace

void AddAuditCommand(CLI::App& app, Io io, Action* action) {
  CLI::App* audit =
      app.add_subcommand("audit", "The audit log: verify, query, report, export, prove");
  audit->require_subcommand(1);

  CLI::App* verify = audit->add_subcommand(
      "verify", "Verify the chain and checkpoints: 0 intact; 1 names the first failing event");
  auto verify_config = std::make_shared<std::string>();
  AddConfigOption(*verify, verify_config.get());
  verify->callback([=] { *action = [=] { return Verify(*verify_config, io); }; });

  CLI::App* query =
      audit->add_subcommand("query", "The events matching the filters, as JSON lines");
  auto query_config = std::make_shared<std::string>();
  AddConfigOption(*query, query_config.get());
  auto query_params = AddServiceParams(*query, audit::kQueryFilters);
  query->footer("Event types (--type): " + EventTypeList() + ".");
  query->callback([=] { *action = [=] { return Query(*query_config, *query_params, io); }; });

  CLI::App* report = audit->add_subcommand(
      "report", "The access report for one person (AVG art. 15), in plain Dutch");
  auto report_config = std::make_shared<std::string>();
  AddConfigOption(*report, report_config.get());
  auto report_params = AddServiceParams(*report, audit::kReportParams);
  report->callback([=] { *action = [=] { return Report(*report_config, *report_params, io); }; });

  CLI::App* text_mac = audit->add_subcommand(
      "text-mac",
      "The MAC of a reason or field name you hold, to compare with an event's reason_mac or "
      "unknown_field_macs");
  auto mac_args = std::make_shared<TextMacArgs>();
  AddConfigOption(*text_mac, &mac_args->config);
  text_mac->add_option("--purpose", mac_args->purpose, "reason or field_name")->required();
  text_mac
      ->add_option("--id", mac_args->id,
                   "the request id (request_declined, supplier_failed, field_withheld) or meeting "
                   "id (retention_extended) the event names")
      ->required();
  text_mac
      ->add_option("--text-file", mac_args->text_file,
                   "a file holding the text (- for stdin); never the text itself")
      ->required();
  text_mac->add_flag("--exact", mac_args->exact,
                     "keep a trailing newline (by default one is not part of the text)");
  text_mac->callback([=] { *action = [=] { return TextMac(*mac_args, io); }; });
  AddAuditExportCommand(*audit, io, action);
  AddAuditProveCommand(*audit, io, action);
}

}  // namespace vh::gw::commands
