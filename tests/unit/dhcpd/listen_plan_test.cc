// PlanListeners: which interfaces pxe-dhcpd serves, over fake interfaces.
#include "dhcpd/listen_plan.h"

#include <net/if.h>

#include <functional>

#include <catch2/catch.hpp>

#include "dhcpconf/dhcpd_conf_parser.h"
#include "unit/dhcpconf/must_parse.h"
#include "unit/util/addresses.h"

namespace pxekit {
namespace {

DhcpdConf Conf() {
  return MustParseConf(
      "subnet 198.18.0.0 netmask 255.255.255.0 { range 198.18.0.100 "
      "198.18.0.110; }\n");
}

using test::Ip;

Interface Iface(std::string name, int index, std::vector<const char*> prefixes,
                unsigned flags = IFF_UP | IFF_BROADCAST) {
  Interface interface;
  interface.name = std::move(name);
  interface.index = index;
  interface.flags = flags;
  interface.arptype = (flags & IFF_LOOPBACK) != 0 ? 772 : 1;
  for (const char* prefix : prefixes)
    interface.ipv4.push_back(*Ipv4Prefix::Parse(prefix));
  return interface;
}

// lo, eth0 (another network), eth1 (two addresses, the second in the
// subnet), eth2 (down, in the subnet), eth3 (no address).
std::vector<Interface> Lab() {
  return {Iface("lo", 1, {"127.0.0.1/8"}, IFF_UP | IFF_LOOPBACK),
          Iface("eth0", 2, {"192.0.2.1/24"}),
          Iface("eth1", 3, {"203.0.113.1/24", "198.18.0.1/24"}),
          Iface("eth2", 4, {"198.18.0.2/24"}, IFF_BROADCAST),
          Iface("eth3", 5, {})};
}

std::vector<std::string> Names(const std::vector<ListenLink>& links) {
  std::vector<std::string> names;
  for (const ListenLink& link : links) names.push_back(link.interface);
  return names;
}

}  // namespace

TEST_CASE("PlanListeners serves the up interfaces in a declared subnet",
          "[dhcpd][listen]") {
  ListenRequest request;
  auto plan = PlanListeners(request, Conf(), Lab());
  REQUIRE(plan.ok());
  REQUIRE(Names(*plan) == std::vector<std::string>{"eth1"});
  const ListenLink& link = plan->front();
  CHECK(link.ifindex == 3);
  // The address in the declared subnet, not the first one.
  REQUIRE(link.local.has_value());
  CHECK(link.local->address() == Ip("198.18.0.1"));
  CHECK(link.address == Ipv4Addr::Any());
  CHECK(link.device == "eth1");
  REQUIRE(link.sockets.size() == 1);
  CHECK(link.sockets[0].port == 67);
  CHECK_FALSE(link.sockets[0].share);
}

TEST_CASE("PlanListeners with nothing in a declared subnet says so",
          "[dhcpd][listen]") {
  ListenRequest request;
  auto plan = PlanListeners(request, DhcpdConf(), Lab());
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error() ==
        "no interface has an address in a declared subnet; name one with "
        "--interface");
}

TEST_CASE("PlanListeners proxy serves every up interface with an address",
          "[dhcpd][listen]") {
  ListenRequest request;
  request.proxy = true;
  auto plan = PlanListeners(request, DhcpdConf(), Lab());
  REQUIRE(plan.ok());
  // Not lo, not the down eth2, not eth3 without an address.
  CHECK(Names(*plan) == std::vector<std::string>{"eth0", "eth1"});
  const ListenLink& eth0 = (*plan)[0];
  REQUIRE(eth0.local.has_value());
  CHECK(eth0.local->address() == Ip("192.0.2.1"));
  // Port 67 is shared with the link's real DHCP server; 4011 is its own.
  REQUIRE(eth0.sockets.size() == 2);
  CHECK(eth0.sockets[0].port == 67);
  CHECK(eth0.sockets[0].share);
  CHECK(eth0.sockets[1].port == 4011);
  CHECK_FALSE(eth0.sockets[1].share);
}

TEST_CASE("PlanListeners takes the named interfaces once each",
          "[dhcpd][listen]") {
  ListenRequest request;
  request.interfaces = {"eth1", "eth1"};
  request.port = 6767;
  auto plan = PlanListeners(request, Conf(), Lab());
  REQUIRE(plan.ok());
  CHECK(Names(*plan) == std::vector<std::string>{"eth1"});
  REQUIRE(plan->front().sockets.size() == 1);
  CHECK(plan->front().sockets[0].port == 6767);
}

TEST_CASE("PlanListeners refuses a missing or down or subnetless interface",
          "[dhcpd][listen]") {
  ListenRequest request;
  request.interfaces = {"eth9"};
  CHECK(PlanListeners(request, Conf(), Lab()).error() ==
        "interface 'eth9': no such interface");
  request.interfaces = {"eth2"};
  CHECK(PlanListeners(request, Conf(), Lab()).error() ==
        "interface 'eth2': interface is down");
  request.interfaces = {"eth0"};
  CHECK(PlanListeners(request, Conf(), Lab()).error() ==
        "interface 'eth0' (192.0.2.1/24): no declared subnet holds its "
        "address; declare one (--subnet or a subnet block)");
  request.interfaces = {"eth3"};
  CHECK(PlanListeners(request, Conf(), Lab()).error() ==
        "interface 'eth3' (no IPv4 address): no declared subnet holds its "
        "address; declare one (--subnet or a subnet block)");
  // A proxy serves no network of its own: any up interface will do, and
  // one without an address gets no server address.
  request.proxy = true;
  auto plan = PlanListeners(request, Conf(), Lab());
  REQUIRE(plan.ok());
  CHECK(Names(*plan) == std::vector<std::string>{"eth3"});
  CHECK_FALSE(plan->front().local.has_value());
}

TEST_CASE("PlanListeners with --listen binds the address on its interface",
          "[dhcpd][listen]") {
  ListenRequest request;
  request.listen = Ip("203.0.113.1");
  auto plan = PlanListeners(request, Conf(), Lab());
  REQUIRE(plan.ok());
  REQUIRE(Names(*plan) == std::vector<std::string>{"eth1"});
  const ListenLink& link = plan->front();
  CHECK(link.address == Ip("203.0.113.1"));
  // No device: a relay must be able to own port 67 on another address.
  CHECK(link.device.empty());
  REQUIRE(link.local.has_value());
  CHECK(link.local->address() == Ip("203.0.113.1"));
  CHECK(link.local->length() == 24);

  request.listen = Ip("10.9.9.9");
  CHECK(PlanListeners(request, Conf(), Lab()).error() ==
        "--listen 10.9.9.9: no interface has this address");
}

TEST_CASE("PlanListeners with --listen and -i binds both", "[dhcpd][listen]") {
  ListenRequest request;
  request.listen = Ip("10.9.9.9");
  request.interfaces = {"eth0"};  // no subnet needed: relay-only service
  auto plan = PlanListeners(request, Conf(), Lab());
  REQUIRE(plan.ok());
  REQUIRE(Names(*plan) == std::vector<std::string>{"eth0"});
  const ListenLink& link = plan->front();
  CHECK(link.address == Ip("10.9.9.9"));
  CHECK(link.device == "eth0");
  // The interface does not have the address: a /32 of it.
  REQUIRE(link.local.has_value());
  CHECK(link.local->address() == Ip("10.9.9.9"));
  CHECK(link.local->length() == 32);
}

TEST_CASE("PlanListenersNow leaves out what cannot be served yet and says why",
          "[dhcpd][listen]") {
  ListenRequest request;
  request.interfaces = {"eth9", "eth2", "eth3", "eth1"};
  ListenPlan plan = PlanListenersNow(request, Conf(), Lab());
  CHECK(Names(plan.links) == std::vector<std::string>{"eth1"});
  CHECK(plan.waiting ==
        std::vector<std::string>{
            "interface 'eth9': no such interface",
            "interface 'eth2': interface is down",
            "interface 'eth3' (no IPv4 address): no declared subnet holds "
            "its address; declare one (--subnet or a subnet block)"});
}

TEST_CASE("PlanListenersNow: a named interface not ready is not replaced",
          "[dhcpd][listen]") {
  // -i eth2 while eth2 is down: nothing, not the other interfaces of the
  // subnet (eth1), which the admin did not name.
  ListenRequest request;
  request.interfaces = {"eth2"};
  ListenPlan plan = PlanListenersNow(request, Conf(), Lab());
  CHECK(plan.links.empty());
  CHECK(plan.waiting ==
        std::vector<std::string>{"interface 'eth2': interface is down"});
  // Up, with its address: served.
  std::vector<Interface> lab = Lab();
  lab[3].flags |= IFF_UP;
  plan = PlanListenersNow(request, Conf(), lab);
  CHECK(Names(plan.links) == std::vector<std::string>{"eth2"});
  CHECK(plan.waiting.empty());
}

TEST_CASE("PlanListenersNow with nothing to serve yet plans nothing",
          "[dhcpd][listen]") {
  ListenRequest request;
  ListenPlan plan = PlanListenersNow(request, DhcpdConf(), Lab());
  CHECK(plan.links.empty());
  CHECK(plan.waiting == std::vector<std::string>{
                            "no interface has an address in a declared subnet; "
                            "name one with --interface"});
  request.listen = Ip("10.9.9.9");
  plan = PlanListenersNow(request, Conf(), Lab());
  CHECK(plan.links.empty());
  CHECK(plan.waiting ==
        std::vector<std::string>{
            "--listen 10.9.9.9: no interface has this address"});
}

namespace {

std::vector<OpenListener> Opened(const std::vector<ListenLink>& links) {
  std::vector<OpenListener> open;
  for (const ListenLink& link : links)
    for (const ListenSocket& socket : link.sockets)
      open.push_back(OpenListener{link.interface, link.ifindex, socket.port,
                                  link.address, link.device,
                                  link.local.value_or(Ipv4Prefix())});
  return open;
}

// eth1 served and its socket open; then CHANGE happens to the lab: what
// DiffListeners makes of it.
ListenChanges DiffEth1After(
    const std::function<void(std::vector<Interface>&)>& change) {
  ListenRequest request;
  request.interfaces = {"eth1"};
  std::vector<Interface> lab = Lab();
  std::vector<OpenListener> open =
      Opened(PlanListenersNow(request, Conf(), lab).links);
  change(lab);
  return DiffListeners(open, PlanListenersNow(request, Conf(), lab).links);
}

}  // namespace

TEST_CASE("DiffListeners keeps what is unchanged", "[dhcpd][listen]") {
  ListenRequest request;
  request.proxy = true;
  auto plan = PlanListeners(request, DhcpdConf(), Lab());
  REQUIRE(plan.ok());
  ListenChanges changes = DiffListeners(Opened(*plan), *plan);
  CHECK(changes.empty());
}

TEST_CASE("DiffListeners follows an interface that goes down and comes back",
          "[dhcpd][listen]") {
  ListenRequest request;
  request.interfaces = {"eth1"};
  std::vector<Interface> lab = Lab();
  std::vector<ListenLink> up = PlanListenersNow(request, Conf(), lab).links;
  std::vector<OpenListener> open = Opened(up);
  REQUIRE(open.size() == 1);

  lab[2].flags &= ~static_cast<unsigned>(IFF_UP);
  ListenChanges down =
      DiffListeners(open, PlanListenersNow(request, Conf(), lab).links);
  CHECK(down.close == std::vector<std::size_t>{0});
  CHECK(down.open.empty());

  lab[2].flags |= IFF_UP;
  ListenChanges again =
      DiffListeners({}, PlanListenersNow(request, Conf(), lab).links);
  CHECK(again.close.empty());
  REQUIRE(again.open.size() == 1);
  CHECK(again.open[0].link.interface == "eth1");
  CHECK(again.open[0].link.device == "eth1");
  CHECK(again.open[0].socket.port == 67);
  REQUIRE(again.open[0].link.local.has_value());
  CHECK(again.open[0].link.local->address() == Ip("198.18.0.1"));
}

TEST_CASE("DiffListeners opens an interface once it gets its address",
          "[dhcpd][listen]") {
  ListenRequest request;
  request.interfaces = {"eth3"};
  std::vector<Interface> lab = Lab();
  CHECK(PlanListenersNow(request, Conf(), lab).links.empty());
  lab[4].ipv4.push_back(*Ipv4Prefix::Parse("198.18.0.3/24"));
  ListenChanges changes =
      DiffListeners({}, PlanListenersNow(request, Conf(), lab).links);
  REQUIRE(changes.open.size() == 1);
  CHECK(changes.open[0].link.interface == "eth3");
  CHECK(changes.open[0].link.ifindex == 5);
}

TEST_CASE("DiffListeners: a new server address keeps the socket",
          "[dhcpd][listen]") {
  ListenChanges changes = DiffEth1After([](std::vector<Interface>& lab) {
    lab[2].ipv4 = {*Ipv4Prefix::Parse("198.18.0.9/24")};
  });
  CHECK(changes.close.empty());
  CHECK(changes.open.empty());
  REQUIRE(changes.readdress.size() == 1);
  CHECK(changes.readdress[0].index == 0);
  CHECK(changes.readdress[0].local.address() == Ip("198.18.0.9"));
}

TEST_CASE("DiffListeners reopens a re-created interface (new ifindex)",
          "[dhcpd][listen]") {
  ListenChanges changes =
      DiffEth1After([](std::vector<Interface>& lab) { lab[2].index = 42; });
  CHECK(changes.close == std::vector<std::size_t>{0});
  REQUIRE(changes.open.size() == 1);
  CHECK(changes.open[0].link.ifindex == 42);
}

TEST_CASE("DiffListeners opens only the missing port of a proxy link",
          "[dhcpd][listen]") {
  ListenRequest request;
  request.proxy = true;
  request.interfaces = {"eth0"};
  std::vector<ListenLink> plan =
      PlanListenersNow(request, DhcpdConf(), Lab()).links;
  std::vector<OpenListener> open = Opened(plan);
  REQUIRE(open.size() == 2);
  open.pop_back();  // 4011 closed
  ListenChanges changes = DiffListeners(open, plan);
  CHECK(changes.close.empty());
  REQUIRE(changes.open.size() == 1);
  CHECK(changes.open[0].socket.port == 4011);
  REQUIRE(changes.open[0].link.sockets.size() == 1);
  CHECK(changes.open[0].link.sockets[0].port == 4011);
}

}  // namespace pxekit
