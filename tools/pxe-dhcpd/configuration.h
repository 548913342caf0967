#pragma once
// Reads -c FILE (with its includes) and the interface list, and hands them
// with the flags to ApplyFlags (lib/dhcpd/configuration.h). Used at start,
// by -t, and on every SIGHUP.

#include <string>
#include <vector>

#include "dhcpd/configuration.h"
#include "options.h"

namespace pxekit {

struct ConfigurationError {
  int exit_code = 0;  // 64 bad flag, 66 missing file, 78 bad file
  std::vector<std::string> earlier;  // a bad file's errors when it has several
  std::string message;
};

bool LoadConfiguration(const DhcpdOptions& options, Configuration* out,
                       ConfigurationError* error);

}  // namespace pxekit
