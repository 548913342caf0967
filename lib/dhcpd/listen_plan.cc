#include "dhcpd/listen_plan.h"

#include <algorithm>

#include <fmt/format.h>

namespace pxekit {
namespace {

constexpr std::uint16_t kProxyPort = 4011;

// The interface address that lies in a declared subnet, else the first.
std::optional<Ipv4Prefix> LocalAddress(const Interface& interface,
                                       const DhcpdConf& conf) {
  for (const Ipv4Prefix& prefix : interface.ipv4)
    if (conf.FindSubnet(prefix.address()) != nullptr) return prefix;
  if (!interface.ipv4.empty()) return interface.ipv4.front();
  return std::nullopt;
}

bool InDeclaredSubnet(const Interface& interface, const DhcpdConf& conf) {
  for (const Ipv4Prefix& prefix : interface.ipv4)
    if (conf.FindSubnet(prefix.address()) != nullptr) return true;
  return false;
}

}  // namespace

Result<std::vector<ListenLink>> PlanListeners(
    const ListenRequest& request, const DhcpdConf& conf,
    const std::vector<Interface>& interfaces) {
  std::vector<const Interface*> chosen;
  for (const std::string& name : request.interfaces) {
    const Interface* interface = FindInterface(interfaces, name);
    // "-i eth0 -i eth0" is one interface, not a port in use by itself.
    if (interface != nullptr &&
        std::find(chosen.begin(), chosen.end(), interface) != chosen.end())
      continue;
    if (interface == nullptr)
      return Fail(fmt::format("interface '{}': no such interface", name));
    if (!interface->IsUp())
      return Fail(fmt::format("interface '{}': interface is down", name));
    // As ISC dhcpd: an interface named to serve addresses needs a declared
    // subnet for its network, or it would answer nobody. A relay-only
    // server (--listen) and a proxy serve no network of their own.
    if (!InDeclaredSubnet(*interface, conf) && !request.proxy &&
        !request.listen) {
      std::string addresses;
      for (const Ipv4Prefix& prefix : interface->ipv4)
        addresses += fmt::format("{}{}", addresses.empty() ? "" : ", ", prefix);
      return Fail(
          fmt::format("interface '{}' ({}): no declared subnet holds its "
                      "address; declare one (--subnet or a subnet block)",
                      name, addresses.empty() ? "no IPv4 address" : addresses));
    }
    chosen.push_back(interface);
  }
  if (chosen.empty() && request.listen) {
    for (const Interface& interface : interfaces)
      for (const Ipv4Prefix& prefix : interface.ipv4)
        if (prefix.address() == *request.listen) chosen.push_back(&interface);
    if (chosen.empty())
      return Fail(fmt::format("--listen {}: no interface has this address",
                              *request.listen));
  }
  if (chosen.empty()) {
    // ISC's rule: serve the interfaces that have an address in a declared
    // subnet (proxy mode: every up Ethernet interface with an address).
    for (const Interface& interface : interfaces) {
      if (!interface.IsUp() || interface.IsLoopback()) continue;
      if (request.proxy ? !interface.ipv4.empty()
                        : InDeclaredSubnet(interface, conf))
        chosen.push_back(&interface);
    }
    if (chosen.empty())
      return Fail(
          "no interface has an address in a declared subnet; name one with "
          "--interface");
  }

  std::vector<ListenSocket> sockets{
      {request.port, request.proxy && request.port != kProxyPort}};
  if (request.proxy) sockets.push_back({kProxyPort, false});
  std::vector<ListenLink> links;
  for (const Interface* interface : chosen) {
    ListenLink link;
    link.interface = interface->name;
    link.ifindex = interface->index;
    if (request.listen) {
      link.local = Ipv4Prefix(*request.listen, 32);
      for (const Ipv4Prefix& prefix : interface->ipv4)
        if (prefix.address() == *request.listen) link.local = prefix;
    } else {
      link.local = LocalAddress(*interface, conf);
    }
    link.address = request.listen.value_or(Ipv4Addr::Any());
    // With --listen the socket has its address and no device: a relay
    // (perfdhcp) must be able to own port 67 on another address.
    if (!(request.listen && request.interfaces.empty()))
      link.device = interface->name;
    link.sockets = sockets;
    links.push_back(std::move(link));
  }
  return links;
}

}  // namespace pxekit
