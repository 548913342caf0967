#include "power/target_list.h"

#include <algorithm>

#include <fmt/format.h>

#include "util/ipv4.h"
#include "util/text.h"

namespace pxekit {
namespace {

constexpr std::size_t kMaxHostNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.';
}

}  // namespace

Result<std::string> CheckPowerHost(std::string_view text) {
  if (text.empty()) return Fail("empty host", 1);
  if (IsIpv4Shaped(text)) {
    auto address = Ipv4Addr::Parse(text);
    if (!address)
      return Fail(fmt::format("invalid IPv4 address {}: {}",
                              QuoteForMessage(text), address.error()),
                  address.failure().column > 0 ? address.failure().column : 1);
    return std::string(text);
  }
  if (text.size() > kMaxHostNameLength)
    return Fail(fmt::format("host name is longer than {} characters",
                            kMaxHostNameLength),
                kMaxHostNameLength + 1);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!IsHostNameChar(text[i]))
      return Fail(fmt::format("invalid host name {}: {} is not allowed in a "
                              "host name",
                              QuoteForMessage(text), DescribeChar(text[i])),
                  i + 1);
  // Labels: what lies between the dots. A single trailing dot (the root) is
  // fine, as resolvers take it.
  std::string_view name = text;
  if (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    std::string_view label = name.substr(start, dot - start);
    if (label.empty())
      return Fail(fmt::format("invalid host name {}: empty label",
                              QuoteForMessage(text)),
                  start + 1);
    if (label.size() > kMaxLabelLength)
      return Fail(fmt::format("invalid host name {}: a label is longer than "
                              "{} characters",
                              QuoteForMessage(text), kMaxLabelLength),
                  start + 1);
    if (label.front() == '-' || label.back() == '-')
      return Fail(fmt::format("invalid host name {}: a label starts or ends "
                              "with '-'",
                              QuoteForMessage(text)),
                  label.front() == '-' ? start + 1 : dot);
    start = dot + 1;
  }
  return std::string(text);
}

Result<MacAddr> ParseTargetMac(std::string_view text) {
  auto mac = MacAddr::Parse(text);
  if (!mac)
    return Fail(fmt::format("invalid MAC address {}: {}", QuoteForMessage(text),
                            mac.error()),
                mac.failure().column > 0 ? mac.failure().column : 1);
  if (mac->IsMulticast() || mac->IsZero())
    return Fail(
        fmt::format("MAC address {} is not an agent id (it is {})",
                    QuoteForMessage(text),
                    mac->IsZero() ? "all zeros" : "a multicast address"),
        1);
  return mac;
}

Result<PowerTarget> ParsePowerTargetLine(const ListLine& line) {
  const auto& fields = line.fields;
  if (auto failure = CheckFieldCount(line, 2, "HOST [MAC]")) return *failure;
  PowerTarget target;
  auto host = CheckPowerHost(fields[0].text);
  if (!host)
    return Fail(host.error(), fields[0].column + host.failure().column - 1);
  target.host = std::move(host).value();
  if (fields.size() == 2) {
    auto mac = ParseTargetMac(fields[1].text);
    if (!mac)
      return Fail(mac.error(), fields[1].column + mac.failure().column - 1);
    target.mac = *mac;
  }
  return target;
}

PowerTargetList ParsePowerTargetList(std::string_view content,
                                     std::string_view source_name) {
  return ParseListLines<PowerTargetList>(
      content, source_name,
      [&](const ListLine& line) { return ParsePowerTargetLine(line); });
}

}  // namespace pxekit
