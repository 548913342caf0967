#include "wol/send_plan.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit {
namespace {

bool Selectable(const Interface& interface, bool need_ipv4) {
  return interface.IsUp() && interface.CanBroadcast() &&
         !interface.IsLoopback() && interface.IsEthernet() &&
         (!need_ipv4 || !interface.ipv4.empty());
}

// The broadcast addresses of one interface, each once, in address order.
std::vector<Ipv4Addr> BroadcastsOf(const Interface& interface) {
  std::vector<Ipv4Addr> out;
  for (const Ipv4Prefix& prefix : interface.ipv4) {
    // RFC 3021 /31 links and /32 host routes have no directed broadcast.
    Ipv4Addr broadcast = prefix.length() >= 31 ? Ipv4Addr::LimitedBroadcast()
                                               : prefix.DirectedBroadcast();
    if (std::find(out.begin(), out.end(), broadcast) == out.end())
      out.push_back(broadcast);
  }
  if (out.empty()) out.push_back(Ipv4Addr::LimitedBroadcast());
  return out;
}

}  // namespace

std::variant<SendPlan, PlanFailure> PlanSends(
    const std::vector<WakeTarget>& targets, const WakeOptions& options,
    const std::vector<Interface>& interfaces, const HostResolver& resolve) {
  std::vector<const Interface*> chosen;
  for (const std::string& name : options.interfaces) {
    const Interface* interface = FindInterface(interfaces, name);
    if (interface == nullptr)
      return PlanFailure{
          PlanError::kNoSuchInterface,
          fmt::format("interface '{}': no such interface", name)};
    if (!interface->IsUp())
      return PlanFailure{
          PlanError::kInterfaceDown,
          fmt::format("interface '{}': interface is down", name)};
    if (std::find(chosen.begin(), chosen.end(), interface) == chosen.end())
      chosen.push_back(interface);
  }
  bool every_interface = options.all_interfaces ||
                         (options.ethernet && options.interfaces.empty());
  if (every_interface) {
    for (const Interface& interface : interfaces)
      if (Selectable(interface, !options.ethernet) &&
          std::find(chosen.begin(), chosen.end(), &interface) == chosen.end())
        chosen.push_back(&interface);
    if (chosen.empty())
      return PlanFailure{
          PlanError::kNoUsableInterface,
          options.ethernet
              ? "no interface is up, Ethernet and broadcast-capable"
              : "no interface is up, broadcast-capable and has an IPv4 "
                "address"};
  }

  SendPlan plan;
  for (const WakeTarget& target : targets) {
    std::vector<std::uint8_t> payload =
        BuildMagicPacket(target.mac, options.password);
    PlannedSend base;
    base.target = target.mac;
    base.origin = target.origin;
    base.payload = payload;

    if (options.ethernet) {
      base.kind = PlannedSend::Kind::kEthernet;
      base.frame_destination =
          options.ethernet_broadcast ? MacAddr::Broadcast() : target.mac;
      for (const Interface* interface : chosen) {
        PlannedSend send = base;
        send.interface_name = interface->name;
        send.interface_index = interface->index;
        plan.sends.push_back(std::move(send));
      }
      continue;
    }

    base.kind = PlannedSend::Kind::kUdp;
    base.port = target.port.value_or(options.port);
    const std::optional<std::string>& host =
        target.host ? target.host : options.host;
    std::optional<Ipv4Addr> address;
    if (host && (IsIpv4Shaped(*host) || resolve)) {
      // Digits and dots are parsed, never looked up; names are resolved.
      bool literal = IsIpv4Shaped(*host);
      auto found = literal ? Ipv4Addr::Parse(*host) : resolve(*host);
      if (!found) {
        plan.failures.push_back(
            {target.origin, target.mac,
             fmt::format("{} {}: {}",
                         literal ? "invalid IPv4 address" : "cannot resolve",
                         QuoteForMessage(*host), found.error())});
        continue;
      }
      address = *found;
    } else if (host) {
      base.host_name = *host;  // a dry run: not looked up
    }
    bool has_destination = address || !base.host_name.empty();
    if (chosen.empty()) {
      PlannedSend send = base;
      if (send.host_name.empty())
        send.address = address.value_or(Ipv4Addr::LimitedBroadcast());
      plan.sends.push_back(std::move(send));
      continue;
    }
    for (const Interface* interface : chosen) {
      std::vector<Ipv4Addr> destinations =
          has_destination ? std::vector<Ipv4Addr>{address.value_or(Ipv4Addr())}
                          : BroadcastsOf(*interface);
      for (Ipv4Addr destination : destinations) {
        PlannedSend send = base;
        send.interface_name = interface->name;
        send.interface_index = interface->index;
        send.address = destination;
        plan.sends.push_back(std::move(send));
      }
    }
  }
  return plan;
}

}  // namespace pxekit
