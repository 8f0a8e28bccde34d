#pragma once
// The `vhgate` command line (gateway/README.md "The command line"), on CLI11:
//
//   vhgate serve --config F
//   vhgate policy check F | explain F --overlegvorm O --field X --from S --to P [...]
//                | matrix F --format md|html | diff OLD NEW
//   vhgate keys init --config F
//   vhgate audit verify|query|report --config F [...]
//   vhgate retention run --config F
//   vhgate config check --config F
//   vhgate stats --config F --from D --to D [--format md|csv]
//   vhgate --version
//
// `--help` on every command and subcommand prints its flags to `out` and
// exits 0. An unknown command or flag, a missing required flag or argument,
// an extra argument or a bad value exits 2 with ONE line on `err` naming the
// problem, prefixed with the command ("vhgate audit query: unknown flag
// --bns"); nothing runs then. Otherwise the command's own exit status and
// output (gateway/commands/command.h says where each lives).
//
// Thread-safety: one call at a time per process (the commands use the
// process's clock, libsodium and, for serve, its signals).

#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"

namespace vh::gw {

// "vhgate <PROJECT_VERSION>", as --version prints it.
std::string VersionLine();

// `args` are the words after the program name.
int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// The same on `clock` instead of the system clock, for every command that
// reads the time (serve, retention, stats, audit). `vhgate` itself always
// runs on the system clock; only the test binary vhgate-test
// (tests/support/test_clock_main.cc, never installed) passes another.
int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                   const Clock& clock);

}  // namespace vh::gw
