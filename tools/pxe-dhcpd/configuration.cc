#include "configuration.h"

#include <cerrno>
#include <optional>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "dhcpconf/dhcpd_conf_parser.h"
#include "nl/interface_list.h"
#include "os/file.h"

namespace pxekit {

bool LoadConfiguration(const DhcpdOptions& options, Configuration* out,
                       ConfigurationError* error) {
  std::optional<DhcpdConf> file;
  if (!options.config.empty()) {
    auto text = ReadFileContents(options.config);
    if (!text) {
      int err = text.failure().sys_errno;
      // A file too big to be a configuration (-c /dev/zero) is a bad
      // configuration, not bad data.
      error->exit_code = err == EFBIG ? kExitConfig : ExitCodeForFileErrno(err);
      error->message = fmt::format("{}: {}", options.config, text.error());
      return false;
    }
    IncludeLoader loader = [](const std::string& path) -> Result<std::string> {
      return ReadFileContents(path);
    };
    std::vector<ConfError> conf_errors;
    file.emplace();
    if (!ParseDhcpdConf(*text, options.config, loader, &*file, &conf_errors)) {
      error->exit_code = kExitConfig;
      SummarizeConfErrors(conf_errors, options.config, &error->earlier,
                          &error->message);
      return false;
    }
  }
  std::string err;
  if (!ApplyFlags(options, std::move(file), options.config, ListInterfaces, out,
                  &err)) {
    error->exit_code = kExitUsage;
    error->message = std::move(err);
    return false;
  }
  return true;
}

}  // namespace pxekit
