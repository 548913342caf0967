#include "power/wol_interface.h"

#include <cstdint>
#include <vector>

#include "util/line_list.h"
#include "util/text.h"

namespace pxekit {
namespace {

constexpr unsigned kRouteUp = 0x1;  // RTF_UP

std::optional<std::uint64_t> ParseHex(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    else
      return std::nullopt;
    value = value * 16 + static_cast<unsigned>(digit);
  }
  return value;
}

std::optional<std::uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

}  // namespace

std::optional<std::string> DefaultRouteInterface(
    std::string_view proc_net_route) {
  // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
  std::optional<std::string> best;
  std::uint64_t best_metric = 0;
  bool header = true;
  while (!proc_net_route.empty()) {
    std::string_view line = TakeLine(proc_net_route);
    if (header) {
      header = false;
      continue;
    }
    std::vector<ListField> fields = SplitListFields(line);
    if (fields.size() < 8) continue;
    auto destination = ParseHex(fields[1].text);
    auto flags = ParseHex(fields[3].text);
    auto metric = ParseDecimal(fields[6].text);
    auto mask = ParseHex(fields[7].text);
    if (!destination || !flags || !metric || !mask) continue;
    if (*destination != 0 || *mask != 0 || (*flags & kRouteUp) == 0) continue;
    if (!best || *metric < best_metric) {
      best = std::string(fields[0].text);
      best_metric = *metric;
    }
  }
  return best;
}

Result<WolInterfaceChoice> ChooseWolInterface(std::string_view wol_flag,
                                              std::string_view interface_flag,
                                              std::string_view proc_net_route) {
  WolInterfaceChoice choice;
  if (!wol_flag.empty()) {
    choice.name = std::string(wol_flag);
    choice.source = WolInterfaceChoice::Source::kWolFlag;
    return choice;
  }
  if (!interface_flag.empty()) {
    choice.name = std::string(interface_flag);
    choice.source = WolInterfaceChoice::Source::kInterfaceFlag;
    return choice;
  }
  if (auto name = DefaultRouteInterface(proc_net_route)) {
    choice.name = *name;
    choice.source = WolInterfaceChoice::Source::kDefaultRoute;
    return choice;
  }
  return Fail(
      "no default route to take the Wake-on-LAN interface from; name it "
      "with --wol-interface");
}

}  // namespace pxekit
