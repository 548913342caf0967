#pragma once

#include <string>
#include <vector>

#include "bootcfg/boot_spec.h"
#include "cli/common_options.h"

namespace pxekit {

class Diag;

enum class MkcfgCommand {
  kPxelinux,
  kGrub,
  kIpxe,
  kDhcpdHosts,
  kLookup,
  kCheck
};

struct MkcfgOptions {
  CommonOptions common;
  MkcfgCommand command = MkcfgCommand::kPxelinux;

  // pxelinux, grub, ipxe
  BootSpec spec;
  int timeout_s = -1;              // -1: not given
  std::vector<std::string> hosts;  // --host MAC[,LABEL]
  std::string grub_prefix = "boot/grub";
  std::string grub_server;      // grub --server: build core.efi naming it
  std::string grub_target;      // grub --target: its platform; "": x86_64-efi
  std::string grub_module_dir;  // grub --module-dir: "": the platform's dir
  std::string http_base;        // ipxe --http-base URL; empty: not given
  // grub --secure-boot: shim and the signed GRUB beside the config
  bool secure_boot = false;
  std::string shim;         // --shim; empty: Debian's installed path
  std::string signed_grub;  // --signed-grub; likewise

  // Shared by the writers and lookup
  std::string root;        // --root; empty: print to stdout
  std::string hosts_file;  // -f; "-" is stdin
  bool force = false;

  // dhcpd-hosts
  std::string next_server;
  std::string filename;
  std::string output;  // -o; empty: stdout

  // lookup
  std::string mac;
  std::string ip;
  std::string uuid;
  std::string flavor = "pxelinux";

  // check
  std::string check_dir;
  bool check_secure_boot = false;  // --secure-boot (also when grubx64.efi)

  bool stdin_is_tty = false;
};

// Everything after option parsing. Returns the exit status.
int RunMkcfg(MkcfgOptions& options, Diag& diag);

}  // namespace pxekit
