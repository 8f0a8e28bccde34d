#pragma once
// ParseCommandLine: CLI11 parsing with the project's usage errors, for
// `vhgate` (command_line.cc) and the tools beside it (vhgate-partner,
// vhgate-loadgen). Header-only: the tools link none of the libraries.
//
// Every command of `app` (the app and its subcommands, at any depth) lets
// words nobody takes through, so that they are named rather than met with
// CLI11's generic texts: an unknown flag ("unknown flag --bns", its value
// after '=' left out), an unknown command where one was expected ("unknown
// command 'x' (a, b)"), an argument too many ("unexpected argument 'x'").
// Such a word is named before any other problem of the line (a missing
// required flag, a bad value), which is otherwise CLI11's message in one
// line.
//
// Returns nullopt when the line parsed with nothing left over. Otherwise the
// exit status, after writing: for --help or --version, the text to `out`
// (0); for anything else ONE line "<program> <command>...: <problem>" to
// `err` (2).

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace vh::cli {
namespace parse_detail {

inline std::vector<CLI::App*> Subcommands(CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

inline void AllowExtrasEverywhere(CLI::App& app) {
  app.allow_extras();
  for (CLI::App* sub : Subcommands(app)) AllowExtrasEverywhere(*sub);
}

// The deepest command parsed ("vhgate audit query") and its path.
inline CLI::App* Deepest(CLI::App& app, std::string* path) {
  CLI::App* at = &app;
  *path = app.get_name();
  for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands()) {
    at = subs.front();
    *path += " " + at->get_name();
  }
  return at;
}

inline std::string SubcommandNames(CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : Subcommands(app)) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return names;
}

inline std::string ExtraProblem(CLI::App& at, const std::string& word) {
  if (word.size() > 1 && word[0] == '-') return "unknown flag " + word.substr(0, word.find('='));
  if (!Subcommands(at).empty()) {
    return "unknown command '" + word + "' (" + SubcommandNames(at) + ")";
  }
  return "unexpected argument '" + word + "'";
}

inline std::string ParseProblem(CLI::App& at, const CLI::ParseError& e) {
  std::string what = e.what();
  what = what.substr(0, what.find('\n'));
  if (e.get_name() == "RequiredError" && what.find("subcommand") != std::string::npos) {
    return "a command is required (" + SubcommandNames(at) + ")";
  }
  if (auto pos = what.find(": 1 required "); pos != std::string::npos) {
    return what.substr(0, pos) + " needs a value";
  }
  return what;
}

}  // namespace parse_detail

inline std::optional<int> ParseCommandLine(CLI::App& app, const std::vector<std::string>& args,
                                           std::ostream& out, std::ostream& err) {
  using namespace parse_detail;
  AllowExtrasEverywhere(app);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  std::string problem;
  try {
    app.parse(reversed);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    std::string path;
    problem = ParseProblem(*Deepest(app, &path), e);
  }
  std::string path;
  CLI::App* at = Deepest(app, &path);
  if (const std::vector<std::string> extras = app.remaining(true); !extras.empty()) {
    problem = ExtraProblem(*at, extras[0]);
  }
  if (problem.empty()) return std::nullopt;
  err << path << ": " << problem << "\n";
  return 2;
}

inline std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv, std::ostream& out,
                                           std::ostream& err) {
  return ParseCommandLine(app, std::vector<std::string>(argv + 1, argv + argc), out, err);
}

}  // namespace vh::cli
