#include "power/wol_interface.h"

#include <catch2/catch.hpp>

namespace pxekit {
namespace {

// /proc/net/route as Linux 6.1 prints it (tabs; trailing blanks).
constexpr const char* kRoutes =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\t"
    "Window\tIRTT\n"
    "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
    "enp3s0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    "enp3s0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
    "down0\t00000000\t0200000A\t0002\t0\t0\t1\t00000000\t0\t0\t0\n";

TEST_CASE("The default route with the lowest metric names the interface",
          "[power]") {
  CHECK(DefaultRouteInterface(kRoutes) == std::optional<std::string>("enp3s0"));
}

TEST_CASE("No default route means no interface", "[power]") {
  CHECK_FALSE(DefaultRouteInterface(""));
  CHECK_FALSE(DefaultRouteInterface(
      "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
      "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"));
  // Garbage lines are skipped, not trusted.
  CHECK_FALSE(DefaultRouteInterface("header\nx y z\neth0 00000000 zz\n"));
}

TEST_CASE("The WoL interface is the flag before --interface before the route",
          "[power]") {
  auto wol = ChooseWolInterface("eno1", "eth9", kRoutes);
  REQUIRE(wol.ok());
  CHECK(wol->name == "eno1");
  CHECK(wol->source == WolInterfaceChoice::Source::kWolFlag);
  auto listen = ChooseWolInterface("", "eth9", kRoutes);
  REQUIRE(listen.ok());
  CHECK(listen->name == "eth9");
  CHECK(listen->source == WolInterfaceChoice::Source::kInterfaceFlag);
  auto route = ChooseWolInterface("", "", kRoutes);
  REQUIRE(route.ok());
  CHECK(route->name == "enp3s0");
  CHECK(route->source == WolInterfaceChoice::Source::kDefaultRoute);
  auto none = ChooseWolInterface("", "", "");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().find("--wol-interface") != std::string::npos);
}

}  // namespace
}  // namespace pxekit
