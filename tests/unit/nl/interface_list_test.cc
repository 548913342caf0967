#include "nl/interface_list.h"

#include <net/if_arp.h>

#include <catch2/catch.hpp>

namespace pxekit {

// Every network namespace has a loopback; its address is the one thing we
// can count on when the namespace is up (a fresh `unshare -n` leaves lo down
// and without 127.0.0.1, so only the link itself is required).
TEST_CASE("ListInterfaces reads the loopback through netlink", "[nl]") {
  std::vector<Interface> interfaces = ListInterfaces();
  const Interface* lo = FindInterface(interfaces, "lo");
  REQUIRE(lo != nullptr);
  CHECK(lo->index == 1);
  CHECK(lo->arptype == ARPHRD_LOOPBACK);
  CHECK(lo->IsLoopback());
  CHECK_FALSE(lo->IsEthernet());
  if (lo->IsUp()) {
    REQUIRE_FALSE(lo->ipv4.empty());
    CHECK(lo->ipv4[0].ToString() == "127.0.0.1/8");
    CHECK(lo->ipv4[0].DirectedBroadcast().ToString() == "127.255.255.255");
  }
  for (std::size_t i = 1; i < interfaces.size(); ++i)
    CHECK(interfaces[i - 1].index < interfaces[i].index);
  CHECK(FindInterface(interfaces, "pxk-nosuchif") == nullptr);
}

}  // namespace pxekit
