#include "util/ipv6.h"

#include <arpa/inet.h>

#include <random>
#include <string>

#include <catch2/catch.hpp>

namespace pxekit {

namespace {

// The reference: what exports(5) clients were checked with before the codec
// stopped including the socket API.
bool InetPton6(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

}  // namespace

TEST_CASE("IsIpv6Address takes what inet_pton(AF_INET6) takes", "[ipv6]") {
  struct Case {
    const char* text;
    bool valid;
  };
  const Case cases[] = {
      {"::", true},
      {"::1", true},
      {"1::", true},
      {"fe80::1", true},
      {"2001:db8:0:0:0:0:0:1", true},
      {"2001:DB8::abcd:EF01", true},
      {"1:2:3:4:5:6:7:8", true},
      {"1:2:3:4:5:6:7::", true},
      {"::2:3:4:5:6:7:8", true},
      {"::ffff:192.0.2.1", true},
      {"1:2:3:4:5:6:1.2.3.4", true},
      {"0000:0000:0000:0000:0000:ffff:255.255.255.255", true},
      {"", false},
      {":", false},
      {":1::", false},
      {"1:", false},
      {"1::2:", false},
      {":::", false},
      {"1:::2", false},
      {"1::2::3", false},
      {"1:2:3:4:5:6:7", false},
      {"1:2:3:4:5:6:7:8:9", false},
      {"1:2:3:4:5:6:7::8", false},
      {"12345::", false},
      {"g::", false},
      {"1.2.3.4", false},
      {"::1.2.3", false},
      {"::1.2.3.04", false},
      {"::256.1.1.1", false},
      {"1:2:3:4:5:6:7:1.2.3.4", false},
      {"::1.2.3.4:5", false},
      {"fe80::1%eth0", false},
      {"[::1]", false},
      {" ::1", false},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(IsIpv6Address(c.text) == c.valid);
    CHECK(InetPton6(c.text) == c.valid);
  }
}

TEST_CASE("IsIpv6Address agrees with inet_pton on random texts", "[ipv6]") {
  // Texts made of the pieces an address is made of, in any order, so that
  // both answers occur often.
  std::mt19937 random(16);
  const std::string pieces[] = {"0", "1",   "ab", "fFf", "1234",    "12345",
                                ":", ":",   "::", ":::", "1.2.3.4", "01.2",
                                ".", "256", "g",  "%"};
  int valid = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    int length = static_cast<int>(random() % 12);
    for (int i = 0; i < length; ++i)
      text += pieces[random() % std::size(pieces)];
    INFO(text);
    bool expected = InetPton6(text);
    REQUIRE(IsIpv6Address(text) == expected);
    valid += expected;
  }
  CHECK(valid > 100);
}

}  // namespace pxekit
