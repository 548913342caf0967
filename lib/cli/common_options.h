#pragma once
// The options every pxekit program shares, defined once:
//   -h/--help, --version, -v (verbose; version in wakeonlan), -q/--quiet.

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pxekit {

class Diag;

struct CommonOptions {
  int verbose = 0;
  bool quiet = false;

  // Verbosity for Diag: -1 quiet, 0 normal, N for N times -v.
  int Verbosity() const { return quiet ? -1 : verbose; }
};

enum class ShortV {
  kVerbose,  // -v is --verbose (every program but wakeonlan)
  kVersion,  // -v is --version (Debian's wakeonlan); --verbose stays long-only
};

// "prog (pxekit) X.Y.Z"
std::string VersionString(const std::string& prog);

void AddCommonOptions(CLI::App& app, CommonOptions& options, ShortV short_v);

// An option that takes one value, shown in --help as `type` ("--root DIR",
// not CLI11's "--root TEXT"): every option with a value names what it takes.
template <typename T>
CLI::Option* AddValue(CLI::App& app, const std::string& name, T& value,
                      const std::string& help, const std::string& type) {
  return app.add_option(name, value, help)->type_name(type);
}

// An option that may be given several times, one value each time
// ("-i eth0 -i eth1"; in "-i eth0 eth1" the eth1 is not the option's), shown
// in --help as `type`.
template <typename T>
CLI::Option* AddRepeatable(CLI::App& app, const std::string& name,
                           std::vector<T>& values, const std::string& help,
                           const std::string& type) {
  return app.add_option(name, values, help)
      ->type_name(type)
      ->allow_extra_args(false);
}

// A number from `lo` to `hi`, shown in --help as `type` without CLI11's
// range note (the help text gives the default; a value outside the range is
// refused as "--port: '70000' is not in 1-65535").
template <typename T, typename Bound>
CLI::Option* AddNumber(CLI::App& app, const std::string& name, T& value,
                       const std::string& help, const std::string& type,
                       Bound lo, Bound hi) {
  return app.add_option(name, value, help)
      ->type_name(type)
      ->check(CLI::Range(lo, hi).description(""));
}

// A subcommand that, when it is given, sets `command` to `value`: the
// program then runs what `command` names.
template <typename Command>
CLI::App* AddCommand(CLI::App& app, const std::string& name,
                     const std::string& help, Command& command, Command value) {
  CLI::App* sub = app.add_subcommand(name, help);
  sub->callback([&command, value] { command = value; });
  return sub;
}

// Parses argv with pxekit's exit codes instead of CLI11's 100-114.
// Returns nullopt to go on, or the status to exit with: 0 after --help or
// --version, 64 after a usage error (reported through `diag` as
// "what: why"). Rules for every program and subcommand, checked here before
// the program acts (command_line.cc):
//   - an empty value ("-i ''", "--ip=", an empty positional) is a usage
//     error: "--ip: empty value";
//   - integer options take decimal numbers only: "--port: '0x10' is not a
//     decimal number", "--port: '9x' is not a number";
//   - "unknown option --bogus", "unknown subcommand 'frob'", "unexpected
//     argument 'x'", "--ip: no value given", "--port: '70000' is not in
//     1-65535" instead of CLI11's sentences.
// Call it once per app: it adds a validator to every option.
std::optional<int> ParseCommandLine(CLI::App& app, int argc,
                                    const char* const* argv, Diag& diag);

// "prog sub" for a subcommand, "prog" for the program.
std::string CommandPath(const CLI::App& app);

// What to run for help on what was given: "prog", or "prog sub" once a
// subcommand was parsed (its options are in its own --help, not in the
// program's). Usage errors end with "try 'HelpCommand --help' for more
// information".
std::string HelpCommand(const CLI::App& app);

// For a program of subcommands (pxe-mkcfg, pxe-exports, pxe-poweroff): at
// most one, and none is not CLI11's "a subcommand is required", so that a
// misspelt one is named as unexpected; -v and -q work after it too.
void AllowOneSubcommand(CLI::App& app);

// ParseCommandLine for a program that needs one of its subcommands: none is a
// usage error (64) that lists them, "no subcommand: a, b or c", and points
// at --help.
std::optional<int> ParseSubcommandLine(CLI::App& app, int argc,
                                       const char* const* argv, Diag& diag);

}  // namespace pxekit
