#pragma once
// A list of DHCP options in the order they will be written, as DhcpOptions
// and dhcpd.conf scopes (Params) keep them.

#include <cstdint>
#include <vector>

#include "dhcp/dhcp_message.h"

namespace pxekit {

// Replaces the option `code` in `options` where it stands, or appends it.
void SetOptionIn(std::vector<DhcpOption>& options, std::uint8_t code,
                 std::vector<std::uint8_t> data);

}  // namespace pxekit
