#pragma once
// Raw Ethernet frames through AF_PACKET/SOCK_DGRAM: the kernel writes the
// Ethernet header, including the device's own source MAC, so we never send
// frames from 00:00:00:00:00:00 (the SOCK_RAW mistake).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "os/unique_fd.h"
#include "util/mac_addr.h"

namespace pxekit {

inline constexpr std::uint16_t kEtherTypeWakeOnLan = 0x0842;

// Needs CAP_NET_RAW. Throws std::system_error.
UniqueFd OpenPacketSocket(std::uint16_t ethertype);

// Receive only `ethertype` frames arriving on `ifindex`.
void BindPacketSocket(const UniqueFd& fd, int ifindex, std::uint16_t ethertype);

// 0 on success, else errno.
int SendFrame(const UniqueFd& fd, int ifindex, const MacAddr& destination,
              std::uint16_t ethertype, std::span<const std::uint8_t> payload);

struct ReceivedFrame {
  MacAddr source;
  int packet_type = 0;  // PACKET_HOST 0, PACKET_BROADCAST 1, PACKET_OTHERHOST 3
  std::uint16_t ethertype = 0;
  std::vector<std::uint8_t> payload;
};

// Waits up to `timeout_ms` for one frame; nullopt on timeout.
std::optional<ReceivedFrame> ReceiveFrame(const UniqueFd& fd, int timeout_ms);

}  // namespace pxekit
