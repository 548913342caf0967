#pragma once
// The Wake-on-LAN magic packet (AMD "Magic Packet" white paper, 1995):
//   6 x 0xff, then the target MAC 16 times, then an optional SecureOn
//   password of 4 or 6 bytes: 102, 106 or 108 bytes in all.
// The same payload goes in a UDP datagram or in an Ethernet frame of
// ethertype 0x0842.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "util/mac_addr.h"
#include "util/result.h"

namespace pxekit {

inline constexpr std::size_t kMagicPacketSize = 102;

// 0, 4 or 6 bytes.
using SecureOnPassword = std::vector<std::uint8_t>;

// 6 bytes in any MAC form (aa:bb:cc:dd:ee:ff, ...), or 4 as a dotted quad
// (a.b.c.d, each 0-255), as etherwake's -p takes them.
Result<SecureOnPassword> ParseSecureOnPassword(std::string_view text);

// `password` must be 0, 4 or 6 bytes long (ParseSecureOnPassword ensures it).
std::vector<std::uint8_t> BuildMagicPacket(
    const MacAddr& target, std::span<const std::uint8_t> password = {});

struct MagicPacket {
  MacAddr target;
  SecureOnPassword password;
};

// The inverse of BuildMagicPacket: nullopt unless `payload` is exactly a
// magic packet (right length, sync bytes, 16 equal copies).
std::optional<MagicPacket> ParseMagicPacket(
    std::span<const std::uint8_t> payload);

}  // namespace pxekit
