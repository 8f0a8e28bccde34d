// `vhgate policy ...`: the covenant tools for privacy officers and operators.
// They read covenant files only (no configuration, no key, no store).
//
//   check F
//       0 when F is a valid covenant (a one-line summary on stdout); 1 with
//       one `F: /json/pointer: reason` line per problem on stdout.
//   explain F --overlegvorm O --field X --from S --to P [--ad-hoc]
//           [--client-present] [--supplier-ad-hoc] [--resident | --not-resident]
//       0; the decision, the winning rule and why (policy/explain.h). An
//       overlegvorm, field, supplier or recipient that is not in F exits 2
//       naming it (nothing on stdout).
//   matrix F --format md|html
//       0; per overlegvorm a table of fields against recipients
//       (policy/matrix.h).
//   diff OLD NEW
//       0 when NEW reveals nothing that OLD did not; 1 when some flow is new
//       or more revealing, or access around the tables widens
//       (policy/diff.h); one line per change on stdout, the counts on stderr.
// A covenant that does not load exits 1 with its problem lines on stdout.

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "gateway/commands/command.h"
#include "policy/covenant.h"
#include "policy/diff.h"
#include "policy/explain.h"
#include "policy/loader.h"
#include "policy/matrix.h"

namespace vh::gw::commands {
namespace {

using policy::Covenant;

// Loads F; on failure prints the problem lines and returns null.
std::shared_ptr<const Covenant> Load(const std::string& path, Io io) {
  std::vector<std::string> problems;
  auto loaded = policy::LoadCovenantFile(path, &problems);
  if (loaded.ok()) return *loaded;
  for (const std::string& line : problems) io.out << line << "\n";
  io.err << path << ": " << problems.size() << " problem" << (problems.size() == 1 ? "" : "s")
         << "\n";
  return nullptr;
}

int Check(const std::string& file, Io io) {
  auto c = Load(file, io);
  if (!c) return kExitFailed;
  std::size_t rules = 0;
  for (const policy::Overlegvorm& o : c->overlegvormen()) rules += o.rules.size();
  io.out << file << ": valid: convenant " << c->id() << " " << c->version() << ", "
         << c->partners().size() << " partners, " << c->fields().size() << " fields, "
         << c->overlegvormen().size() << " overlegvormen, " << rules << " rules, sha256 "
         << c->sha256() << "\n";
  return kExitOk;
}

struct ExplainArgs {
  std::string file;
  policy::ExplainQuestion question;
  bool resident = false, not_resident = false;
};

int Explain(ExplainArgs& a, Io io) {
  if (a.resident && a.not_resident) {
    io.err << "vhgate policy explain: --resident and --not-resident exclude each other\n";
    return kExitUsage;
  }
  if (a.resident || a.not_resident) a.question.resident = a.resident;
  auto c = Load(a.file, io);
  if (!c) return kExitFailed;
  auto text = policy::Explain(*c, a.question);
  if (!text.ok()) {
    io.err << "vhgate policy explain: " << text.status().message() << " (not in " << a.file
           << ")\n";
    return kExitUsage;
  }
  io.out << *text;
  return kExitOk;
}

int Matrix(const std::string& file, const std::string& format, Io io) {
  auto c = Load(file, io);
  if (!c) return kExitFailed;
  io.out << policy::RenderMatrix(
      *c, format == "html" ? policy::MatrixFormat::kHtml : policy::MatrixFormat::kMarkdown);
  return kExitOk;
}

int Diff(const std::string& old_file, const std::string& new_file, Io io) {
  auto a = Load(old_file, io);
  auto b = Load(new_file, io);
  if (!a || !b) return kExitFailed;
  policy::CovenantDiff diff = policy::DiffCovenants(*a, *b);
  io.out << diff.lines;
  io.err << diff.widening << " flow" << (diff.widening == 1 ? "" : "s")
         << " new or more revealing, " << diff.narrowing << " withdrawn or less revealing\n";
  return diff.widening > 0 ? kExitFailed : kExitOk;
}

void AddFile(CLI::App& command, const char* name, std::string* file, const char* help) {
  command.add_option(name, *file, help)->required()->type_name("");
}

}  // namespace

void AddPolicyCommand(CLI::App& app, Io io, Action* action) {
  CLI::App* policy = app.add_subcommand("policy", "Covenant tools: check, explain, matrix, diff");
  policy->require_subcommand(1);

  CLI::App* check = policy->add_subcommand(
      "check", "Validate a covenant file: 0 valid; 1 and one line per problem");
  auto check_file = std::make_shared<std::string>();
  AddFile(*check, "F", check_file.get(), "the covenant file");
  check->callback([=] { *action = [=] { return Check(*check_file, io); }; });

  CLI::App* explain =
      policy->add_subcommand("explain", "Explain one flow: the decision, the winning rule and why");
  auto e = std::make_shared<ExplainArgs>();
  AddFile(*explain, "F", &e->file, "the covenant file");
  policy::ExplainQuestion& q = e->question;
  explain->add_option("--overlegvorm", q.overlegvorm, "the overlegvorm id")
      ->required()
      ->type_name("O");
  explain->add_option("--field", q.field, "the field id")->required()->type_name("X");
  explain->add_option("--from", q.from, "the supplier (partner id or the house)")
      ->required()
      ->type_name("S");
  explain->add_option("--to", q.to, "the recipient (partner id or the house)")
      ->required()
      ->type_name("P");
  explain->add_flag("--ad-hoc", q.ad_hoc, "the recipient takes part ad hoc");
  explain->add_flag("--client-present", q.client_present, "the client is at the table");
  explain->add_flag("--supplier-ad-hoc", q.supplier_ad_hoc, "the supplier takes part ad hoc");
  explain->add_flag("--resident", e->resident, "the subject lives in the recipient's municipality");
  explain->add_flag("--not-resident", e->not_resident,
                    "the subject does not (without either: unknown, nobody's resident)");
  explain->callback([=] { *action = [=] { return Explain(*e, io); }; });

  CLI::App* matrix = policy->add_subcommand(
      "matrix", "The covenant as a table per overlegvorm: who sees which field, how");
  auto matrix_file = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  AddFile(*matrix, "F", matrix_file.get(), "the covenant file");
  matrix->add_option("--format", *format, "md (Markdown) or html")
      ->required()
      ->check(CLI::IsMember({"md", "html"}))
      ->type_name("md|html");
  matrix->callback([=] { *action = [=] { return Matrix(*matrix_file, *format, io); }; });

  CLI::App* diff = policy->add_subcommand(
      "diff", "What NEW reveals that OLD did not: 0 nothing; 1 and one line per widening");
  auto old_file = std::make_shared<std::string>();
  auto new_file = std::make_shared<std::string>();
  AddFile(*diff, "OLD", old_file.get(), "the covenant in force");
  AddFile(*diff, "NEW", new_file.get(), "the proposed covenant");
  diff->callback([=] { *action = [=] { return Diff(*old_file, *new_file, io); }; });
}

}  // namespace vh::gw::commands
