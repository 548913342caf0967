#pragma once
// What the DhcpPolicy unit tests hand DhcpPolicy::Handle: a client's message,
// encoded as it arrives from an Ethernet link named "test0".

#include <cstdint>
#include <vector>

#include "dhcp/dhcp_message.h"
#include "dhcp/dhcp_options.h"
#include "dhcpd/policy.h"

namespace pxekit::test {

// Client number `client`'s message of `type` in transaction `xid`, from the
// hardware address 02:00:00:00:HI:LO (HI and LO the bytes of `client`).
inline DhcpMessage ClientMessage(std::uint16_t client, std::uint32_t xid,
                                 DhcpMessageType type) {
  DhcpMessage m;
  m.xid = xid;
  m.chaddr = {0x02,
              0,
              0,
              0,
              static_cast<std::uint8_t>(client >> 8),
              static_cast<std::uint8_t>(client)};
  m.options.SetU8(dhcp_option::kMessageType, static_cast<std::uint8_t>(type));
  return m;
}

// `message` encoded into `bytes`, which the Inbound points into (keep them
// until Handle returns), sent from `source` to the server at `local`.
inline Inbound EncodedInbound(const DhcpMessage& message,
                              std::vector<std::uint8_t>& bytes,
                              const Ipv4Prefix& local,
                              Ipv4Addr source = Ipv4Addr::Any()) {
  bytes = EncodeDhcpMessage(message, kDhcpEthernetMaxSize)->bytes;
  Inbound in;
  in.bytes = bytes;
  in.source = source;
  in.local = local;
  in.interface = "test0";
  return in;
}

}  // namespace pxekit::test
