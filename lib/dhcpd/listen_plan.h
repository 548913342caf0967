#pragma once
// Which interfaces pxe-dhcpd listens on, and how each socket is bound: a
// pure function over the interface list, so the rule is unit tested
// without a kernel. main.cc lists the interfaces and opens the sockets.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dhcpconf/dhcpd_conf.h"
#include "nl/interface.h"
#include "util/ipv4.h"
#include "util/result.h"

namespace pxekit {

struct ListenRequest {
  std::vector<std::string> interfaces;  // -i, in order; may repeat
  std::optional<Ipv4Addr> listen;       // --listen
  bool proxy = false;                   // --proxy: also port 4011
  std::uint16_t port = 67;              // --port
};

struct ListenSocket {
  std::uint16_t port = 67;
  // SO_REUSEADDR: a proxy shares port 67 with the link's real DHCP server;
  // everything else must fail to bind (EADDRINUSE) rather than share.
  bool share = false;
};

struct ListenLink {
  std::string interface;
  int ifindex = 0;
  // The server's address on the link (server identifier); nullopt when the
  // interface has no IPv4 address (replies then carry 0.0.0.0).
  std::optional<Ipv4Prefix> local;
  Ipv4Addr address;    // to bind: 0.0.0.0, or --listen
  std::string device;  // SO_BINDTODEVICE; empty: none
  std::vector<ListenSocket> sockets;
};

// The rule: -i names the interfaces (each up, and, unless --proxy or
// --listen, with an address in a declared subnet, as ISC dhcpd); else
// --listen picks the interfaces that have that address; else every up,
// non-loopback interface with an address in a declared subnet (--proxy:
// with any address). A failure is "unavailable" (no such interface, down,
// nothing to serve), with the message to print.
Result<std::vector<ListenLink>> PlanListeners(
    const ListenRequest& request, const DhcpdConf& conf,
    const std::vector<Interface>& interfaces);

}  // namespace pxekit
