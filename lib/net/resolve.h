#pragma once
// Host names to IPv4 addresses through the system resolver (getaddrinfo:
// /etc/hosts, DNS, as nsswitch.conf says).

#include <string_view>

#include "util/ipv4.h"
#include "util/result.h"

namespace pxekit {

// The first IPv4 address of `host`, or the resolver's reason
// (gai_strerror) when it has none.
Result<Ipv4Addr> ResolveIpv4(std::string_view host);

}  // namespace pxekit
