#include "bootcfg/host_list.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit {
namespace {

Result<HostEntry> FailAt(const Failure& failure, std::size_t field_column) {
  std::size_t offset = failure.column > 0 ? failure.column - 1 : 0;
  return Fail(failure.message, field_column + offset);
}

// "invalid WHAT 'TEXT': why", keeping the column inside TEXT.
template <typename T>
Result<T> ParseNamed(std::string_view text, std::string_view what) {
  auto value = T::Parse(text);
  if (!value)
    return Fail(fmt::format("invalid {} {}: {}", what, QuoteForMessage(text),
                            value.error()),
                value.failure().column);
  return value;
}

}  // namespace

Result<MacAddr> ParseMacArgument(std::string_view text) {
  return ParseNamed<MacAddr>(text, "MAC address");
}

Result<Ipv4Addr> ParseIpv4Argument(std::string_view text) {
  return ParseNamed<Ipv4Addr>(text, "IPv4 address");
}

Result<std::string> ValidateHostName(std::string_view name) {
  if (name.empty()) return Fail("empty host name", 1);
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool ok = std::isalnum(c) || ((c == '-' || c == '_' || c == '.') && i > 0);
    if (!ok)
      return Fail(fmt::format("host name {}: {} is not allowed here",
                              QuoteForMessage(name), DescribeChar(name[i])),
                  i + 1);
  }
  return std::string(name);
}

Result<HostEntry> ParseHostLine(const ListLine& line) {
  const auto& fields = line.fields;
  if (auto failure = CheckFieldCount(line, 4, "MAC [IP [NAME [LABEL]]]"))
    return *failure;
  HostEntry host;
  auto mac = ParseMacArgument(fields[0].text);
  if (!mac) return FailAt(mac.failure(), fields[0].column);
  host.mac = *mac;
  if (fields.size() >= 2 && fields[1].text != "-") {
    auto ip = ParseIpv4Argument(fields[1].text);
    if (!ip) return FailAt(ip.failure(), fields[1].column);
    host.ip = *ip;
  }
  if (fields.size() >= 3 && fields[2].text != "-") {
    auto name = ValidateHostName(fields[2].text);
    if (!name) return FailAt(name.failure(), fields[2].column);
    host.name = *name;
  }
  if (fields.size() >= 4) {
    auto label = ValidateLabel(fields[3].text);
    if (!label) return Fail(label.error(), fields[3].column);
    host.label = *label;
  }
  return host;
}

HostList ParseHostList(std::string_view content, std::string_view source_name) {
  // ParseListLines fills `targets`; a host also keeps its line number.
  struct Parsed {
    std::vector<HostEntry> targets;
    std::vector<ListError> errors;
  };
  Parsed parsed =
      ParseListLines<Parsed>(SkipUtf8Bom(content), source_name,
                             [](const ListLine& line) -> Result<HostEntry> {
                               auto host = ParseHostLine(line);
                               if (host) host.value().line = line.number;
                               return host;
                             });
  return HostList{std::move(parsed.targets), std::move(parsed.errors)};
}

Result<HostEntry> ParseHostOption(std::string_view text) {
  std::string_view mac_text = text;
  std::string_view label;
  if (std::size_t comma = text.find(','); comma != std::string_view::npos) {
    mac_text = text.substr(0, comma);
    label = text.substr(comma + 1);
  }
  auto mac = MacAddr::Parse(mac_text);
  if (!mac)
    return Fail(fmt::format("invalid MAC address {}: {}",
                            QuoteForMessage(mac_text), mac.error()));
  HostEntry host;
  host.mac = *mac;
  if (text.find(',') != std::string_view::npos) {
    auto checked = ValidateLabel(label);
    if (!checked) return checked.failure();
    host.label = *checked;
  }
  return host;
}

std::vector<HostProblem> RemoveDuplicateHosts(std::vector<HostEntry>& hosts) {
  std::vector<HostProblem> problems;
  std::map<MacAddr, std::string> macs;
  std::map<Ipv4Addr, std::string> ips;
  std::map<std::string, std::string> names;
  std::vector<HostEntry> kept;
  for (HostEntry& host : hosts) {
    std::string why;
    if (auto it = macs.find(host.mac); it != macs.end()) {
      why = fmt::format("duplicate MAC address {} (first at {})", host.mac,
                        it->second);
    } else if (auto ip = host.ip ? ips.find(*host.ip) : ips.end();
               ip != ips.end()) {
      why = fmt::format("duplicate IP address {} (first at {})", *host.ip,
                        ip->second);
    } else if (auto name =
                   host.name.empty() ? names.end() : names.find(host.name);
               name != names.end()) {
      why = fmt::format("duplicate host name {} (first at {})",
                        QuoteForMessage(host.name), name->second);
    }
    if (!why.empty()) {
      problems.push_back({host.origin, why, host.line});
      continue;
    }
    macs.emplace(host.mac, host.origin);
    if (host.ip) ips.emplace(*host.ip, host.origin);
    if (!host.name.empty()) names.emplace(host.name, host.origin);
    kept.push_back(std::move(host));
  }
  hosts = std::move(kept);
  return problems;
}

}  // namespace pxekit
