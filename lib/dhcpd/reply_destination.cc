#include "dhcpd/reply_destination.h"

namespace pxekit {

ReplyDestination ChooseDestination(const DhcpMessage& request,
                                   DhcpMessage* reply, bool always_broadcast,
                                   std::uint16_t client_port) {
  ReplyDestination dest;
  dest.port = client_port;
  bool nak = reply->Type() == DhcpMessageType::kNak;
  if (request.giaddr != Ipv4Addr::Any()) {
    if (nak) reply->flags |= kBroadcastFlag;
    dest.address = request.giaddr;
    dest.port = kDhcpServerPort;
    return dest;
  }
  if (nak) {
    dest.address = Ipv4Addr::LimitedBroadcast();
    dest.broadcast = true;
    return dest;
  }
  if (request.ciaddr != Ipv4Addr::Any()) {
    dest.address = request.ciaddr;
    return dest;
  }
  if (request.IsBroadcast() || always_broadcast ||
      reply->yiaddr == Ipv4Addr::Any() || request.Mac().IsZero()) {
    dest.address = Ipv4Addr::LimitedBroadcast();
    dest.broadcast = true;
    return dest;
  }
  dest.address = reply->yiaddr;
  dest.neighbour = request.Mac();
  return dest;
}

}  // namespace pxekit
