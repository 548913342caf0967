#pragma once
// What pxekit needs to know about a network interface. Plain data, so that
// policy code (which interface gets which packet) can be tested without a
// kernel; ListInterfaces() in interface_list.h fills it from netlink.

#include <optional>
#include <string>
#include <vector>

#include "util/ipv4.h"
#include "util/mac_addr.h"

namespace pxekit {

struct Interface {
  std::string name;
  int index = 0;
  std::optional<MacAddr> mac;
  unsigned flags = 0;    // IFF_* from <net/if.h>
  unsigned arptype = 0;  // ARPHRD_*: 1 Ethernet, 772 loopback
  std::vector<Ipv4Prefix> ipv4;

  bool IsUp() const;
  bool IsLoopback() const;
  bool CanBroadcast() const;
  bool IsEthernet() const;
};

// The interface called `name`, or nullptr.
const Interface* FindInterface(const std::vector<Interface>& interfaces,
                               const std::string& name);

}  // namespace pxekit
