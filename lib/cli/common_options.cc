#include "cli/common_options.h"

#include <fmt/format.h>

#include "pxekit/version.h"

namespace pxekit {

std::string VersionString(const std::string& prog) {
  return fmt::format("{} (pxekit) {}", prog, kVersion);
}

void AddCommonOptions(CLI::App& app, CommonOptions& options, ShortV short_v) {
  app.set_help_flag("-h,--help", "Print this help and exit");
  const char* group = "Common options";
  if (short_v == ShortV::kVersion) {
    app.set_version_flag("-v,-V,--version", VersionString(app.get_name()),
                         "Print the version and exit")
        ->group(group);
    app.add_flag("--verbose", options.verbose,
                 "Print more detail on stderr (repeatable)")
        ->group(group);
  } else {
    app.set_version_flag("-V,--version", VersionString(app.get_name()),
                         "Print the version and exit")
        ->group(group);
    app.add_flag("-v,--verbose", options.verbose,
                 "Print more detail on stderr (repeatable)")
        ->group(group);
  }
  app.add_flag("-q,--quiet", options.quiet, "Print only errors")->group(group);
}

}  // namespace pxekit
