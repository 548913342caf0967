#include "wol/magic_packet.h"

#include <catch2/catch.hpp>

#include "util/hex.h"

namespace pxekit {
namespace {

const MacAddr kTarget(MacAddr::Bytes{0x00, 0x13, 0x21, 0x1f, 0xf1, 0x82});

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("A magic packet is 6 x ff then the MAC 16 times: 102 bytes",
          "[wol]") {
  auto packet = BuildMagicPacket(kTarget);
  REQUIRE(packet.size() == 102);
  CHECK(ToHex(packet) == "ffffffffffff" + Repeat("0013211ff182", 16));
}

TEST_CASE("SecureOn passwords make 106 and 108 byte packets", "[wol]") {
  auto four = ParseSecureOnPassword("192.168.1.1");
  REQUIRE(four.ok());
  auto packet4 = BuildMagicPacket(kTarget, *four);
  REQUIRE(packet4.size() == 106);
  CHECK(ToHex(packet4).substr(204) == "c0a80101");

  auto six = ParseSecureOnPassword("00:22:44:66:88:AA");
  REQUIRE(six.ok());
  auto packet6 = BuildMagicPacket(kTarget, *six);
  REQUIRE(packet6.size() == 108);
  CHECK(ToHex(packet6).substr(204) == "0022446688aa");
  CHECK(ParseSecureOnPassword("0022.4466.88aa")->size() == 6);
  CHECK(ParseSecureOnPassword("002244-6688aa").ok() == false);
}

TEST_CASE("Bad SecureOn passwords are refused with a reason", "[wol]") {
  auto bad_quad = ParseSecureOnPassword("1.2.3.400");
  REQUIRE_FALSE(bad_quad.ok());
  CHECK(bad_quad.error() == "4-byte password: octet 4 is greater than 255");
  auto bad_mac = ParseSecureOnPassword("secret");
  REQUIRE_FALSE(bad_mac.ok());
  CHECK(bad_mac.error() ==
        "expected 6 bytes as aa:bb:cc:dd:ee:ff or 4 as a.b.c.d: 's' is not a "
        "hex digit");
  CHECK(ParseSecureOnPassword("1.2.3").error() ==
        "4-byte password: has 3 octets, expected 4");
  CHECK(ParseSecureOnPassword("0000.0000.0000")->size() ==
        6);  // all digits, but a MAC form
  CHECK_FALSE(ParseSecureOnPassword("").ok());
}

TEST_CASE("ParseMagicPacket inverts BuildMagicPacket and rejects the rest",
          "[wol]") {
  for (const char* password : {"", "1.2.3.4", "01:02:03:04:05:06"}) {
    SecureOnPassword bytes;
    if (*password) bytes = *ParseSecureOnPassword(password);
    auto packet = BuildMagicPacket(kTarget, bytes);
    auto parsed = ParseMagicPacket(packet);
    REQUIRE(parsed.has_value());
    CHECK(parsed->target == kTarget);
    CHECK(parsed->password == bytes);
  }
  auto packet = BuildMagicPacket(kTarget);
  CHECK_FALSE(ParseMagicPacket(std::span(packet).first(101)).has_value());
  packet.push_back(0);
  CHECK_FALSE(ParseMagicPacket(packet).has_value());  // 103 bytes
  packet.pop_back();
  packet[50] ^= 1;
  CHECK_FALSE(ParseMagicPacket(packet).has_value());  // one copy differs
  packet[50] ^= 1;
  packet[0] = 0xfe;
  CHECK_FALSE(ParseMagicPacket(packet).has_value());  // sync broken
  CHECK_FALSE(ParseMagicPacket({}).has_value());
}

}  // namespace pxekit
