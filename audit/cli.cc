#include "audit/cli.h"

#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "audit/audit_keys.h"
#include "audit/audit_log.h"
#include "audit/report.h"
#include "audit/verifier.h"
#include "core/config.h"
#include "core/limits.h"
#include "crypto/hex.h"
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

Event QueryEvent(const ReportContext& ctx, const std::string& command, Json detail) {
  Event e;
  e.type = kAuditQuery;
  e.actor = CliActor(ctx.house);
  e.covenant = ctx.covenant;
  detail["command"] = command;
  e.detail = std::move(detail);
  e.outcome = "ok";
  return e;
}

Result<Config> LoadCliConfig(const Args& a) {
  std::string file = Flag(a, "config");
  if (file.empty()) return Status::InvalidArgument("usage", "--config F is required");
  return LoadConfig(file);
}

int Verify(const Config& config, std::ostream& out, std::ostream& err) {
  auto store_key = LoadStoreKey(config);
  if (!store_key.ok()) {
    err << "vhgate audit verify: " << store_key.status().message() << "\n";
    return kExitUsage;
  }
  auto pub = LoadSignPublicKey(config.keys_dir);
  if (!pub.ok()) {
    err << "vhgate audit verify: " << pub.status().message() << "\n";
    return kExitUsage;
  }
  AuditLogOptions o = AuditLogOptionsFor(config);
  if (!std::filesystem::exists(o.db_path)) {
    err << "vhgate audit verify: " << o.db_path << ": no audit store\n";
    return kExitUsage;
  }
  auto db = OpenAuditStore(o.db_path, *store_key);
  if (!db.ok()) {
    err << "vhgate audit verify: " << db.status().message() << "\n";
    return kExitUsage;
  }
  auto rep = VerifyStore(**db, *pub, o.checkpoint_path);
  db->reset();
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
    if (log.ok()) {
      Status s = (*log)
                     ->Append(QueryEvent(ctx, "verify",
                                         {{"intact", rep->intact}, {"events", rep->events}}))
                     .status();
      if (!s.ok()) err << "warning: this verification was not recorded: " << s.message() << "\n";
    } else {
      err << "warning: this verification was not recorded: " << log.status().message() << "\n";
    }
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

Status FilterFromArgs(const Args& a, const AuditLog& log, QueryFilter* f, Json* shown) {
  if (!Flag(a, "bsn").empty()) {
    f->subject = log.pseudonymizer().SubjectPseudonym(Flag(a, "bsn"));
    (*shown)["subject"] = f->subject;  // never the BSN itself
  }
  if (!Flag(a, "subject").empty()) f->subject = (*shown)["subject"] = Flag(a, "subject");
  if (!Flag(a, "partner").empty()) f->partner = (*shown)["partner"] = Flag(a, "partner");
  if (!Flag(a, "meeting").empty()) f->meeting = (*shown)["meeting"] = Flag(a, "meeting");
  if (!Flag(a, "type").empty()) f->type = (*shown)["type"] = Flag(a, "type");
  for (const char* k : {"from", "to"}) {
    std::string v = Flag(a, k);
    if (v.empty()) continue;
    auto t = ParseUtc(v);
    if (!t) return Status::InvalidArgument("usage", std::string("--") + k + ": not a time");
    (k == std::string("from") ? f->from : f->to) = *t;
    (*shown)[k] = v;
  }
  if (!Flag(a, "cursor").empty()) {
    try {
      f->after_seq = std::stoll(Flag(a, "cursor"));
    } catch (...) {
      return Status::InvalidArgument("usage", "--cursor: not a number");
    }
  }
  return Status::Ok();
}

int Query(const Args& a, const Config& config, std::ostream& out, std::ostream& err) {
  SystemClock clock;
  auto log = AuditLog::Open(config, clock);
  if (!log.ok()) {
    err << "vhgate audit query: " << log.status().message() << "\n";
    return kExitUsage;
  }
  QueryFilter f;
  Json shown = Json::object();
  Status s = FilterFromArgs(a, **log, &f, &shown);
  if (!s.ok()) {
    err << "vhgate audit query: " << s.message() << "\n";
    return kExitUsage;
  }
  bool all_pages = Flag(a, "limit").empty();
  if (!all_pages) {
    try {
      f.limit = static_cast<std::size_t>(std::stoul(Flag(a, "limit")));
    } catch (...) {
      err << "vhgate audit query: --limit: not a number\n";
      return kExitUsage;
    }
  } else {
    f.limit = limits::kMaxAuditPageSize;
  }
  std::vector<StoredEvent> events;
  int64_t next = 0;
  for (;;) {
    auto page = (*log)->Query(f);
    if (!page.ok()) {
      err << "vhgate audit query: " << page.status().message() << "\n";
      return kExitUsage;
    }
    for (auto& e : page->events) events.push_back(std::move(e));
    next = page->next_cursor;
    if (!all_pages || next == 0) break;
    f.after_seq = next;
  }
  ReportContext ctx = CovenantContext(config, err);
  Event qe = QueryEvent(ctx, "query", {{"filters", shown}, {"results", events.size()}});
  qe.subject = f.subject;
  s = (*log)->Append(std::move(qe)).status();
  if (!s.ok()) {  // no disclosure without its event
    err << "vhgate audit query: " << s.message() << "\n";
    return kExitFailed;
  }
  for (const auto& e : events) out << DumpJson(EventToJson(e)) << "\n";
  if (!all_pages && next != 0) err << "next cursor: " << next << "\n";
  return kExitOk;
}

int Report(const Args& a, const Config& config, std::ostream& out, std::ostream& err) {
  std::string bsn = Flag(a, "bsn");
  std::string format = Flag(a, "format").empty() ? "json" : Flag(a, "format");
  std::string copy = Flag(a, "copy").empty() ? "officer" : Flag(a, "copy");
  if (bsn.empty() || (format != "json" && format != "html") ||
      (copy != "officer" && copy != "subject")) {
    err << "usage: vhgate audit report --config F --bsn N [--format json|html] "
           "[--copy officer|subject]\n";
    return kExitUsage;
  }
  SystemClock clock;
  auto log = AuditLog::Open(config, clock);
  if (!log.ok()) {
    err << "vhgate audit report: " << log.status().message() << "\n";
    return kExitUsage;
  }
  QueryFilter f;
  f.subject = (*log)->pseudonymizer().SubjectPseudonym(bsn);
  f.chronological_all = true;
  auto page = (*log)->Query(f);
  if (!page.ok()) {
    err << "vhgate audit report: " << page.status().message() << "\n";
    return kExitUsage;
  }
  ReportContext ctx = CovenantContext(config, err);
  ReportOptions ro;
  ro.subject_copy = copy == "subject";
  Json report = BuildAccessReport(page->events, ctx, ro, clock.Now());
  Event qe = QueryEvent(
      ctx, "report", {{"format", format}, {"copy", copy}, {"entries", report["entries"].size()}});
  qe.subject = f.subject;
  Status s = (*log)->Append(std::move(qe)).status();
  if (!s.ok()) {
    err << "vhgate audit report: " << s.message() << "\n";
    return kExitFailed;
  }
  out << (format == "html" ? RenderAccessReportHtml(report) : DumpJson(report, 2) + "\n");
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
