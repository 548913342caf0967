#include "net/packet_socket.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>

#include "net/socket_io.h"

namespace pxekit {
UniqueFd OpenPacketSocket(std::uint16_t ethertype) {
  UniqueFd fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ethertype)));
  if (!fd) ThrowErrno("socket(AF_PACKET, SOCK_DGRAM)");
  return fd;
}

void BindPacketSocket(const UniqueFd& fd, int ifindex,
                      std::uint16_t ethertype) {
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ethertype);
  sll.sll_ifindex = ifindex;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sll), sizeof sll) < 0)
    ThrowErrno("bind(AF_PACKET)");
}

int SendFrame(const UniqueFd& fd, int ifindex, const MacAddr& destination,
              std::uint16_t ethertype, std::span<const std::uint8_t> payload) {
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ethertype);
  sll.sll_ifindex = ifindex;
  sll.sll_halen = ETH_ALEN;
  std::memcpy(sll.sll_addr, destination.bytes().data(), ETH_ALEN);
  return SendWholeDatagram(fd, payload.data(), payload.size(),
                           reinterpret_cast<const sockaddr*>(&sll), sizeof sll);
}

std::optional<ReceivedFrame> ReceiveFrame(const UniqueFd& fd, int timeout_ms) {
  if (!WaitReadable(fd, timeout_ms)) return std::nullopt;

  ReceivedFrame frame;
  frame.payload.resize(65536);
  sockaddr_ll from{};
  socklen_t from_len = sizeof from;
  ssize_t n =
      ::recvfrom(fd.get(), frame.payload.data(), frame.payload.size(),
                 MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &from_len);
  if (n < 0) ThrowErrno("recvfrom(AF_PACKET)");
  frame.payload.resize(static_cast<std::size_t>(n));
  MacAddr::FromBytes(
      std::span<const std::uint8_t>(from.sll_addr, from.sll_halen),
      &frame.source);
  frame.packet_type = from.sll_pkttype;
  frame.ethertype = ntohs(from.sll_protocol);
  return frame;
}

}  // namespace pxekit
