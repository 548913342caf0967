#pragma once

#include <vector>

#include "nl/interface.h"

namespace pxekit {

// Every interface of the current network namespace with its IPv4 addresses,
// read through libnl-route (RTM_GETLINK and RTM_GETADDR dumps), ordered by
// ifindex. Throws std::system_error when netlink fails.
std::vector<Interface> ListInterfaces();

}  // namespace pxekit
