// wakeonlan: send Wake-on-LAN magic packets.
// A drop-in for Debian's wakeonlan 0.41 (same options, same packets), with
// interface selection, raw 0x0842 frames, SecureOn passwords, repeats and a
// dry run. Standard: AMD Magic Packet Technology white paper (1995).

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/run_main.h"
#include "wakeonlan.h"

int main(int argc, char** argv) {
  using namespace pxekit;
  Diag diag("wakeonlan");
  WakeonlanOptions options;

  CLI::App app(
      "Send Wake-on-LAN magic packets to the MAC addresses given as arguments, "
      "in a file (-f), or on standard input.",
      "wakeonlan");
  AddCommonOptions(app, options.common, ShortV::kVersion);
  AddValue(app, "-i,--ip", options.ip,
           "Destination IPv4 address or host name (default "
           "255.255.255.255; with -I, "
           "the interface's directed broadcast)",
           "IP");
  AddNumber(app, "-p,--port", options.wake.port,
            "Destination UDP port (default 9)", "PORT", 1, 65535);
  AddValue(app, "-f,--file", options.file,
           "Read 'MAC [IP [PORT]]' lines from FILE ('-' for standard input)",
           "FILE");
  AddRepeatable(app, "-I,--interface", options.wake.interfaces,
                "Send out of interface IF (repeatable)", "IF");
  app.add_flag("--all-interfaces", options.wake.all_interfaces,
               "Send out of every up, broadcast-capable IPv4 interface");
  app.add_flag("-e,--ethernet", options.wake.ethernet,
               "Send raw Ethernet frames of ethertype 0x0842 instead of UDP "
               "(needs root)");
  app.add_flag(
      "-b,--broadcast", options.wake.ethernet_broadcast,
      "With -e, send frames to ff:ff:ff:ff:ff:ff instead of the target MAC");
  AddValue(app, "-P,--password", options.password,
           "SecureOn password: 6 bytes (aa:bb:cc:dd:ee:ff) or 4 (a.b.c.d)",
           "PASS");
  AddNumber(app, "-c,--count", options.count,
            "Send each packet N times (default 1)", "N", 1, 100);
  AddNumber(app, "--interval", options.interval_ms,
            "Milliseconds between repeats with -c (default 100)", "MS", 0,
            60000);
  app.add_flag(
      "-n,--dry-run", options.dry_run,
      "Print where each packet would go and its payload in hex; send nothing");
  app.add_option("MAC", options.macs,
                 "MAC addresses (aa:bb:cc:dd:ee:ff, aa-bb-..., "
                 "aabb.ccdd.eeff, aabbccddeeff) or /etc/ethers names");

  if (auto status = ParseCommandLine(app, argc, argv, diag)) return *status;
  options.stdin_is_tty = ::isatty(STDIN_FILENO) == 1;
  return RunMain(diag, [&] { return RunWakeonlan(options, diag); });
}
