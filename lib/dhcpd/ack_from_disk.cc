#include "dhcpd/ack_from_disk.h"

#include <algorithm>

#include "dhcp/dhcp_options.h"
#include "lease/lease_db.h"

namespace pxekit {

std::optional<std::uint32_t> CapAckToLeaseOnDisk(const Lease* on_disk,
                                                 UnixTime now,
                                                 DhcpMessage* ack) {
  if (on_disk == nullptr || ack->Type() != DhcpMessageType::kAck ||
      on_disk->address != ack->yiaddr)
    return std::nullopt;
  ClientKey client;
  client.mac = ack->Mac();
  if (const auto* uid = ack->options.Find(dhcp_option::kClientIdentifier))
    client.uid = *uid;
  if (on_disk->state != LeaseState::kActive || on_disk->bootp ||
      !SameClient(*on_disk, client) || on_disk->ends <= now)
    return std::nullopt;
  auto granted = ack->GetU32(dhcp_option::kLeaseTime);
  if (!granted) return std::nullopt;
  auto left = static_cast<std::uint32_t>(
      std::min<UnixTime>(on_disk->ends - now, *granted));
  ack->options.SetU32(dhcp_option::kLeaseTime, left);
  ack->options.SetU32(dhcp_option::kRenewalTime, left / 2);
  ack->options.SetU32(dhcp_option::kRebindingTime,
                      static_cast<std::uint32_t>(left * 7ull / 8));
  return left;
}

}  // namespace pxekit
