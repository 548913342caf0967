#pragma once
// Turns -c FILE and the flags into one DhcpdConf + DhcpPolicySettings. Used at
// start, by -t, and on every SIGHUP.

#include <string>
#include <vector>

#include "dhcpconf/dhcpd_conf.h"
#include "dhcpd/policy.h"
#include "options.h"

namespace pxekit {

struct Configuration {
  DhcpdConf conf;
  DhcpPolicySettings settings;
};

struct ConfigurationError {
  int exit_code = 0;  // 64 bad flag, 66 missing file, 78 bad file
  std::vector<std::string> earlier;  // every error of a bad file but the last
  std::string message;
};

bool LoadConfiguration(const DhcpdOptions& options, Configuration* out,
                       ConfigurationError* error);

}  // namespace pxekit
