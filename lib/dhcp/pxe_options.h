#pragma once
// PXE 2.1 vendor options carried in option 43 (sub-options, END-terminated).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/ipv4.h"
#include "util/result.h"

namespace pxekit {

namespace pxe_suboption {
inline constexpr std::uint8_t kDiscoveryControl = 6;
inline constexpr std::uint8_t kBootServers = 8;
inline constexpr std::uint8_t kBootMenu = 9;
inline constexpr std::uint8_t kMenuPrompt = 10;
inline constexpr std::uint8_t kBootItem = 71;
}  // namespace pxe_suboption

// DISCOVERY_CONTROL bit 3: skip boot-server discovery and boot `file`.
inline constexpr std::uint8_t kPxeBootFileDirectly = 0x08;

struct PxeVendorOptions {
  std::optional<std::uint8_t> discovery_control;
  struct BootServer {
    std::uint16_t type = 0;
    std::vector<Ipv4Addr> addresses;
  };
  std::vector<BootServer> boot_servers;
  std::optional<std::uint32_t> boot_item;  // type << 16 | layer
};

// The sub-option TLVs followed by END (255). Always fits in one option.
std::vector<std::uint8_t> EncodePxeVendorOptions(const PxeVendorOptions& pxe);
// The inverse, for tests and -v dumps; fails on a truncated sub-option.
Result<PxeVendorOptions> ParsePxeVendorOptions(
    std::span<const std::uint8_t> data);

}  // namespace pxekit
