#pragma once
// Where a reply goes (RFC 2131 section 4.1), decided from the request and
// the reply alone:
//   giaddr set        -> giaddr:67 (a NAK also gets the broadcast bit)
//   NAK, no relay     -> 255.255.255.255:68
//   ciaddr set        -> ciaddr:68
//   broadcast bit, or no yiaddr -> 255.255.255.255:68
//   otherwise         -> yiaddr:68 at chaddr: the client cannot answer ARP
//                        yet, so the sender first adds a neighbour entry.

#include <cstdint>
#include <optional>

#include "dhcp/dhcp_message.h"

namespace pxekit {

inline constexpr std::uint16_t kDhcpServerPort = 67;
inline constexpr std::uint16_t kDhcpClientPort = 68;
inline constexpr std::uint16_t kPxeBinlPort = 4011;

struct ReplyDestination {
  Ipv4Addr address;
  std::uint16_t port = kDhcpClientPort;
  bool broadcast = false;
  // Set when the sender must add address -> MAC to the neighbour table.
  std::optional<MacAddr> neighbour;
};

// May set the broadcast bit in `reply` (relayed NAK).
ReplyDestination ChooseDestination(const DhcpMessage& request,
                                   DhcpMessage* reply, bool always_broadcast,
                                   std::uint16_t client_port);

}  // namespace pxekit
