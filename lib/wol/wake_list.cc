#include "wol/wake_list.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/ipv4.h"
#include "util/text.h"

namespace pxekit {

Result<std::uint16_t> ParsePort(std::string_view text) {
  if (text.empty()) return Fail("empty port", 1);
  unsigned value = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9')
      return Fail(fmt::format("port {}: {} is not a digit",
                              QuoteForMessage(text), DescribeChar(text[i])),
                  i + 1);
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
    if (value > 65535) break;
  }
  if (value < 1 || value > 65535)
    return Fail(fmt::format("port {} is not in 1-65535", QuoteForMessage(text)),
                1);
  return static_cast<std::uint16_t>(value);
}

Result<MacAddr> ParseWakeMac(std::string_view text,
                             const MacNameLookup& lookup) {
  auto mac = MacAddr::Parse(text);
  if (mac) return mac;
  std::string why_no_name;
  if (lookup) {
    auto named = lookup(text);
    if (named) return named;
    why_no_name = fmt::format(" (and {})", named.error());
  }
  return Fail(fmt::format("invalid MAC address {}: {}{}", QuoteForMessage(text),
                          mac.error(), why_no_name),
              mac.failure().column);
}

Result<WakeTarget> ParseWakeLine(const ListLine& line,
                                 const MacNameLookup& lookup) {
  const auto& fields = line.fields;
  if (auto failure = CheckFieldCount(line, 3, "MAC [IP [PORT]]"))
    return *failure;
  WakeTarget target;
  auto mac = ParseWakeMac(fields[0].text, lookup);
  if (!mac) {
    std::size_t offset =
        mac.failure().column > 0 ? mac.failure().column - 1 : 0;
    return Fail(mac.error(), fields[0].column + offset);
  }
  target.mac = *mac;
  if (fields.size() >= 2) {
    // Digits and dots are an address, checked here so that a typo is a bad
    // line (with its column), not a host name for the resolver.
    std::string_view host = fields[1].text;
    if (IsIpv4Shaped(host)) {
      auto address = Ipv4Addr::Parse(host);
      if (!address)
        return Fail(fmt::format("invalid IPv4 address {}: {}",
                                QuoteForMessage(host), address.error()),
                    fields[1].column + address.failure().column - 1);
    }
    target.host = std::string(host);
  }
  if (fields.size() >= 3) {
    auto port = ParsePort(fields[2].text);
    if (!port) return Fail(port.error(), fields[2].column);
    target.port = *port;
  }
  return target;
}

WakeList ParseWakeList(std::string_view content, std::string_view source_name,
                       const MacNameLookup& lookup) {
  return ParseListLines<WakeList>(
      content, source_name,
      [&](const ListLine& line) { return ParseWakeLine(line, lookup); });
}

}  // namespace pxekit
