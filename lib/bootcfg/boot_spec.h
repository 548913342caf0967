#pragma once
// What to boot, as the pxelinux, grub and ipxe subcommands take it, and the
// hosts to write per-client files for. Shared by every generator so that the
// same flags mean the same kernel command line in every loader.

#include <optional>
#include <string>
#include <vector>

#include "util/ipv4.h"
#include "util/mac_addr.h"
#include "util/result.h"

namespace pxekit {

struct BootSpec {
  std::string label = "linux";
  std::string kernel;                // path as the loader resolves it
  std::vector<std::string> initrds;  // in load order
  std::string append;                // extra kernel arguments, verbatim
  std::string nfsroot;               // SERVER:/PATH, empty for none
  bool casper = false;               // Ubuntu live over NFS (needs nfsroot)
  // Seconds the prompt or menu waits before it boots the default entry, the
  // same in every loader (each generator converts to its loader's unit).
  // 0: boot the default at once, no prompt or menu. Not set: boot at once,
  // or wait for ever when a prompt or menu is asked for.
  std::optional<int> timeout_s;
  bool prompt = false;
  bool menu = false;
};

struct HostEntry {
  MacAddr mac;
  std::optional<Ipv4Addr> ip;
  std::string name;      // empty when not given
  std::string label;     // empty: use BootSpec::label
  std::string origin;    // "hosts.txt:3" or "--host 2", for messages
  std::size_t line = 0;  // line in the host list; 0 for --host
};

inline constexpr int kMaxPxelinuxTimeout = 35996;  // tenths; syslinux.cfg.txt
// --timeout's largest value: the largest pxelinux can hold, in whole seconds.
inline constexpr int kMaxTimeoutSeconds = kMaxPxelinuxTimeout / 10;

// Checks what a config line cannot hold: blanks in a path or label, control
// characters anywhere, casper without nfsroot, a malformed nfsroot, a
// timeout out of range or 0 with a prompt or menu (which could not be shown).
// The message names the option ("--kernel: ...").
Result<BootSpec> ValidateBootSpec(BootSpec spec);

enum class BootLoader { kPxelinux, kGrub, kIpxe };

// What only one loader can read: pxelinux's "::name" and "host::name" mean
// nothing to GRUB or iPXE, and GRUB takes no URL (it writes (tftp)/path and
// reads (http,SERVER)/path). Call after ValidateBootSpec.
Result<BootSpec> ValidateBootSpecFor(BootSpec spec, BootLoader loader);

// Checks a label (a single word of printable characters).
Result<std::string> ValidateLabel(std::string_view label);

// The kernel arguments the spec implies, in this order: the nfsroot (or
// casper) arguments, then --append. pxelinux adds initrd= in front itself.
std::string KernelArguments(const BootSpec& spec);

}  // namespace pxekit
