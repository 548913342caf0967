#include "wol/magic_packet.h"

#include <algorithm>

#include "util/ipv4.h"

namespace pxekit {

Result<SecureOnPassword> ParseSecureOnPassword(std::string_view text) {
  // Only digits and dots is meant as a dotted quad ("1.2.3" is a short one,
  // not a malformed aabb.ccdd.eeff), unless it has the aabb.ccdd.eeff shape.
  bool cisco_shape = text.size() == 14 && text[4] == '.' && text[9] == '.';
  bool quad_like = !cisco_shape && text.find('.') != std::string_view::npos &&
                   std::all_of(text.begin(), text.end(), [](char c) {
                     return c == '.' || (c >= '0' && c <= '9');
                   });
  if (quad_like) {
    auto quad = Ipv4Addr::Parse(text);
    if (!quad)
      return Fail("4-byte password: " + quad.error(), quad.failure().column);
    std::uint32_t v = quad->value();
    return SecureOnPassword{
        static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
        static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  }
  auto mac = MacAddr::Parse(text);
  if (!mac)
    return Fail(
        "expected 6 bytes as aa:bb:cc:dd:ee:ff or 4 as a.b.c.d: " + mac.error(),
        mac.failure().column);
  const auto& bytes = mac->bytes();
  return SecureOnPassword(bytes.begin(), bytes.end());
}

std::vector<std::uint8_t> BuildMagicPacket(
    const MacAddr& target, std::span<const std::uint8_t> password) {
  std::vector<std::uint8_t> packet;
  packet.reserve(kMagicPacketSize + password.size());
  packet.insert(packet.end(), 6, 0xff);
  for (int i = 0; i < 16; ++i)
    packet.insert(packet.end(), target.bytes().begin(), target.bytes().end());
  packet.insert(packet.end(), password.begin(), password.end());
  return packet;
}

std::optional<MagicPacket> ParseMagicPacket(
    std::span<const std::uint8_t> payload) {
  std::size_t extra = payload.size() >= kMagicPacketSize
                          ? payload.size() - kMagicPacketSize
                          : 1;
  if (extra != 0 && extra != 4 && extra != 6) return std::nullopt;
  if (!std::all_of(payload.begin(), payload.begin() + 6,
                   [](std::uint8_t b) { return b == 0xff; }))
    return std::nullopt;
  MagicPacket packet;
  MacAddr::FromBytes(payload.subspan(6, 6), &packet.target);
  for (std::size_t copy = 1; copy < 16; ++copy) {
    auto chunk = payload.subspan(6 + copy * 6, 6);
    if (!std::equal(chunk.begin(), chunk.end(), packet.target.bytes().begin()))
      return std::nullopt;
  }
  packet.password.assign(payload.begin() + kMagicPacketSize, payload.end());
  return packet;
}

}  // namespace pxekit
