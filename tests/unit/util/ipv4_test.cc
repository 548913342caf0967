#include "util/ipv4.h"

#include <catch2/catch.hpp>

#include "unit/reject_cases.h"

namespace pxekit {

TEST_CASE("Ipv4Addr parses strict dotted quads", "[ipv4]") {
  auto addr = Ipv4Addr::Parse("192.168.5.33");
  REQUIRE(addr.ok());
  CHECK(addr->value() == 0xc0a80521u);
  CHECK(*addr == Ipv4Addr::FromOctets(192, 168, 5, 33));
  CHECK(Ipv4Addr::Parse("0.0.0.0")->value() == 0);
  CHECK(Ipv4Addr::Parse("255.255.255.255").value() ==
        Ipv4Addr::LimitedBroadcast());
}

TEST_CASE("Ipv4Addr rejects malformed addresses with a column", "[ipv4]") {
  const RejectCase cases[] = {
      {"", "empty IPv4 address", 1},
      {"192.168.5", "has 3 octets, expected 4", 10},
      {"192.168.5.1.2", "has more than 4 octets", 12},
      {"192.168.256.1", "octet 3 is greater than 255", 9},
      {"192.168.05.1", "octet 3 has a leading zero", 9},
      {"192..5.1", "octet 2 is empty", 5},
      {"192.168.5.x", "'x' is not a digit", 11},
      {"192.168.5.1/24", "unexpected '/' after the address", 12},
      {"10.0.0.1 ", "unexpected ' ' after the address", 9},
      {"99999999999.1.1.1", "octet 1 is greater than 255", 1},
  };
  CheckRejects(cases, [](const char* text) { return Ipv4Addr::Parse(text); });
}

TEST_CASE("Ipv4Addr converts to and from network order", "[ipv4]") {
  Ipv4Addr addr = Ipv4Addr::FromOctets(10, 1, 2, 3);
  const auto net = addr.NetworkOrder();
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(&net);
  CHECK(bytes[0] == 10);
  CHECK(bytes[3] == 3);
  CHECK(Ipv4Addr::FromNetworkOrder(net) == addr);
}

TEST_CASE("Ipv4Prefix computes netmask and network and directed broadcast",
          "[ipv4]") {
  auto prefix = Ipv4Prefix::Parse("10.77.3.9/22");
  REQUIRE(prefix.ok());
  CHECK(prefix->length() == 22);
  CHECK(prefix->Netmask() == Ipv4Addr::FromOctets(255, 255, 252, 0));
  CHECK(prefix->Network() == Ipv4Addr::FromOctets(10, 77, 0, 0));
  CHECK(prefix->DirectedBroadcast() == Ipv4Addr::FromOctets(10, 77, 3, 255));
  CHECK(prefix->Contains(Ipv4Addr::FromOctets(10, 77, 2, 1)));
  CHECK_FALSE(prefix->Contains(Ipv4Addr::FromOctets(10, 77, 4, 1)));
  CHECK(fmt::format("{}", *prefix) == "10.77.3.9/22");

  CHECK(Ipv4Prefix::Parse("192.168.5.1")->length() == 32);
  CHECK(Ipv4Prefix::Parse("0.0.0.0/0")
            ->Contains(Ipv4Addr::FromOctets(8, 8, 8, 8)));
  CHECK(Ipv4Prefix::Parse("10.0.0.1/32")->DirectedBroadcast() ==
        Ipv4Addr::FromOctets(10, 0, 0, 1));
  CHECK(Ipv4Prefix::Parse("10.0.0.1/0")->DirectedBroadcast() ==
        Ipv4Addr::LimitedBroadcast());
}

TEST_CASE("Ipv4Prefix rejects bad prefix lengths", "[ipv4]") {
  CHECK(Ipv4Prefix::Parse("10.0.0.0/33").error() ==
        "prefix length must be 0 to 32");
  CHECK(Ipv4Prefix::Parse("10.0.0.0/").error() ==
        "prefix length must be 0 to 32");
  CHECK(Ipv4Prefix::Parse("10.0.0.0/2x").failure().column == 11);
  CHECK(Ipv4Prefix::Parse("10.0.0/8").error() == "has 3 octets, expected 4");
}

TEST_CASE("Netmasks convert to prefix lengths only when contiguous", "[ipv4]") {
  CHECK(Ipv4Prefix::NetmaskToLength("255.255.255.0").value() == 24);
  CHECK(Ipv4Prefix::NetmaskToLength("255.255.255.255").value() == 32);
  CHECK(Ipv4Prefix::NetmaskToLength("0.0.0.0").value() == 0);
  CHECK(Ipv4Prefix::NetmaskToLength("255.255.128.0").value() == 17);
  CHECK(Ipv4Prefix::NetmaskToLength("255.0.255.0").error() ==
        "netmask 255.0.255.0 is not contiguous");
  for (int length = 0; length <= 32; ++length)
    CHECK(Ipv4Prefix::NetmaskToLength(
              Ipv4Prefix::LengthToNetmask(length).ToString())
              .value() == length);
}

TEST_CASE("Ipv4Range parses the seed's range and checks its order", "[ipv4]") {
  auto range = Ipv4Range::Parse("192.168.5.33-192.168.5.38");
  REQUIRE(range.ok());
  CHECK(range->Size() == 6);
  CHECK(range->Contains(Ipv4Addr::FromOctets(192, 168, 5, 38)));
  CHECK_FALSE(range->Contains(Ipv4Addr::FromOctets(192, 168, 5, 39)));
  CHECK(fmt::format("{}", *range) == "192.168.5.33-192.168.5.38");
  CHECK(Ipv4Range::Parse("10.0.0.1 - 10.0.0.1")->Size() == 1);
  CHECK(Ipv4Range::Parse("0.0.0.0-255.255.255.255")->Size() ==
        (std::uint64_t{1} << 32));

  auto backwards = Ipv4Range::Parse("10.0.0.9-10.0.0.1");
  REQUIRE_FALSE(backwards.ok());
  CHECK(backwards.error() == "range 10.0.0.9-10.0.0.1 ends before it starts");
  CHECK(backwards.failure().column == 10);
  CHECK(Ipv4Range::Parse("10.0.0.1").error() == "expected FIRST-LAST");
  CHECK(Ipv4Range::Parse("10.0.0.1-10.0.0.x").failure().column == 17);
  CHECK(Ipv4Range::Parse("  10.0.x.1-10.0.0.2").failure().column == 8);
}

}  // namespace pxekit
