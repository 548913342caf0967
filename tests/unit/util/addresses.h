#pragma once
// Addresses for tests, written the short way: Ip(198, 18, 0, 7), Ip(7) for
// 198.18.0.7 (the test lab's network), Ip("10.0.0.1"), Mac("02:00:...").
// The text forms must parse; a typo fails the test.

#include <cstdint>

#include <catch2/catch.hpp>

#include "util/ipv4.h"
#include "util/mac_addr.h"

namespace pxekit::test {

inline Ipv4Addr Ip(int a, int b, int c, int d) {
  return Ipv4Addr::FromOctets(
      static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b),
      static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(d));
}

inline Ipv4Addr Ip(int last) { return Ip(198, 18, 0, last); }

inline Ipv4Addr Ip(const char* text) {
  auto ip = Ipv4Addr::Parse(text);
  REQUIRE(ip.ok());
  return *ip;
}

inline MacAddr Mac(const char* text) {
  auto mac = MacAddr::Parse(text);
  REQUIRE(mac.ok());
  return *mac;
}

}  // namespace pxekit::test
