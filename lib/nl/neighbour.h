#pragma once
// Adds IPv4 neighbour (ARP) entries through libnl-route. A DHCP server that
// unicasts an OFFER to yiaddr needs one: the client cannot answer ARP for an
// address it does not have yet. Entries are NUD_REACHABLE, so the kernel
// ages them out (permanent ones would pile up). Needs CAP_NET_ADMIN.

#include <string>

#include "nl/nl_sock_ptr.h"
#include "util/ipv4.h"
#include "util/mac_addr.h"

namespace pxekit {

class NeighbourTable {
 public:
  // Opens the netlink socket; throws std::system_error when it cannot.
  NeighbourTable();

  // Adds or replaces `address` -> `mac` on `ifindex`. 0, or a negative
  // libnl error code (text through Describe()).
  int Add(int ifindex, Ipv4Addr address, const MacAddr& mac);
  static std::string Describe(int error);

 private:
  NlSockPtr sock_;
};

}  // namespace pxekit
