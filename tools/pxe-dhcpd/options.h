#pragma once
// pxe-dhcpd's command line, as main.cc fills it from CLI11.

#include <cstdint>
#include <string>
#include <vector>

#include "cli/common_options.h"

namespace pxekit {

struct DhcpdOptions {
  CommonOptions common;
  std::string config;  // -c; empty: flags only
  bool test_config = false;
  std::string lease_file = "/var/lib/pxekit/dhcpd.leases";
  bool foreground = false;  // accepted for ISC compatibility
  bool daemon = false;
  std::string pid_file;  // empty: /run/pxe-dhcpd.pid with --daemon, else none
  std::vector<std::string> interfaces;
  std::string listen;
  int port = 67;
  std::vector<std::string> subnets;  // --subnet, repeatable
  std::vector<std::string> ranges;   // --range, repeatable
  std::string router;
  std::vector<std::string> dns;
  std::string domain;
  std::uint32_t lease_time = 0;  // 0: not given
  std::string next_server;
  std::string filename;
  std::string efi_filename;
  std::string arm64_filename;
  std::string ipxe_script;
  std::string http_url;
  std::vector<std::string> hosts;  // MAC=IP[,NAME]
  bool proxy = false;
  std::string user;
};

}  // namespace pxekit
