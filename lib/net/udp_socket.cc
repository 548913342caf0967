#include "net/udp_socket.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "net/socket_io.h"

namespace pxekit {
namespace {

sockaddr_in MakeSockaddr(Ipv4Addr address, std::uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = address.NetworkOrder();
  return sin;
}

void SetIntOption(const UniqueFd& fd, int level, int name, const char* what) {
  int on = 1;
  if (::setsockopt(fd.get(), level, name, &on, sizeof on) < 0) ThrowErrno(what);
}

}  // namespace

UniqueFd OpenUdp4Socket() {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP));
  if (!fd) ThrowErrno("socket(AF_INET, SOCK_DGRAM)");
  return fd;
}

void EnableBroadcast(const UniqueFd& fd) {
  SetIntOption(fd, SOL_SOCKET, SO_BROADCAST, "setsockopt(SO_BROADCAST)");
}

void EnableReuseAddress(const UniqueFd& fd) {
  SetIntOption(fd, SOL_SOCKET, SO_REUSEADDR, "setsockopt(SO_REUSEADDR)");
}

void EnablePacketInfo(const UniqueFd& fd) {
  SetIntOption(fd, IPPROTO_IP, IP_PKTINFO, "setsockopt(IP_PKTINFO)");
}

void BindToDevice(const UniqueFd& fd, const std::string& ifname) {
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                   static_cast<socklen_t>(ifname.size() + 1)) < 0)
    ThrowErrno(fmt::format("setsockopt(SO_BINDTODEVICE, {})", ifname));
}

void BindAddress(const UniqueFd& fd, Ipv4Addr address, std::uint16_t port) {
  sockaddr_in sin = MakeSockaddr(address, port);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sin), sizeof sin) < 0)
    ThrowErrno(fmt::format("bind {}:{}", address, port));
}

std::uint16_t LocalPort(const UniqueFd& fd) {
  sockaddr_in sin{};
  socklen_t len = sizeof sin;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sin), &len) < 0)
    ThrowErrno("getsockname");
  return ntohs(sin.sin_port);
}

int SendDatagram(const UniqueFd& fd, std::span<const std::uint8_t> payload,
                 Ipv4Addr address, std::uint16_t port) {
  sockaddr_in sin = MakeSockaddr(address, port);
  return SendWholeDatagram(fd, payload.data(), payload.size(),
                           reinterpret_cast<const sockaddr*>(&sin), sizeof sin);
}

std::optional<ReceivedDatagram> ReceiveDatagram(const UniqueFd& fd,
                                                int timeout_ms) {
  if (!WaitReadable(fd, timeout_ms)) return std::nullopt;
  ReceivedDatagram datagram;
  datagram.payload.resize(65536);
  auto size = TryReceiveDatagram(fd, datagram.payload, &datagram);
  // Readable but gone (another reader took it): the same as a timeout.
  if (!size) return std::nullopt;
  datagram.payload.resize(*size);
  return datagram;
}

std::optional<std::size_t> TryReceiveDatagram(const UniqueFd& fd,
                                              std::span<std::uint8_t> buffer,
                                              ReceivedDatagram* info) {
  sockaddr_in from{};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(fd.get(), &msg, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
    ThrowErrno("recvmsg");
  }
  info->source = Ipv4Addr::FromNetworkOrder(from.sin_addr.s_addr);
  info->source_port = ntohs(from.sin_port);
  info->destination = Ipv4Addr();
  info->local = Ipv4Addr();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo pktinfo;
      std::memcpy(&pktinfo, CMSG_DATA(c), sizeof pktinfo);
      info->destination = Ipv4Addr::FromNetworkOrder(pktinfo.ipi_addr.s_addr);
      info->local = Ipv4Addr::FromNetworkOrder(pktinfo.ipi_spec_dst.s_addr);
    }
  }
  return std::min(static_cast<std::size_t>(n), buffer.size());
}

}  // namespace pxekit
