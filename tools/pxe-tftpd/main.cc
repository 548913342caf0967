// pxe-tftpd: a TFTP server for PXE boot, a drop-in for tftpd-hpa's
// standalone mode. Standards: RFC 1350 (TFTP), RFC 2347 (options), RFC 2348
// (blksize), RFC 2349 (timeout, tsize), RFC 7440 (windowsize); RFC 1123
// 4.2.3.1 (Sorcerer's Apprentice).

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/run_main.h"
#include "tftpd.h"

int main(int argc, char** argv) {
  using namespace pxekit;
  Diag diag("pxe-tftpd");
  TftpdOptions options;

  CLI::App app(
      "Serve the files below ROOT over TFTP (RFC 1350, 2347-2349, 7440) to PXE "
      "clients. Runs in the foreground; options keep tftpd-hpa's meanings.",
      "pxe-tftpd");
  AddCommonOptions(app, options.common, ShortV::kVerbose);
  app.add_option("-a,--address", options.address,
                 "Listen on ADDR[:PORT] (IPv4; default 0.0.0.0:69)")
      ->type_name("ADDR[:PORT]");
  app.add_flag("-s,--secure", options.secure,
               "chroot into ROOT when started as root (paths are always "
               "confined to ROOT)");
  app.add_flag("-c,--create", options.create,
               "Allow write requests: create new files, overwrite "
               "world-writable ones");
  app.add_option("-u,--user", options.user,
                 "Drop privileges to USER after binding (default nobody when "
                 "started as root)")
      ->type_name("USER");
  app.add_option("-U,--umask", options.umask,
                 "umask for created files, octal (default 0; with -p, "
                 "inherited)")
      ->type_name("UMASK");
  app.add_flag("-p,--permissive", options.permissive,
               "Only Unix permissions decide (no world-readable/writable "
               "requirement)");
  app.add_option("-B,--blocksize", options.blocksize,
                 "Largest blksize granted (default 1468)")
      ->type_name("MAX")
      ->check(CLI::Range(512, 65464).description(""));
  app.add_option("-R,--port-range", options.port_range,
                 "Take transfer ports (server TIDs) from LO:HI")
      ->type_name("LO:HI");
  app.add_option(
         "-m,--map-file", options.map_file,
         "Remap file names with the tftpd-hpa rules in FILE (re-read on "
         "SIGHUP)")
      ->type_name("FILE");
  app.add_option("-r,--refuse", options.refuse,
                 "Ignore the option OPTION in requests (repeatable)")
      ->type_name("OPTION")
      ->allow_extra_args(false);
  app.add_option("-T,--retransmit", options.retransmit_us,
                 "Initial and longest base retransmit timeout in microseconds "
                 "(default 1000000; adapts down to the measured round trip)")
      ->type_name("USEC")
      ->check(CLI::Range(10000L, 255000000L).description(""));
  app.add_flag("-l,--listen", options.listen,
               "Accepted for tftpd-hpa compatibility (always standalone)");
  app.add_flag(
      "-L,--foreground", options.foreground,
      "Accepted for tftpd-hpa compatibility (always in the foreground)");
  app.add_option("-W,--max-window", options.max_window,
                 "Largest windowsize granted, RFC 7440 (default 64)")
      ->type_name("N")
      ->check(CLI::Range(1, 65535).description(""));
  app.add_option("--max-clients", options.max_clients,
                 "Transfers served at once; more requests are dropped (default "
                 "500)")
      ->type_name("N")
      ->check(CLI::Range(1, 100000).description(""));
  app.add_option("ROOT", options.root, "Directory to serve")->required();

  if (auto status = ParseCommandLine(app, argc, argv, diag)) return *status;
  return RunMain(diag, [&] { return RunTftpd(options, diag); });
}
