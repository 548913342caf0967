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

// The rule of PlanListeners. `waiting` null: the first interface that
// cannot be served fails the plan; else it is left out, with the reason.
Result<std::vector<ListenLink>> Plan(const ListenRequest& request,
                                     const DhcpdConf& conf,
                                     const std::vector<Interface>& interfaces,
                                     std::vector<std::string>* waiting) {
  auto refuse = [waiting](std::string why) -> std::optional<Failure> {
    if (waiting == nullptr) return Fail(std::move(why));
    waiting->push_back(std::move(why));
    return std::nullopt;
  };
  std::vector<const Interface*> chosen;
  for (const std::string& name : request.interfaces) {
    const Interface* interface = FindInterface(interfaces, name);
    // "-i eth0 -i eth0" is one interface, not a port in use by itself.
    if (interface != nullptr &&
        std::find(chosen.begin(), chosen.end(), interface) != chosen.end())
      continue;
    if (interface == nullptr) {
      if (auto failure =
              refuse(fmt::format("interface '{}': no such interface", name)))
        return *failure;
      continue;
    }
    if (!interface->IsUp()) {
      if (auto failure =
              refuse(fmt::format("interface '{}': interface is down", name)))
        return *failure;
      continue;
    }
    // As ISC dhcpd: an interface named to serve addresses needs a declared
    // subnet for its network, or it would answer nobody. A relay-only
    // server (--listen) and a proxy serve no network of their own.
    if (!InDeclaredSubnet(*interface, conf) && !request.proxy &&
        !request.listen) {
      std::string addresses;
      for (const Ipv4Prefix& prefix : interface->ipv4)
        addresses += fmt::format("{}{}", addresses.empty() ? "" : ", ", prefix);
      if (auto failure = refuse(fmt::format(
              "interface '{}' ({}): no declared subnet holds its "
              "address; declare one (--subnet or a subnet block)",
              name, addresses.empty() ? "no IPv4 address" : addresses)))
        return *failure;
      continue;
    }
    chosen.push_back(interface);
  }
  // Named interfaces that cannot be served yet do not fall back to the
  // other rules.
  bool named = !request.interfaces.empty();
  if (!named && request.listen) {
    for (const Interface& interface : interfaces)
      for (const Ipv4Prefix& prefix : interface.ipv4)
        if (prefix.address() == *request.listen) chosen.push_back(&interface);
    if (chosen.empty()) {
      if (auto failure = refuse(fmt::format(
              "--listen {}: no interface has this address", *request.listen)))
        return *failure;
      return std::vector<ListenLink>{};
    }
  }
  if (!named && !request.listen) {
    // ISC's rule: serve the interfaces that have an address in a declared
    // subnet (proxy mode: every up Ethernet interface with an address).
    for (const Interface& interface : interfaces) {
      if (!interface.IsUp() || interface.IsLoopback()) continue;
      if (request.proxy ? !interface.ipv4.empty()
                        : InDeclaredSubnet(interface, conf))
        chosen.push_back(&interface);
    }
    if (chosen.empty()) {
      if (auto failure = refuse(
              "no interface has an address in a declared subnet; name one "
              "with --interface"))
        return *failure;
      return std::vector<ListenLink>{};
    }
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

}  // namespace

Result<std::vector<ListenLink>> PlanListeners(
    const ListenRequest& request, const DhcpdConf& conf,
    const std::vector<Interface>& interfaces) {
  return Plan(request, conf, interfaces, nullptr);
}

ListenPlan PlanListenersNow(const ListenRequest& request, const DhcpdConf& conf,
                            const std::vector<Interface>& interfaces) {
  ListenPlan plan;
  auto links = Plan(request, conf, interfaces, &plan.waiting);
  if (links) plan.links = std::move(links.value());
  return plan;
}

ListenChanges DiffListeners(const std::vector<OpenListener>& open,
                            const std::vector<ListenLink>& plan) {
  ListenChanges changes;
  std::vector<bool> kept(open.size(), false);
  for (const ListenLink& link : plan) {
    Ipv4Prefix local = link.local.value_or(Ipv4Prefix());
    for (const ListenSocket& socket : link.sockets) {
      bool found = false;
      for (std::size_t i = 0; i < open.size(); ++i) {
        const OpenListener& have = open[i];
        if (kept[i] || have.interface != link.interface ||
            have.ifindex != link.ifindex || have.port != socket.port ||
            have.address != link.address || have.device != link.device)
          continue;
        kept[i] = true;
        found = true;
        if (have.local != local) changes.readdress.push_back({i, local});
        break;
      }
      if (found) continue;
      ListenChanges::Open add{link, socket};
      add.link.sockets = {socket};
      changes.open.push_back(std::move(add));
    }
  }
  for (std::size_t i = 0; i < open.size(); ++i)
    if (!kept[i]) changes.close.push_back(i);
  return changes;
}

}  // namespace pxekit
