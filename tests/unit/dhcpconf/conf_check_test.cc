#include "dhcpconf/conf_check.h"

#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "dhcpconf/dhcpd_conf_parser.h"
#include "unit/dhcpconf/must_parse.h"

namespace pxekit {
namespace {

std::vector<std::string> Warnings(std::string_view text) {
  return CheckDhcpdConf(MustParseConf(text, "c.conf"));
}

constexpr const char* kSubnet =
    "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
    "  range 10.0.0.10 10.0.0.50;\n"
    "}\n";

// kSubnet (lines 1-3) and then `hosts` give exactly the warning `expected`.
void CheckOneWarning(std::string_view hosts, std::string_view expected) {
  auto w = Warnings(std::string(kSubnet) + std::string(hosts));
  REQUIRE(w.size() == 1);
  CHECK(w[0] == expected);
}

TEST_CASE("A clean configuration has no warnings", "[dhcpconf]") {
  CHECK(Warnings(std::string(kSubnet) +
                 "host a { hardware ethernet 02:00:00:00:00:01; "
                 "fixed-address 10.0.0.60; }\n")
            .empty());
}

TEST_CASE("Overlapping ranges are named in pools and across them",
          "[dhcpconf]") {
  auto w = Warnings(
      "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
      "  range 10.0.0.10 10.0.0.50;\n"
      "  pool { range 10.0.0.50 10.0.0.60; }\n"
      "  range 10.0.0.70 10.0.0.80;\n"
      "}\n");
  REQUIRE(w.size() == 1);
  CHECK(w[0] ==
        "c.conf:3: range 10.0.0.50-10.0.0.60 overlaps range "
        "10.0.0.10-10.0.0.50 at c.conf:2");
  // A range inside a longer one that starts earlier.
  w = Warnings(
      "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
      "  range 10.0.0.10 10.0.0.90;\n"
      "  range 10.0.0.20 10.0.0.30;\n"
      "  range 10.0.0.40 10.0.0.50;\n"
      "}\n");
  CHECK(w.size() == 2);
}

TEST_CASE("A fixed address inside a range is a warning", "[dhcpconf]") {
  CheckOneWarning(
      "host a { hardware ethernet 02:00:00:00:00:01; "
      "fixed-address 10.0.0.10; }\n"
      "host b { hardware ethernet 02:00:00:00:00:02; "
      "fixed-address 10.0.0.51; }\n",
      "c.conf:4: host a has fixed-address 10.0.0.10 inside range "
      "10.0.0.10-10.0.0.50 at c.conf:2");
}

TEST_CASE("One MAC in two hosts: the first is used", "[dhcpconf]") {
  CheckOneWarning(
      "host a { hardware ethernet 02:00:00:00:00:01; }\n"
      "host b { hardware ethernet 02:00:00:00:00:01; }\n",
      "c.conf:5: host b has the MAC 02:00:00:00:00:01 of host a at "
      "c.conf:4; only host a is used");
}

TEST_CASE("A host outside every subnet is a warning", "[dhcpconf]") {
  CheckOneWarning(
      "subnet 10.2.0.0 netmask 255.255.0.0 { }\n"
      "host a { hardware ethernet 02:00:00:00:00:01; "
      "fixed-address 10.1.0.5; }\n"
      "host b { hardware ethernet 02:00:00:00:00:02; "
      "fixed-address 10.2.3.4; }\n"
      "host c { hardware ethernet 02:00:00:00:00:03; }\n",
      "c.conf:5: host a has fixed-address 10.1.0.5, which is in no "
      "declared subnet");
}

TEST_CASE("A large registry loads and finds its hosts by MAC", "[dhcpconf]") {
  // Not timed (tests/bench/dhcpd_conf.sh is): this size took ~10 s when
  // the parser compared every host with every earlier one.
  constexpr int kHosts = 20000;
  std::string text = "subnet 10.0.0.0 netmask 255.0.0.0 { }\n";
  for (int i = 1; i <= kHosts; ++i)
    text += fmt::format(
        "host pc{} {{ hardware ethernet 02:00:00:{:02x}:{:02x}:{:02x}; "
        "fixed-address 10.{}.{}.{}; }}\n",
        i, (i >> 16) & 255, (i >> 8) & 255, i & 255, (i >> 16) & 255,
        (i >> 8) & 255, i & 255);
  DhcpdConf conf = MustParseConf(text, "big.conf");
  REQUIRE(conf.hosts.size() == kHosts);
  CHECK(CheckDhcpdConf(conf).empty());
  conf.IndexHosts();
  const HostDecl* host =
      conf.FindHost(MacAddr(MacAddr::Bytes{2, 0, 0, 0, 0x4e, 0x1f}), {});
  REQUIRE(host != nullptr);
  CHECK(host->name == "pc19999");
  CHECK(conf.FindHost(MacAddr(MacAddr::Bytes{2, 0, 0, 1, 0, 0}), {}) ==
        nullptr);
}

}  // namespace
}  // namespace pxekit
