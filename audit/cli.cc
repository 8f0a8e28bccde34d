#include "audit/cli.h"

#include <pwd.h>
#include <unistd.h>

#include <map>

#include "audit/audit_keys.h"
#include "audit/audit_log.h"
#include "audit/audit_service.h"
#include "audit/report.h"
#include "core/config.h"
#include "core/limits.h"
#include "crypto/primitives.h"

namespace vh::audit {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// "--key value" and "--key=value"; bare words go to `positional`.
struct Args {
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;
  std::string error;
};

Args ParseArgs(const std::vector<std::string>& args, std::size_t from,
               std::initializer_list<std::string_view> bool_flags = {}) {
  Args a;
  for (std::size_t i = from; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s.rfind("--", 0) != 0) {
      a.positional.push_back(s);
      continue;
    }
    auto eq = s.find('=');
    if (eq != std::string::npos) {
      a.flags[s.substr(2, eq - 2)] = s.substr(eq + 1);
      continue;
    }
    std::string key = s.substr(2);
    bool is_bool = false;
    for (auto b : bool_flags) is_bool |= b == key;
    if (is_bool) {
      a.flags[key] = "true";
    } else if (i + 1 < args.size()) {
      a.flags[key] = args[++i];
    } else {
      a.error = "--" + key + " needs a value";
    }
  }
  return a;
}

std::string Flag(const Args& a, const std::string& key) {
  auto it = a.flags.find(key);
  return it == a.flags.end() ? std::string() : it->second;
}

Actor CliActor(const std::string& house) {
  std::string user = "uid-" + std::to_string(::getuid());
  if (const passwd* pw = ::getpwuid(::getuid())) user = pw->pw_name;
  return Actor{house, "cli", "cli:" + user, "", "local"};
}

// The covenant's display data, for reports and the house id, and its stamp
// (the sha256 of the file's bytes). A covenant that cannot be read leaves
// ids in place of labels.
ReportContext CovenantContext(const Config& config, std::ostream& err) {
  if (config.policy.empty()) return {};
  auto text = ReadFile(config.policy, limits::kMaxCovenantBytes);
  if (!text.ok()) {
    err << "warning: " << text.status().message() << "; the report shows ids, not labels\n";
    return {};
  }
  JsonLimits lim;
  lim.max_bytes = limits::kMaxCovenantBytes;
  lim.allow_comments = true;
  auto j = ParseJson(*text, lim);
  if (!j.ok()) {
    err << "warning: " << config.policy << ": not JSON; the report shows ids, not labels\n";
    return {};
  }
  ReportContext ctx = ReportContextFromCovenantJson(*j);
  ctx.covenant.sha256 = crypto::Sha256Hex(*text);
  return ctx;
}

// The CLI acts for the house (it runs where the keys are): it sees every
// event. Its audit_query events name the OS user and the command.
Requester CliRequester(const ReportContext& ctx, const std::string& command) {
  Requester who;
  who.actor = CliActor(ctx.house);
  who.origin = {{"command", command}};
  who.outcome = "ok";
  who.style = ParamStyle{"--"};
  return who;
}

// The flags that are not the command's own, for the service to parse.
Params ServiceParams(const Args& a) {
  Params p = a.flags;
  p.erase("config");
  return p;
}

// Refusals of the parameters are usage errors (2); anything else failed (1).
int ExitFor(const Status& s) {
  return s.code() == Code::kInvalidArgument || s.code() == Code::kUnprocessable ? kExitUsage
                                                                                : kExitFailed;
}

Result<Config> LoadCliConfig(const Args& a) {
  std::string file = Flag(a, "config");
  if (file.empty()) return Status::InvalidArgument("usage", "--config F is required");
  return LoadConfig(file);
}

int Verify(const Config& config, std::ostream& out, std::ostream& err) {
  // With the store key and the public key only (separation of duties).
  auto rep = VerifyWithoutSecrets(config);
  if (!rep.ok()) {
    err << "vhgate audit verify: " << rep.status().message() << "\n";
    return kExitUsage;
  }
  // The verification is itself an audit event. It is written after the
  // check (a broken log is reported either way); a log that refuses to open
  // for writing says why on err.
  {
    SystemClock clock;
    ReportContext ctx = CovenantContext(config, err);
    auto log = AuditLog::Open(config, clock);
    Status s =
        log.ok()
            ? AuditService(**log, clock).RecordVerification(CliRequester(ctx, "verify"), ctx, *rep)
            : log.status();
    if (!s.ok()) err << "warning: this verification was not recorded: " << s.message() << "\n";
  }
  if (!rep->intact) {
    out << "NOT INTACT: " << rep->problem << "\n";
    out << "checked " << rep->events << " events before the failure\n";
    return kExitFailed;
  }
  out << "intact: " << rep->events << " events, " << rep->checkpoints << " checkpoint signatures";
  if (rep->last_checkpoint) {
    out << ", last checkpoint at event " << rep->last_checkpoint->seq << " ("
        << rep->last_checkpoint->time << ")";
  }
  out << "\n";
  return kExitOk;
}

int Query(const Args& a, const Config& config, std::ostream& out, std::ostream& err) {
  SystemClock clock;
  auto log = AuditLog::Open(config, clock);
  if (!log.ok()) {
    err << "vhgate audit query: " << log.status().message() << "\n";
    return kExitUsage;
  }
  ReportContext ctx = CovenantContext(config, err);
  AuditService service(**log, clock);
  // All pages unless --limit.
  auto page = service.Query(CliRequester(ctx, "query"), ctx, ServiceParams(a), true);
  if (!page.ok()) {  // no disclosure without its event
    err << "vhgate audit query: " << page.status().message() << "\n";
    return ExitFor(page.status());
  }
  for (const auto& e : page->events) out << DumpJson(EventToJson(e)) << "\n";
  if (page->next_cursor != 0) err << "next cursor: " << page->next_cursor << "\n";
  return kExitOk;
}

int Report(const Args& a, const Config& config, std::ostream& out, std::ostream& err) {
  SystemClock clock;
  auto log = AuditLog::Open(config, clock);
  if (!log.ok()) {
    err << "vhgate audit report: " << log.status().message() << "\n";
    return kExitUsage;
  }
  ReportContext ctx = CovenantContext(config, err);
  AuditService service(**log, clock);
  auto report = service.Report(CliRequester(ctx, "report"), ctx, ServiceParams(a));
  if (!report.ok()) {
    err << "vhgate audit report: " << report.status().message() << "\n";
    if (report.status().reason() == "bad_query") {
      err << "usage: vhgate audit report --config F (--bsn N | --meeting M --ref R) "
             "[--format json|html] "
             "[--copy officer|subject]\n";
    }
    return ExitFor(report.status());
  }
  out << (report->html.empty() ? DumpJson(report->json, 2) + "\n" : report->html);
  return kExitOk;
}

}  // namespace

int RunKeysCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] != "init") {
    err << "usage: vhgate keys init --config F\n";
    return kExitUsage;
  }
  Args a = ParseArgs(args, 1);
  if (!a.error.empty()) {
    err << "vhgate keys init: " << a.error << "\n";
    return kExitUsage;
  }
  auto config = LoadCliConfig(a);
  if (!config.ok()) {
    err << "vhgate keys init: " << config.status().message() << "\n";
    return kExitUsage;
  }
  Status s = InitKeys(*config, out);
  if (!s.ok()) {
    err << "vhgate keys init: " << s.message() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

int RunAuditCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || (args[0] != "verify" && args[0] != "query" && args[0] != "report")) {
    err << "usage: vhgate audit verify|query|report --config F [...]\n";
    return kExitUsage;
  }
  Args a = ParseArgs(args, 1);
  if (!a.error.empty() || !a.positional.empty()) {
    err << "vhgate audit " << args[0] << ": "
        << (a.error.empty() ? "unexpected argument " + a.positional[0] : a.error) << "\n";
    return kExitUsage;
  }
  if (!crypto::InitCrypto().ok()) return kExitUsage;
  auto config = LoadCliConfig(a);
  if (!config.ok()) {
    err << "vhgate audit " << args[0] << ": " << config.status().message() << "\n";
    return kExitUsage;
  }
  if (args[0] == "verify") return Verify(*config, out, err);
  if (args[0] == "query") return Query(a, *config, out, err);
  return Report(a, *config, out, err);
}

}  // namespace vh::audit
