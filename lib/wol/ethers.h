#pragma once
// /etc/ethers (ethers(5)): "MAC  hostname-or-IP" lines, '#' comments.
// Lets `wakeonlan pc12` work as it does with Debian's wakeonlan and
// etherwake.

#include <optional>
#include <string_view>

#include "util/mac_addr.h"

namespace pxekit {

// The MAC of the first entry whose second field equals `name`
// (case-insensitive, as host names are). Lines that do not parse are
// skipped, as glibc's ether_hostton() does.
std::optional<MacAddr> LookupEthers(std::string_view ethers_content,
                                    std::string_view name);

}  // namespace pxekit
