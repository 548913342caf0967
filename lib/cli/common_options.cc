#include "cli/common_options.h"

#include <vector>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"

#include "pxekit/version.h"

namespace pxekit {

std::string VersionString(const std::string& prog) {
  return fmt::format("{} (pxekit) {}", prog, kVersion);
}

void AddCommonOptions(CLI::App& app, CommonOptions& options, ShortV short_v) {
  app.set_help_flag("-h,--help", "Print this help and exit");
  const char* group = "Common options";
  // Debian's wakeonlan has -v for --version; everywhere else it is --verbose.
  bool v_is_version = short_v == ShortV::kVersion;
  app.set_version_flag(v_is_version ? "-v,-V,--version" : "-V,--version",
                       VersionString(app.get_name()),
                       "Print the version and exit")
      ->group(group);
  app.add_flag(v_is_version ? "--verbose" : "-v,--verbose", options.verbose,
               "Print more detail on stderr (repeatable)")
      ->group(group);
  app.add_flag("-q,--quiet", options.quiet, "Print only errors")->group(group);
}

std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* up = app.get_parent(); up != nullptr;
       up = up->get_parent())
    path = up->get_name() + " " + path;
  return path;
}

std::string HelpCommand(const CLI::App& app) {
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty())
    current = current->get_subcommands().back();
  return CommandPath(*current);
}

void AllowOneSubcommand(CLI::App& app) {
  app.require_subcommand(0, 1);
  app.fallthrough();
}

std::optional<int> ParseSubcommandLine(CLI::App& app, int argc,
                                       const char* const* argv, Diag& diag) {
  if (auto status = ParseCommandLine(app, argc, argv, diag)) return status;
  if (!app.get_subcommands().empty()) return std::nullopt;
  std::vector<std::string> names;
  for (const CLI::App* sub :
       app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  std::string list = names.empty() ? "" : names.back();
  if (names.size() > 1)
    list = fmt::format("{} or {}",
                       fmt::join(names.begin(), names.end() - 1, ", "), list);
  diag.Error("no subcommand: {}", list);
  diag.Error("try '{} --help' for more information", app.get_name());
  return kExitUsage;
}

}  // namespace pxekit
