#pragma once
// pxe-dhcpd's command line, as main.cc fills it from CLI11.

#include <string>

#include "cli/common_options.h"
#include "dhcpd/configuration.h"

namespace pxekit {

// The flags that shape the configuration are in DhcpdFlags
// (lib/dhcpd/configuration.h); these are the rest.
struct DhcpdOptions : DhcpdFlags {
  CommonOptions common;
  std::string config;  // -c; empty: flags only
  bool test_config = false;
  std::string lease_file = "/var/lib/pxekit/dhcpd.leases";
  std::string lease_store;  // libpq connection string; empty: the file
  bool init_store = false;
  std::string import_leases;  // a dhcpd.leases file to copy into the store
  bool foreground = false;    // accepted for ISC compatibility
  bool daemon = false;
  std::string pid_file;  // empty: /run/pxe-dhcpd.pid with --daemon, else none
  std::string listen;
  bool wait_interfaces = false;  // start even if an interface is not ready
  int port = 67;
  std::string user;
};

}  // namespace pxekit
