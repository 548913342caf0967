// pxe-mkcfg: boot configs per host, and the answer to "which config will
// this machine get?". Subcommands write pxelinux, GRUB and iPXE configs and
// ISC dhcpd host blocks, print the order in which a loader looks for its
// config, and check a TFTP tree. Standards: syslinux 6.04 pxelinux.txt and
// syslinux.cfg.txt; GRUB 2.06 manual "Network"; ipxe.org/scripting;
// dhcpd.conf(5).

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "mkcfg.h"

namespace {

using pxekit::MkcfgCommand;
using pxekit::MkcfgOptions;

void AddOutputOptions(CLI::App& sub, MkcfgOptions& options) {
  pxekit::AddValue(sub, "--root", options.root,
                   "Write the files under DIR (the TFTP root); without it, "
                   "print them",
                   "DIR");
  sub.add_flag("--force", options.force,
               "Replace files that pxe-mkcfg did not write or that were "
               "edited by hand");
}

void AddHostOptions(CLI::App& sub, MkcfgOptions& options) {
  pxekit::AddValue(sub, "-f,--file", options.hosts_file,
                   "Read 'MAC [IP [NAME [LABEL]]]' host lines from FILE ('-' "
                   "for standard input)",
                   "FILE");
}

void AddBootOptions(CLI::App& sub, MkcfgOptions& options) {
  AddOutputOptions(sub, options);
  pxekit::AddValue(sub, "--label", options.spec.label,
                   "Name of the boot entry (default linux)", "L");
  pxekit::AddValue(sub, "--kernel", options.spec.kernel, "Kernel to boot", "K")
      ->required();
  pxekit::AddRepeatable(sub, "--initrd", options.spec.initrds,
                        "Initial ramdisk (repeatable, loaded in order)", "I");
  pxekit::AddValue(sub, "--append", options.spec.append,
                   "Extra kernel arguments, added last", "ARGS");
  pxekit::AddValue(sub, "--nfsroot", options.spec.nfsroot,
                   "Root file system over NFS: adds root=/dev/nfs "
                   "nfsroot=SERVER:/PATH ip=dhcp",
                   "SERVER:/PATH");
  sub.add_flag("--casper", options.spec.casper,
               "Ubuntu live system over NFS: adds boot=casper netboot=nfs "
               "(needs --nfsroot)");
  pxekit::AddNumber(
      sub, "--timeout", options.timeout_s,
      "Seconds the prompt or menu waits before it boots the entry, "
      "in every loader; 0 boots at once (default: at once, or for "
      "ever with --prompt or --menu)",
      "SECONDS", 0, pxekit::kMaxTimeoutSeconds);
  sub.add_flag("--prompt", options.spec.prompt,
               "Always show the boot prompt (PROMPT 1)");
  sub.add_flag("--menu", options.spec.menu,
               "Show a menu (pxelinux: UI menu.c32; iPXE: menu and choose)");
  pxekit::AddRepeatable(
      sub, "--host", options.hosts,
      "Write a per-host file for this MAC, optionally with its own "
      "label (repeatable)",
      "MAC[,LABEL]");
  AddHostOptions(sub, options);
}

// A subcommand that writes boot menus: the boot options, and `command`.
CLI::App* AddBootCommand(CLI::App& app, MkcfgOptions& options,
                         const std::string& name, const std::string& help,
                         MkcfgCommand command) {
  auto* sub = pxekit::AddCommand(app, name, help, options.command, command);
  AddBootOptions(*sub, options);
  return sub;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pxekit;
  Diag diag("pxe-mkcfg");
  MkcfgOptions options;

  CLI::App app(
      "Write pxelinux, GRUB and iPXE boot configs and dhcpd host blocks, show "
      "which config a machine gets, and check a TFTP tree.",
      "pxe-mkcfg");
  AddCommonOptions(app, options.common, ShortV::kVerbose);
  AllowOneSubcommand(app);

  AddBootCommand(app, options, "pxelinux",
                 "Write pxelinux.cfg/default or pxelinux.cfg/01-<mac> files",
                 MkcfgCommand::kPxelinux);
  auto* grub = AddBootCommand(
      app, options, "grub",
      "Write grub.cfg or grub.cfg-01-<mac> and grub.cfg-<HEXIP> files",
      MkcfgCommand::kGrub);
  AddValue(*grub, "--grub-prefix", options.grub_prefix,
           "GRUB's prefix under the TFTP root (default boot/grub)", "DIR");
  AddValue(*grub, "--server", options.grub_server,
           "Also build PREFIX/x86_64-efi/core.efi (grub-mkimage) "
           "that loads from this TFTP server, and write paths "
           "relative to it: for clients behind a foreign DHCP "
           "server (pxe-dhcpd --proxy); needs --root",
           "ADDR");
  AddValue(*grub, "--target", options.grub_target,
           "The --server image's platform: x86_64-efi (default) or "
           "arm64-efi (DIR/arm64-efi/core.efi, for pxe-dhcpd "
           "--arm64-filename)",
           "PLATFORM");
  AddValue(*grub, "--module-dir", options.grub_module_dir,
           "Where the platform's GRUB modules are (default "
           "/usr/lib/grub/PLATFORM)",
           "DIR");
  auto* secure_boot =
      grub->add_flag("--secure-boot", options.secure_boot,
                     "For UEFI Secure Boot: copy the signed shim as "
                     "shimx64.efi (the boot file) and the signed GRUB "
                     "beside it as grubx64.efi, and write grub/grub.cfg, "
                     "where that GRUB looks; needs --root");
  AddValue(*grub, "--shim", options.shim,
           "The signed shim (default "
           "/usr/lib/shim/shimx64.efi.signed, from shim-signed)",
           "FILE")
      ->needs(secure_boot);
  AddValue(*grub, "--signed-grub", options.signed_grub,
           "The signed GRUB netboot image (default "
           "/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed, "
           "from grub-efi-amd64-signed)",
           "FILE")
      ->needs(secure_boot);
  // The signed GRUB's prefix is built in, and it reads one config only.
  for (const char* other : {"--server", "--grub-prefix", "--host", "--file",
                            "--target", "--module-dir"})
    secure_boot->excludes(grub->get_option(other));
  auto* ipxe =
      AddBootCommand(app, options, "ipxe",
                     "Write default.ipxe, which chains mac-<hex>.ipxe per host",
                     MkcfgCommand::kIpxe);
  AddValue(*ipxe, "--http-base", options.http_base,
           "Load the kernel and initrds over HTTP from URL/PATH "
           "(http:// or https://) instead of beside the script",
           "URL");

  auto* dhcpd =
      AddCommand(app, "dhcpd-hosts",
                 "Print ISC dhcpd host blocks for 'MAC IP [NAME]' lines",
                 options.command, MkcfgCommand::kDhcpdHosts);
  AddHostOptions(*dhcpd, options);
  AddValue(*dhcpd, "--next-server", options.next_server,
           "TFTP server address for these hosts", "IP");
  AddValue(*dhcpd, "--filename", options.filename,
           "Boot file for these hosts (e.g. pxelinux.0)", "FILE");
  AddValue(*dhcpd, "-o,--output", options.output,
           "Write to FILE atomically instead of standard output", "FILE");
  dhcpd->add_flag("--force", options.force,
                  "Replace an output file that pxe-mkcfg did not write or "
                  "that was edited by hand");

  auto* lookup = AddCommand(
      app, "lookup", "Print the config files a client asks for, in order",
      options.command, MkcfgCommand::kLookup);
  lookup->add_option("MAC", options.mac, "The client's MAC address")
      ->required();
  lookup->add_option("IP", options.ip, "The client's IPv4 address");
  AddValue(*lookup, "--uuid", options.uuid,
           "The client's UUID (DHCP option 97)", "UUID");
  AddValue(*lookup, "--root", options.root,
           "Mark which files exist under DIR and which one wins", "DIR");
  AddValue(*lookup, "--flavor", options.flavor,
           "Boot loader: pxelinux (default) or grub", "LOADER")
      ->check(CLI::IsMember({"pxelinux", "grub"}).description(""));
  AddValue(*lookup, "--grub-prefix", options.grub_prefix,
           "GRUB's prefix under the TFTP root (default boot/grub)", "DIR");

  auto* check =
      AddCommand(app, "check", "Check the boot configs under a TFTP root",
                 options.command, MkcfgCommand::kCheck);
  check->add_option("DIR", options.check_dir, "The TFTP root")->required();
  check->add_flag("--secure-boot", options.check_secure_boot,
                  "The tree is served to UEFI Secure Boot clients: every "
                  ".efi file and every kernel the signed GRUB boots must be "
                  "signed, grubx64.efi and grub/grub.cfg must exist (implied "
                  "when the tree holds a grubx64.efi)");

  if (auto status = ParseSubcommandLine(app, argc, argv, diag)) return *status;
  options.stdin_is_tty = ::isatty(STDIN_FILENO) == 1;
  return RunMain(diag, [&] { return RunMkcfg(options, diag); });
}
