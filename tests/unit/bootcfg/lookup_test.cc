#include "bootcfg/lookup.h"

#include <utility>

#include <catch2/catch.hpp>

#include "bootcfg/names.h"

namespace pxekit {

TEST_CASE("Hex IP names are 8 uppercase digits zero-padded", "[bootcfg]") {
  // pxekit(7), CONFIG LOOKUP: 192.168.2.91 -> C0A8025B; unpadded hex broke real
  // labs.
  CHECK(HexIp(Ipv4Addr::FromOctets(192, 168, 2, 91)) == "C0A8025B");
  CHECK(HexIp(Ipv4Addr::FromOctets(10, 0, 0, 130)) == "0A000082");
  CHECK(HexIp(Ipv4Addr::FromOctets(0, 0, 0, 1)) == "00000001");
}

TEST_CASE("UUIDs are lowercased and dashed 8-4-4-4-12", "[bootcfg]") {
  auto dashed = NormalizeUuid("B8945908-D6A6-41A9-611D-74A6AB80B83D");
  REQUIRE(dashed);
  CHECK(*dashed == "b8945908-d6a6-41a9-611d-74a6ab80b83d");
  auto bare = NormalizeUuid("b8945908d6a641a9611d74a6ab80b83d");
  REQUIRE(bare);
  CHECK(*bare == "b8945908-d6a6-41a9-611d-74a6ab80b83d");
  CHECK_FALSE(NormalizeUuid("b8945908-d6a6-41a9-611d-74a6ab80b83"));
  CHECK_FALSE(NormalizeUuid("b8945908d6a6-41a9-611d-74a6-ab80b83d"));
  auto bad = NormalizeUuid("x8945908-d6a6-41a9-611d-74a6ab80b83d");
  REQUIRE_FALSE(bad);
  CHECK(bad.failure().column == 1);
}

TEST_CASE(
    "pxelinux asks for UUID then 01-MAC then hex IP shortened then default",
    "[bootcfg][lookup]") {
  // The example of pxelinux.txt: MAC 88:99:AA:BB:CC:DD, IP 192.168.2.91.
  LookupQuery query;
  query.mac = *MacAddr::Parse("88:99:AA:BB:CC:DD");
  query.ip = Ipv4Addr::FromOctets(192, 168, 2, 91);
  query.uuid = "b8945908-d6a6-41a9-611d-74a6ab80b83d";
  std::vector<std::string> expected = {
      "pxelinux.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d",
      "pxelinux.cfg/01-88-99-aa-bb-cc-dd",
      "pxelinux.cfg/C0A8025B",
      "pxelinux.cfg/C0A8025",
      "pxelinux.cfg/C0A802",
      "pxelinux.cfg/C0A80",
      "pxelinux.cfg/C0A8",
      "pxelinux.cfg/C0A",
      "pxelinux.cfg/C0",
      "pxelinux.cfg/C",
      "pxelinux.cfg/default",
  };
  CHECK(LookupOrder(query) == expected);
}

TEST_CASE("Without UUID and IP only the MAC and default are tried",
          "[bootcfg][lookup]") {
  LookupQuery query;
  query.mac = *MacAddr::Parse("00:13:21:1f:f1:82");
  CHECK(LookupOrder(query) ==
        std::vector<std::string>{"pxelinux.cfg/01-00-13-21-1f-f1-82",
                                 "pxelinux.cfg/default"});
}

TEST_CASE("GRUB asks under its prefix with grub.cfg- names",
          "[bootcfg][lookup]") {
  LookupQuery query;
  query.flavor = LoaderFlavor::kGrub;
  query.mac = *MacAddr::Parse("52:54:00:12:34:56");
  query.ip = Ipv4Addr::FromOctets(10, 0, 0, 130);
  query.grub_prefix = "/boot/grub/";
  auto order = LookupOrder(query);
  REQUIRE(order.size() == 10);
  CHECK(order.front() == "boot/grub/grub.cfg-01-52-54-00-12-34-56");
  CHECK(order[1] == "boot/grub/grub.cfg-0A000082");
  CHECK(order[7] == "boot/grub/grub.cfg-0A");
  CHECK(order[8] == "boot/grub/grub.cfg-0");
  CHECK(order.back() == "boot/grub/grub.cfg");
  CHECK(LookupDirectory(query) == "boot/grub");
}

TEST_CASE("Client names are classified as the loaders request them",
          "[bootcfg]") {
  const std::pair<const char*, ClientNameKind> cases[] = {
      {"01-88-99-aa-bb-cc-dd", ClientNameKind::kMac},
      {"01-88-99-AA-BB-CC-DD", ClientNameKind::kMacMiscased},
      {"88:99:aa:bb:cc:dd", ClientNameKind::kMacColons},
      {"01:88:99:aa:bb:cc:dd", ClientNameKind::kMacColons},
      {"88-99-aa-bb-cc-dd", ClientNameKind::kMacNoArpType},
      {"C0A8025B", ClientNameKind::kHexIp},
      {"C", ClientNameKind::kHexIp},
      {"c0a8025b", ClientNameKind::kHexIpLower},
      {"b8945908-d6a6-41a9-611d-74a6ab80b83d", ClientNameKind::kUuid},
      {"B8945908-D6A6-41A9-611D-74A6AB80B83D", ClientNameKind::kUuidMiscased},
      {"default", ClientNameKind::kOther},
      {"menu.cfg", ClientNameKind::kOther},
  };
  for (const auto& [name, kind] : cases) {
    INFO(name);
    CHECK(ClassifyClientName(name) == kind);
  }
  CHECK(DescribeMisnamedClient("88:99:AA:BB:CC:DD") ==
        "per-MAC name with colons is never requested; rename it to "
        "'01-88-99-aa-bb-cc-dd'");
  CHECK(DescribeMisnamedClient("01-88-99-aa-bb-cc-dd").empty());
}

}  // namespace pxekit
