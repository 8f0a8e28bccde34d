// `vhgate audit prove --config F --event N --field X --value V [--string]`:
// tells a privacy officer whether V is the value event N disclosed (or
// accepted) of field X. It recomputes the keyed MAC of V's canonical JSON
// for X with the pseudonym key and compares it with the event's MACs of X
// (a dossier view's through its decision sets): audit::AuditService::Prove.
//
// V is JSON text (true, 3, "2026-01-15", {"gemeente": "Leiden"}); text that
// is not JSON is taken as a string, so `--value Leiden` means "Leiden";
// --string takes V as a string whatever it looks like (`--value 42
// --string` is "42", not 42).
//
// Exit: 0 when V is the value (one line saying where: subject pseudonym and
// supplier); 1 when it is not, or the event disclosed no value of X (one
// line; V is never printed); 2 for a usage error, an event number the log
// does not have, or a configuration, key or store that does not open. The
// question (event, field, whether it matched; never V) is itself an
// audit_query event.

#include <CLI/CLI.hpp>
#include <memory>

#include "core/json.h"
#include "gateway/commands/audit_common.h"

namespace vh::gw::commands {
namespace {

struct ProveFlags {
  std::string config, field, value;
  int64_t event = 0;
  bool as_string = false;
};

int RunProve(const ProveFlags& flags, Io io) {
  const std::string command = "vhgate audit prove";
  audit::ProveQuestion q;
  q.seq = flags.event;
  q.field = flags.field;
  if (flags.as_string) {
    q.value = flags.value;
  } else {
    auto parsed = ParseJson(flags.value);
    q.value = parsed.ok() ? *parsed : Json(flags.value);
  }
  SystemClock clock;
  auto opened = OpenAuditFor(flags.config, command, ModuleOptions::ForAuditLog(), clock, io);
  if (!opened.ok()) return kExitUsage;
  audit::AuditService service(opened->modules->audit(), clock);
  auto answer = service.Prove(CliRequester(opened->context, "prove"), opened->context, q);
  if (!answer.ok()) {
    if (answer.status().code() == Code::kNotFound) {
      io.err << command << ": --event: " << answer.status().message() << "\n";
      return kExitUsage;
    }
    io.err << command << ": " << answer.status().message() << "\n";
    return ExitFor(answer.status());
  }
  const std::string head = "event " + std::to_string(q.seq) + " (" + answer->type + "): ";
  if (answer->matches) {
    io.out << head << "the value given is the value of " << q.field << " it disclosed";
    for (const auto& [subject, supplier] : answer->where) {
      io.out << "; subject " << (subject.empty() ? "-" : subject) << ", from "
             << (supplier.empty() ? "-" : supplier);
    }
    io.out << "\n";
    return kExitOk;
  }
  if (answer->values == 0) {
    io.out << head << "it disclosed no value of " << q.field << "\n";
  } else {
    io.out << head << "the value given is NOT the value of " << q.field << " it disclosed ("
           << answer->values << " value(s) of that field compared)\n";
  }
  return kExitFailed;
}

}  // namespace

void AddAuditProveCommand(CLI::App& audit, Io io, Action* action) {
  CLI::App* prove = audit.add_subcommand(
      "prove", "Is V the value event N disclosed of field X? 0 it is; 1 it is not");
  auto flags = std::make_shared<ProveFlags>();
  AddConfigOption(*prove, &flags->config);
  prove->add_option("--event", flags->event, "the event's sequence number (seq)")
      ->required()
      ->check(CLI::Validator(
          [](std::string& v) {
            return !v.empty() && v.size() <= 18 && v.find_first_not_of("0123456789") == v.npos &&
                           v.find_first_not_of('0') != v.npos
                       ? std::string()
                       : std::string("not an event number (1, 2, 3, ...)");
          },
          ""))
      ->type_name("N");
  prove->add_option("--field", flags->field, "the covenant field id, e.g. casus.bekend_bij_partner")
      ->required()
      ->type_name("X");
  prove
      ->add_option("--value", flags->value,
                   "the value as JSON (true, 3, \"tekst\"); text that is not JSON is a string")
      ->required()
      ->type_name("V");
  prove->add_flag("--string", flags->as_string, "take --value as a string, whatever it looks like");
  prove->callback([=] { *action = [=] { return RunProve(*flags, io); }; });
}

}  // namespace vh::gw::commands
