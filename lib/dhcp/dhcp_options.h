#pragma once
// The one DHCPv4 option table (RFC 2132, 3004, 3046, 4578, 4702): code, ISC
// name and value type. The codec, the dhcpd.conf parser (option values and
// `option NAME code N = TYPE` definitions) and the -v dump all read it.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace pxekit {

enum class OptionType {
  kBytes,   // opaque data (ISC "string"): colon-hex or quoted text
  kText,    // NVT ASCII (ISC "text")
  kIp,      // one IPv4 address
  kIpList,  // one or more addresses
  kU8,
  kU16,
  kU32,
  kI32,
  kU16List,  // e.g. option 93, a list of client architectures
  kU8List,   // e.g. option 55, the parameter request list
  kBool,
  kDomainList,  // RFC 1035 names (option 119)
};

struct OptionDef {
  std::uint8_t code;
  std::string_view name;  // ISC dhcpd.conf name
  OptionType type;
};

namespace dhcp_option {
inline constexpr std::uint8_t kPad = 0;
inline constexpr std::uint8_t kSubnetMask = 1;
inline constexpr std::uint8_t kRouters = 3;
inline constexpr std::uint8_t kDomainNameServers = 6;
inline constexpr std::uint8_t kHostName = 12;
inline constexpr std::uint8_t kDomainName = 15;
inline constexpr std::uint8_t kBroadcastAddress = 28;
inline constexpr std::uint8_t kVendorEncapsulated = 43;
inline constexpr std::uint8_t kRequestedAddress = 50;
inline constexpr std::uint8_t kLeaseTime = 51;
inline constexpr std::uint8_t kOverload = 52;
inline constexpr std::uint8_t kMessageType = 53;
inline constexpr std::uint8_t kServerIdentifier = 54;
inline constexpr std::uint8_t kParameterRequestList = 55;
inline constexpr std::uint8_t kMessage = 56;
inline constexpr std::uint8_t kMaxMessageSize = 57;
inline constexpr std::uint8_t kRenewalTime = 58;
inline constexpr std::uint8_t kRebindingTime = 59;
inline constexpr std::uint8_t kVendorClass = 60;
inline constexpr std::uint8_t kClientIdentifier = 61;
inline constexpr std::uint8_t kTftpServerName = 66;
inline constexpr std::uint8_t kBootfileName = 67;
inline constexpr std::uint8_t kUserClass = 77;
inline constexpr std::uint8_t kRelayAgentInfo = 82;
inline constexpr std::uint8_t kClientArch = 93;
inline constexpr std::uint8_t kClientNdi = 94;
inline constexpr std::uint8_t kClientUuid = 97;
inline constexpr std::uint8_t kIpxeEncap = 175;
inline constexpr std::uint8_t kEnd = 255;
}  // namespace dhcp_option

// The built-in table, ordered by code.
std::span<const OptionDef> StandardOptions();
// nullptr when `code` has no standard definition.
const OptionDef* FindOptionByCode(std::uint8_t code);
// Case-insensitive ISC name ("domain-name-servers", "pxe-system-type").
const OptionDef* FindOptionByName(std::string_view name);
std::string_view OptionTypeName(OptionType type);

// A value rendered for logs: "198.18.0.1, 198.18.0.2", "\"PXEClient\"",
// "00:07"; falls back to colon-hex when the bytes do not fit the type.
std::string FormatOptionValue(OptionType type,
                              std::span<const std::uint8_t> data);

}  // namespace pxekit
