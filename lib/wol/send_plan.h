#pragma once
// Where each magic packet goes: the policy of wakeonlan, kept free of I/O so
// it can be tested against made-up interfaces. Host names are resolved
// through an injected function for the same reason.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nl/interface.h"
#include "util/ipv4.h"
#include "util/mac_addr.h"
#include "util/result.h"
#include "wol/magic_packet.h"
#include "wol/wake_list.h"

namespace pxekit {

inline constexpr std::uint16_t kDefaultWakePort = 9;  // discard/udp, as Debian

struct WakeOptions {
  // -i: overrides the interface's directed broadcast when set.
  std::optional<std::string> host;
  std::uint16_t port = kDefaultWakePort;
  std::vector<std::string> interfaces;  // -I, repeatable
  bool all_interfaces = false;
  bool ethernet = false;            // -e: raw 0x0842 frames instead of UDP
  bool ethernet_broadcast = false;  // -b: ff:ff:ff:ff:ff:ff, not the target MAC
  SecureOnPassword password;
};

struct PlannedSend {
  enum class Kind { kUdp, kEthernet };
  Kind kind = Kind::kUdp;
  MacAddr target;
  std::string origin;
  // Empty for UDP that follows the routing table.
  std::string interface_name;
  int interface_index = 0;
  // UDP. `host_name` is set instead of `address` when the plan was made
  // without a resolver (a dry run) and the destination is a host name.
  Ipv4Addr address;
  std::string host_name;
  std::uint16_t port = 0;
  // Ethernet
  MacAddr frame_destination;
  std::vector<std::uint8_t> payload;
};

struct TargetFailure {
  std::string origin;
  MacAddr target;
  std::string message;
};

struct SendPlan {
  std::vector<PlannedSend> sends;
  // Targets that cannot be sent (a host name that does not resolve); the
  // other targets still go.
  std::vector<TargetFailure> failures;
};

using HostResolver = std::function<Result<Ipv4Addr>(std::string_view)>;

enum class PlanError {
  kNoSuchInterface,  // exit 69
  kInterfaceDown,    // exit 69
  kNoUsableInterface,
};

struct PlanFailure {
  PlanError error;
  std::string message;
};

// Either a plan, or why no packet at all can be sent. Interfaces:
//   -I IF          that interface (must exist and be up), to its directed
//                  broadcast(s) unless a host is named (by -i or the line);
//   --all-interfaces  every up, broadcast-capable, non-loopback Ethernet
//                  interface (with an IPv4 address, for UDP);
//   -e without -I  as --all-interfaces.
// A /31 or /32 address, or an interface without IPv4, gets the limited
// broadcast 255.255.255.255 through that interface.
// A destination that IsIpv4Shaped() is parsed, never resolved. Without a
// `resolve` function (a dry run) nothing is looked up: a host name is kept
// in PlannedSend::host_name.
std::variant<SendPlan, PlanFailure> PlanSends(
    const std::vector<WakeTarget>& targets, const WakeOptions& options,
    const std::vector<Interface>& interfaces, const HostResolver& resolve);

}  // namespace pxekit
