#pragma once
// The order in which a boot loader asks for config files (pxekit(7), CONFIG
// LOOKUP): UUID, 01-MAC, the hex IP shortened one digit at a time, then the
// default. Pure: which of them exist is the caller's business.

#include <optional>
#include <string>
#include <vector>

#include "util/ipv4.h"
#include "util/mac_addr.h"

namespace pxekit {

enum class LoaderFlavor { kPxelinux, kGrub };

struct LookupQuery {
  MacAddr mac;
  std::optional<Ipv4Addr> ip;
  std::optional<std::string> uuid;  // already normalised (NormalizeUuid)
  LoaderFlavor flavor = LoaderFlavor::kPxelinux;
  // GRUB's $prefix relative to the TFTP root, e.g. "boot/grub".
  std::string grub_prefix = "boot/grub";
};

// Paths relative to the loader's working directory (pxelinux) or the TFTP
// root (GRUB), in the order the loader requests them.
std::vector<std::string> LookupOrder(const LookupQuery& query);

// The directory the per-client files live in: "pxelinux.cfg", or the GRUB
// prefix without leading and trailing slashes.
std::string LookupDirectory(const LookupQuery& query);

}  // namespace pxekit
