// pxe-dhcpd: a PXE-aware DHCPv4 server (authoritative or proxyDHCP) that
// reads the ISC dhcpd.conf subset PXE setups use.
// Standards: RFC 2131, 2132, 3004, 3046, 3396, 4578, 6842; PXE 2.1.

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/run_main.h"
#include "pxe_dhcpd.h"

int main(int argc, char** argv) {
  using namespace pxekit;
  Diag diag("pxe-dhcpd");
  DhcpdOptions options;

  CLI::App app(
      "A PXE-aware DHCPv4 server. Configure it with an ISC dhcpd.conf subset "
      "(-c), with flags, or both (flags apply after the file).",
      "pxe-dhcpd");
  AddCommonOptions(app, options.common, ShortV::kVerbose);
  app.add_option("-c,--config", options.config,
                 "Read the dhcpd.conf subset from FILE")
      ->type_name("FILE");
  app.add_flag("-t,--test-config", options.test_config,
               "Check the configuration and exit (0 good, 78 bad)");
  app.add_option("--lease-file", options.lease_file,
                 "Lease file (default /var/lib/pxekit/dhcpd.leases)")
      ->type_name("PATH");
  app.add_flag("-f,--foreground", options.foreground,
               "Stay in the foreground (the default; for ISC compatibility)");
  app.add_flag("--daemon", options.daemon,
               "Fork into the background once the sockets are bound, and "
               "write a pid file");
  app.add_option("--pid-file", options.pid_file,
                 "Write the server's PID to PATH (default with --daemon: "
                 "/run/pxe-dhcpd.pid)")
      ->type_name("PATH");
  app.add_option("-i,--interface", options.interfaces,
                 "Serve on interface IF (repeatable)")
      ->type_name("IF")
      ->allow_extra_args(false);
  app.add_option("--listen", options.listen,
                 "Bind to ADDR instead of all addresses (relay-only service)")
      ->type_name("ADDR");
  app.add_option("--port", options.port, "UDP port to serve (default 67)")
      ->type_name("PORT")
      ->check(CLI::Range(1, 65535).description(""));
  app.add_option("--subnet", options.subnets,
                 "Serve subnet CIDR (e.g. 198.18.0.0/24; repeatable, one "
                 "per interface)")
      ->type_name("CIDR")
      ->allow_extra_args(false);
  app.add_option("--range", options.ranges,
                 "Hand out addresses A to B of the subnet that holds them "
                 "(without --subnet: the subnet of the interface that has an "
                 "address in it; repeatable)")
      ->type_name("A-B")
      ->allow_extra_args(false);
  app.add_option("--router", options.router, "Default gateway (option 3)")
      ->type_name("IP");
  app.add_option("--dns", options.dns, "DNS server (option 6, repeatable)")
      ->type_name("IP")
      ->allow_extra_args(false);
  app.add_option("--domain", options.domain, "Domain name (option 15)")
      ->type_name("NAME");
  app.add_option("--lease-time", options.lease_time,
                 "Default lease time in seconds (default 43200)")
      ->type_name("S")
      ->check(CLI::Range(60u, 0xffffffffu).description(""));
  app.add_option("--next-server", options.next_server,
                 "TFTP server for siaddr (default: this server's address)")
      ->type_name("IP");
  app.add_option("--filename", options.filename,
                 "Boot file for BIOS clients, and the default")
      ->type_name("FILE");
  app.add_option("--efi-filename", options.efi_filename,
                 "Boot file for x64 UEFI clients (arch 7 and 9)")
      ->type_name("FILE");
  app.add_option("--arm64-filename", options.arm64_filename,
                 "Boot file for ARM64 UEFI clients (arch 11)")
      ->type_name("FILE");
  app.add_option("--ipxe-script", options.ipxe_script,
                 "Boot script URL for clients whose user class is iPXE")
      ->type_name("URL");
  app.add_option(
         "--http-url", options.http_url,
         "Boot URL for UEFI HTTP boot clients (vendor class HTTPClient)")
      ->type_name("URL");
  app.add_option("--host", options.hosts,
                 "Reserve IP for MAC, optionally naming it (repeatable)")
      ->type_name("MAC=IP[,NAME]")
      ->allow_extra_args(false);
  app.add_flag("--proxy", options.proxy,
               "proxyDHCP: hand out no addresses, answer PXE clients on 67 "
               "and 4011");
  app.add_option("--user", options.user,
                 "Drop root for USER after binding the sockets")
      ->type_name("USER");

  if (auto status = ParseCommandLine(app, argc, argv, diag)) return *status;
  return RunMain(diag, [&] { return RunDhcpd(options, diag); });
}
