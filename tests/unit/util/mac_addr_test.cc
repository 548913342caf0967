#include "util/mac_addr.h"

#include <catch2/catch.hpp>

#include "unit/reject_cases.h"

namespace pxekit {
namespace {

const MacAddr kSample(MacAddr::Bytes{0x00, 0x13, 0x21, 0x1f, 0xf1, 0x82});

}  // namespace

TEST_CASE("MacAddr parses every accepted form in any case", "[mac]") {
  const char* forms[] = {
      "00:13:21:1F:F1:82", "00:13:21:1f:f1:82", "00-13-21-1f-f1-82",
      "00-13-21-1F-F1-82", "0013.211f.f182",    "0013.211F.F182",
      "0013211ff182",      "0013211FF182",      "0:13:21:1f:f1:82",
      "0-13-21-1f-f1-82",
  };
  for (const char* form : forms) {
    INFO(form);
    auto mac = MacAddr::Parse(form);
    REQUIRE(mac.ok());
    CHECK(*mac == kSample);
  }
}

TEST_CASE("MacAddr accepts Debian's one-digit groups", "[mac]") {
  auto mac = MacAddr::Parse("1:2:3:4:5:6");
  REQUIRE(mac.ok());
  CHECK(mac->ToString() == "01:02:03:04:05:06");
}

TEST_CASE("MacAddr rejects everything else with a reason and a column",
          "[mac]") {
  const RejectCase cases[] = {
      {"", "empty MAC address", 1},
      {"00:13:21:1f:f1", "has 5 groups, expected 6", 15},
      {"00:13:21:1f:f1:82:00", "has more than 6 groups", 18},
      {"00:13:21:1g:f1:82", "'g' is not a hex digit", 11},
      {"00:13:21:1ff:f1:8", "group 4 has more than 2 hex digits", 10},
      {"00::21:1f:f1:82", "group 2 is empty", 4},
      {"00:13-21:1f:f1:82", "mixes separators", 6},
      {"0013.211f-f182", "mixes separators", 10},
      {"0013211ff18", "has 11 hex digits, expected 12", 12},
      {"0013211ff1822", "has 13 hex digits, expected 12", 14},
      {"00132.11ff.f182",
       "dotted form needs three groups of 4 hex digits (aabb.ccdd.eeff)", 5},
      {"0013.211f.f18",
       "dotted form needs three groups of 4 hex digits (aabb.ccdd.eeff)", 14},
      {"00:13:21:1f:f1:82 ", "unexpected ' ' after the last group", 18},
      {"00:13:21:1f:f1:8\x01", "unexpected byte 0x01 after the last group", 17},
      {"00:13:21:1f:f1:\x01", "byte 0x01 is not a hex digit", 16},
      {"pc12.example.org", "'p' is not a hex digit", 1},
      {"001321-1ff182", "group 1 has more than 2 hex digits", 1},
      {"00:13:21:1f:f1:82:00:00:00", "has more than 6 groups", 18},
  };
  CheckRejects(cases, [](const char* text) { return MacAddr::Parse(text); });
}

TEST_CASE("MacAddr formats canonically and as a PXELINUX file name", "[mac]") {
  CHECK(kSample.ToString() == "00:13:21:1f:f1:82");
  CHECK(kSample.PxelinuxName() == "01-00-13-21-1f-f1-82");
  CHECK(fmt::format("{}", kSample) == "00:13:21:1f:f1:82");
  CHECK(fmt::format("[{:>19}]", kSample) == "[  00:13:21:1f:f1:82]");
}

TEST_CASE("MacAddr classifies broadcast and multicast and zero", "[mac]") {
  CHECK(MacAddr::Broadcast().IsBroadcast());
  CHECK(MacAddr::Broadcast().IsMulticast());
  CHECK(MacAddr::Parse("01:00:5e:00:00:01")->IsMulticast());
  CHECK_FALSE(kSample.IsMulticast());
  CHECK(MacAddr().IsZero());
  CHECK(MacAddr::Parse("00:00:00:00:00:01").value() > MacAddr());
}

TEST_CASE("MacAddr::FromBytes needs six bytes", "[mac]") {
  const std::uint8_t bytes[] = {0, 0x13, 0x21, 0x1f, 0xf1, 0x82, 0x99};
  MacAddr mac;
  CHECK_FALSE(MacAddr::FromBytes({bytes, 5}, &mac));
  REQUIRE(MacAddr::FromBytes(bytes, &mac));
  CHECK(mac == kSample);
}

}  // namespace pxekit
