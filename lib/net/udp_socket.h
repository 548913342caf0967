#pragma once
// IPv4 UDP sockets. Set-up failures throw std::system_error (the caller
// cannot go on without the socket); per-datagram results are returned as an
// errno value, because one failed target must not stop the others.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "os/unique_fd.h"
#include "util/ipv4.h"

namespace pxekit {

// socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC).
UniqueFd OpenUdp4Socket();

// Without SO_BROADCAST, sendto() a broadcast address fails with EACCES.
void EnableBroadcast(const UniqueFd& fd);
// SO_BINDTODEVICE: send and receive only through `ifname`.
void BindToDevice(const UniqueFd& fd, const std::string& ifname);
void BindAddress(const UniqueFd& fd, Ipv4Addr address, std::uint16_t port);
// SO_REUSEADDR: several sockets on *:67, each bound to its own device.
void EnableReuseAddress(const UniqueFd& fd);
// IP_PKTINFO, so ReceiveDatagram can report the destination address.
void EnablePacketInfo(const UniqueFd& fd);
std::uint16_t LocalPort(const UniqueFd& fd);

// 0 on success, else errno. A short send counts as EMSGSIZE.
int SendDatagram(const UniqueFd& fd, std::span<const std::uint8_t> payload,
                 Ipv4Addr address, std::uint16_t port);

struct ReceivedDatagram {
  Ipv4Addr source;
  std::uint16_t source_port = 0;
  Ipv4Addr destination;  // from IP_PKTINFO when enabled (ipi_addr)
  // The local address a reply should come from (ipi_spec_dst), also from
  // IP_PKTINFO: for a broadcast request, the receiving interface's address.
  Ipv4Addr local;
  std::vector<std::uint8_t> payload;
};

// Waits up to `timeout_ms` for one datagram; nullopt on timeout.
std::optional<ReceivedDatagram> ReceiveDatagram(const UniqueFd& fd,
                                                int timeout_ms);

// Non-blocking receive into a caller's buffer, for daemons that drain a
// socket per wake-up without allocating. Returns the datagram's size, or
// nullopt when nothing is queued (EAGAIN). Fills `info` (payload left
// empty). A datagram longer than `buffer` is cut (MSG_TRUNC). Throws
// std::system_error for other errors.
std::optional<std::size_t> TryReceiveDatagram(const UniqueFd& fd,
                                              std::span<std::uint8_t> buffer,
                                              ReceivedDatagram* info);

// One wake-up of a daemon's UDP socket: reads at most `max` queued
// datagrams into `buffer`, calling on_datagram(span of the bytes, const
// ReceivedDatagram&) for each, and on_error(const std::system_error&) when a
// receive fails (an ICMP error queued for an earlier send) before going on
// with the next; returns once the socket is drained. Level-triggered epoll
// calls again for what is left.
template <typename OnDatagram, typename OnError>
void DrainDatagrams(const UniqueFd& fd, std::span<std::uint8_t> buffer, int max,
                    OnDatagram&& on_datagram, OnError&& on_error) {
  for (int i = 0; i < max; ++i) {
    ReceivedDatagram from;
    std::optional<std::size_t> size;
    try {
      size = TryReceiveDatagram(fd, buffer, &from);
    } catch (const std::system_error& e) {
      on_error(e);
      continue;
    }
    if (!size) return;
    on_datagram(std::span<const std::uint8_t>(buffer.data(), *size), from);
  }
}

}  // namespace pxekit
