#include "nl/interface.h"

// The kernel's constants only (<net/if.h> is the socket API's, with
// if_nametoindex and friends).
#include <linux/if.h>
#include <linux/if_arp.h>

namespace pxekit {

bool Interface::IsUp() const { return (flags & IFF_UP) != 0; }
bool Interface::IsLoopback() const { return (flags & IFF_LOOPBACK) != 0; }
bool Interface::CanBroadcast() const { return (flags & IFF_BROADCAST) != 0; }
bool Interface::IsEthernet() const { return arptype == ARPHRD_ETHER; }

const Interface* FindInterface(const std::vector<Interface>& interfaces,
                               const std::string& name) {
  for (const Interface& interface : interfaces)
    if (interface.name == name) return &interface;
  return nullptr;
}

}  // namespace pxekit
