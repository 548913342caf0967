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

// The same rule, never failing: what can be served now, and why each
// interface that cannot is left out ("interface 'eth0': interface is
// down"). For a running server, whose interfaces come and go (netlink),
// and for a start with --wait-interfaces.
struct ListenPlan {
  std::vector<ListenLink> links;
  std::vector<std::string> waiting;
};
ListenPlan PlanListenersNow(const ListenRequest& request, const DhcpdConf& conf,
                            const std::vector<Interface>& interfaces);

// A socket the server has open, as it was planned.
struct OpenListener {
  std::string interface;
  int ifindex = 0;
  std::uint16_t port = 67;
  Ipv4Addr address;    // bound to
  std::string device;  // SO_BINDTODEVICE
  Ipv4Prefix local;    // server address on the link
};

// What to change to go from the open sockets to a new plan. A socket is
// kept while its interface (name and ifindex: a re-created interface is a
// new one), port, bound address and device stay; only its server address
// may change. Every other open socket is closed, every planned socket not
// open is opened.
struct ListenChanges {
  struct Open {
    ListenLink link;  // its `sockets` hold only `socket`
    ListenSocket socket;
  };
  struct Readdress {
    std::size_t index;  // into the open sockets
    Ipv4Prefix local;
  };
  std::vector<std::size_t> close;  // indexes into the open sockets
  std::vector<Readdress> readdress;
  std::vector<Open> open;

  bool empty() const {
    return close.empty() && readdress.empty() && open.empty();
  }
};
ListenChanges DiffListeners(const std::vector<OpenListener>& open,
                            const std::vector<ListenLink>& plan);

}  // namespace pxekit
