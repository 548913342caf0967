#include "dhcp/dhcp_options.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "util/ascii.h"
#include "util/enum_names.h"
#include "util/ipv4.h"

namespace pxekit {
namespace {

using T = OptionType;

constexpr std::array kOptions{
    OptionDef{1, "subnet-mask", T::kIp},
    OptionDef{2, "time-offset", T::kI32},
    OptionDef{3, "routers", T::kIpList},
    OptionDef{4, "time-servers", T::kIpList},
    OptionDef{5, "ien116-name-servers", T::kIpList},
    OptionDef{6, "domain-name-servers", T::kIpList},
    OptionDef{7, "log-servers", T::kIpList},
    OptionDef{9, "lpr-servers", T::kIpList},
    OptionDef{12, "host-name", T::kText},
    OptionDef{13, "boot-size", T::kU16},
    OptionDef{15, "domain-name", T::kText},
    OptionDef{16, "swap-server", T::kIp},
    OptionDef{17, "root-path", T::kText},
    OptionDef{19, "ip-forwarding", T::kBool},
    OptionDef{23, "default-ip-ttl", T::kU8},
    OptionDef{26, "interface-mtu", T::kU16},
    OptionDef{28, "broadcast-address", T::kIp},
    OptionDef{33, "static-routes", T::kIpList},
    OptionDef{35, "arp-cache-timeout", T::kU32},
    OptionDef{40, "nis-domain", T::kText},
    OptionDef{41, "nis-servers", T::kIpList},
    OptionDef{42, "ntp-servers", T::kIpList},
    OptionDef{43, "vendor-encapsulated-options", T::kBytes},
    OptionDef{44, "netbios-name-servers", T::kIpList},
    OptionDef{46, "netbios-node-type", T::kU8},
    OptionDef{47, "netbios-scope", T::kText},
    OptionDef{50, "dhcp-requested-address", T::kIp},
    OptionDef{51, "dhcp-lease-time", T::kU32},
    OptionDef{52, "dhcp-option-overload", T::kU8},
    OptionDef{53, "dhcp-message-type", T::kU8},
    OptionDef{54, "dhcp-server-identifier", T::kIp},
    OptionDef{55, "dhcp-parameter-request-list", T::kU8List},
    OptionDef{56, "dhcp-message", T::kText},
    OptionDef{57, "dhcp-max-message-size", T::kU16},
    OptionDef{58, "dhcp-renewal-time", T::kU32},
    OptionDef{59, "dhcp-rebinding-time", T::kU32},
    OptionDef{60, "vendor-class-identifier", T::kBytes},
    OptionDef{61, "dhcp-client-identifier", T::kBytes},
    OptionDef{64, "nisplus-domain", T::kText},
    OptionDef{65, "nisplus-servers", T::kIpList},
    OptionDef{66, "tftp-server-name", T::kText},
    OptionDef{67, "bootfile-name", T::kText},
    OptionDef{69, "smtp-server", T::kIpList},
    OptionDef{77, "user-class", T::kBytes},
    OptionDef{81, "fqdn", T::kBytes},
    OptionDef{82, "relay-agent-information", T::kBytes},
    OptionDef{93, "pxe-system-type", T::kU16List},
    OptionDef{94, "pxe-interface-id", T::kBytes},
    OptionDef{97, "pxe-client-id", T::kBytes},
    OptionDef{119, "domain-search", T::kDomainList},
    OptionDef{121, "classless-static-routes", T::kBytes},
    OptionDef{150, "tftp-server-address", T::kIpList},
    OptionDef{175, "ipxe-encap-options", T::kBytes},
    OptionDef{208, "pxelinux-magic", T::kBytes},
    OptionDef{209, "pxelinux-configfile", T::kText},
    OptionDef{210, "pxelinux-pathprefix", T::kText},
    OptionDef{211, "pxelinux-reboottime", T::kU32},
};

std::uint32_t Be(std::span<const std::uint8_t> d, std::size_t at,
                 std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v << 8 | d[at + i];
  return v;
}

std::string ColonHex(std::span<const std::uint8_t> data) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i)
    out += fmt::format("{}{:02x}", i ? ":" : "", data[i]);
  return out;
}

bool Printable(std::span<const std::uint8_t> data) {
  return std::all_of(data.begin(), data.end(),
                     [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; });
}

}  // namespace

std::span<const OptionDef> StandardOptions() { return kOptions; }

const OptionDef* FindOptionByCode(std::uint8_t code) {
  auto it = std::lower_bound(
      kOptions.begin(), kOptions.end(), code,
      [](const OptionDef& def, std::uint8_t c) { return def.code < c; });
  return it != kOptions.end() && it->code == code ? &*it : nullptr;
}

const OptionDef* FindOptionByName(std::string_view name) {
  for (const OptionDef& def : kOptions)
    if (EqualsIgnoreAsciiCase(def.name, name)) return &def;
  return nullptr;
}

std::string_view OptionTypeName(OptionType type) {
  // ISC's type names, in the order of OptionType.
  static constexpr std::array<std::string_view, 12> kNames = {
      "string",
      "text",
      "ip-address",
      "array of ip-address",
      "unsigned integer 8",
      "unsigned integer 16",
      "unsigned integer 32",
      "signed integer 32",
      "array of unsigned integer 16",
      "array of unsigned integer 8",
      "boolean",
      "domain-list"};
  static_assert(kNames.size() == EnumCount(T::kDomainList));
  return EnumName(type, kNames, "string");
}

std::string FormatOptionValue(OptionType type,
                              std::span<const std::uint8_t> data) {
  auto fixed = [&](std::size_t width) {
    return data.size() == width ||
           (width > 0 && !data.empty() && data.size() % width == 0 &&
            (type == T::kIpList || type == T::kU16List || type == T::kU8List));
  };
  switch (type) {
    case T::kIp:
    case T::kIpList:
      if (!fixed(4)) break;
      {
        std::string out;
        for (std::size_t i = 0; i < data.size(); i += 4)
          out += fmt::format("{}{}", i ? ", " : "", Ipv4Addr(Be(data, i, 4)));
        return out;
      }
    case T::kU8:
    case T::kU8List:
    case T::kBool:
      if (!fixed(1)) break;
      {
        std::string out;
        for (std::size_t i = 0; i < data.size(); ++i)
          out += fmt::format("{}{}", i ? "," : "", data[i]);
        return out;
      }
    case T::kU16:
    case T::kU16List:
      if (!fixed(2)) break;
      {
        std::string out;
        for (std::size_t i = 0; i < data.size(); i += 2)
          out += fmt::format("{}{}", i ? "," : "", Be(data, i, 2));
        return out;
      }
    case T::kU32:
      if (!fixed(4)) break;
      return fmt::format("{}", Be(data, 0, 4));
    case T::kI32:
      if (!fixed(4)) break;
      return fmt::format("{}", static_cast<std::int32_t>(Be(data, 0, 4)));
    case T::kText:
    case T::kBytes:
    case T::kDomainList:
      if (!data.empty() && Printable(data))
        return fmt::format(
            "\"{}\"",
            std::string_view(reinterpret_cast<const char*>(data.data()),
                             data.size()));
      break;
  }
  return ColonHex(data);
}

}  // namespace pxekit
