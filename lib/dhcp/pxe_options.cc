#include "dhcp/pxe_options.h"

#include <algorithm>
#include <array>

#include "util/byte_reader.h"

namespace pxekit {

std::vector<std::uint8_t> EncodePxeVendorOptions(const PxeVendorOptions& pxe) {
  std::array<std::uint8_t, 255> buffer{};
  ByteWriter writer(buffer);
  if (pxe.discovery_control) {
    writer.U8(pxe_suboption::kDiscoveryControl);
    writer.U8(1);
    writer.U8(*pxe.discovery_control);
  }
  if (!pxe.boot_servers.empty()) {
    std::size_t length = 0;
    for (const auto& server : pxe.boot_servers)
      length += 3 + 4 * server.addresses.size();
    // Room beside END and the other sub-options, so that the encoding
    // always ends in END within one option (the list is left out when not).
    std::size_t room =
        255 - 1 - 2 - (pxe.discovery_control ? 3 : 0) - (pxe.boot_item ? 6 : 0);
    if (length <= std::min<std::size_t>(250, room)) {
      writer.U8(pxe_suboption::kBootServers);
      writer.U8(static_cast<std::uint8_t>(length));
      for (const auto& server : pxe.boot_servers) {
        writer.U16(server.type);
        writer.U8(static_cast<std::uint8_t>(server.addresses.size()));
        for (Ipv4Addr address : server.addresses) writer.U32(address.value());
      }
    }
  }
  if (pxe.boot_item) {
    writer.U8(pxe_suboption::kBootItem);
    writer.U8(4);
    writer.U32(*pxe.boot_item);
  }
  writer.U8(255);
  auto written = writer.written();
  return {written.begin(), written.end()};
}

Result<PxeVendorOptions> ParsePxeVendorOptions(
    std::span<const std::uint8_t> data) {
  PxeVendorOptions pxe;
  ByteReader reader(data);
  while (!reader.empty()) {
    std::uint8_t code = reader.U8();
    if (code == 0) continue;
    if (code == 255) break;
    std::uint8_t length = reader.U8();
    auto value = reader.Bytes(length);
    if (!reader.ok()) return Fail("PXE sub-option truncated");
    ByteReader sub(value);
    if (code == pxe_suboption::kDiscoveryControl && length == 1) {
      pxe.discovery_control = value[0];
    } else if (code == pxe_suboption::kBootServers) {
      while (!sub.empty()) {
        PxeVendorOptions::BootServer server;
        server.type = sub.U16();
        std::uint8_t count = sub.U8();
        for (std::uint8_t i = 0; i < count && sub.ok(); ++i)
          server.addresses.push_back(Ipv4Addr(sub.U32()));
        if (!sub.ok()) return Fail("PXE boot server list truncated");
        pxe.boot_servers.push_back(std::move(server));
      }
    } else if (code == pxe_suboption::kBootItem && length == 4) {
      pxe.boot_item = sub.U32();
    }
  }
  return pxe;
}

}  // namespace pxekit
