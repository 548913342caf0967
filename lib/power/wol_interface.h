#pragma once
// Which NIC pxe-poweroff arms for Wake-on-LAN, and so whose MAC is the
// agent's id: --wol-interface, else --interface (the one the agent listens
// on), else the interface of the default route: the one a lab machine
// boots and is woken through. Pure: the routing table comes in as the text
// of /proc/net/route.

#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace pxekit {

// The interface of the IPv4 default route (destination and mask 0, route
// up) with the lowest metric, from /proc/net/route's text; nullopt when
// there is none.
std::optional<std::string> DefaultRouteInterface(
    std::string_view proc_net_route);

struct WolInterfaceChoice {
  enum class Source { kWolFlag, kInterfaceFlag, kDefaultRoute };
  std::string name;
  Source source = Source::kDefaultRoute;
};

// `wol_flag` and `interface_flag` are empty when not given. Failure (the
// tool's exit 78) says which flag to give.
Result<WolInterfaceChoice> ChooseWolInterface(std::string_view wol_flag,
                                              std::string_view interface_flag,
                                              std::string_view proc_net_route);

}  // namespace pxekit
