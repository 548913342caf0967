#include "dhcp/dhcp_message.h"

#include <catch2/catch.hpp>

#include "dhcp/dhcp_options.h"
#include "dhcp/pxe_options.h"
#include "unit/dhcp/packet_captures.h"
#include "util/hex.h"

namespace pxekit {
namespace {

std::vector<std::uint8_t> Bytes(const char* hex) { return *FromHex(hex); }

DhcpMessage Discover() {
  DhcpMessage m;
  m.xid = 0x12345678;
  m.chaddr = {0x02, 0, 0, 0, 0, 0x22};
  m.options.SetU8(dhcp_option::kMessageType, 1);
  return m;
}

}  // namespace

TEST_CASE("udhcpc's UEFI PXE DISCOVER decodes", "[dhcp]") {
  auto bytes = Bytes(captures::kUdhcpcUefiDiscover);
  auto m = ParseDhcpMessage(bytes);
  REQUIRE(m.ok());
  CHECK(m->op == 1);
  CHECK(m->Type() == DhcpMessageType::kDiscover);
  CHECK(m->Mac() == *MacAddr::Parse("02:00:00:00:00:22"));
  CHECK(m->GetText(dhcp_option::kVendorClass) ==
        "PXEClient:Arch:00007:UNDI:003016");
  CHECK(m->ClientArchs() == std::vector<std::uint16_t>{7});
  REQUIRE(m->options.Find(dhcp_option::kClientUuid) != nullptr);
  CHECK(m->options.Find(dhcp_option::kClientUuid)->size() == 17);
  CHECK(m->GetU16(dhcp_option::kMaxMessageSize) == 576);
  CHECK_FALSE(m->truncated);
  CHECK(m->file.empty());
}

TEST_CASE("dhclient's DISCOVER decodes with the padding after END ignored",
          "[dhcp]") {
  auto m = ParseDhcpMessage(Bytes(captures::kDhclientDiscover));
  REQUIRE(m.ok());
  CHECK(m->Type() == DhcpMessageType::kDiscover);
  CHECK(m->secs == 3);
  CHECK_FALSE(m->options.Has(dhcp_option::kClientIdentifier));
  CHECK(m->ClientArchs() == std::vector<std::uint16_t>{7});
  const auto* prl = m->options.Find(dhcp_option::kParameterRequestList);
  REQUIRE(prl != nullptr);
  CHECK(*prl == std::vector<std::uint8_t>{1, 3, 66, 67});
}

TEST_CASE("Encoding round-trips and pads to 300 bytes", "[dhcp]") {
  DhcpMessage m = Discover();
  m.file = "undionly.kpxe";
  m.options.SetIp(dhcp_option::kServerIdentifier,
                  Ipv4Addr::FromOctets(198, 18, 0, 1));
  auto encoded = EncodeDhcpMessage(m, kDhcpDefaultMaxSize);
  REQUIRE(encoded.ok());
  CHECK(encoded->bytes.size() == kBootpMinimumSize);
  CHECK(encoded->dropped.empty());
  auto back = ParseDhcpMessage(encoded->bytes);
  REQUIRE(back.ok());
  CHECK(back->xid == 0x12345678);
  CHECK(back->file == "undionly.kpxe");
  CHECK(back->GetIp(dhcp_option::kServerIdentifier) ==
        Ipv4Addr::FromOctets(198, 18, 0, 1));
  // The real capture re-encodes to the same options.
  auto real = ParseDhcpMessage(Bytes(captures::kUdhcpcUefiDiscover));
  auto again = EncodeDhcpMessage(*real, kDhcpEthernetMaxSize);
  REQUIRE(again.ok());
  auto reparsed = ParseDhcpMessage(again->bytes);
  REQUIRE(reparsed.ok());
  CHECK(reparsed->options.list().size() == real->options.list().size());
}

TEST_CASE("sname and file without a NUL are cut as they are written back",
          "[dhcp]") {
  DhcpMessage m = Discover();
  auto encoded = EncodeDhcpMessage(m, kDhcpDefaultMaxSize);
  REQUIRE(encoded.ok());
  std::vector<std::uint8_t> bytes = encoded->bytes;
  // sname is bytes 44..107, file 108..235: fill both to the last byte.
  std::fill(bytes.begin() + 44, bytes.begin() + 108, 's');
  std::fill(bytes.begin() + 108, bytes.begin() + 236, 'f');
  auto parsed = ParseDhcpMessage(bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed->sname == std::string(63, 's'));
  CHECK(parsed->file == std::string(127, 'f'));
  auto again = EncodeDhcpMessage(*parsed, kDhcpDefaultMaxSize);
  REQUIRE(again.ok());
  auto back = ParseDhcpMessage(again->bytes);
  REQUIRE(back.ok());
  CHECK(back->sname == parsed->sname);
  CHECK(back->file == parsed->file);
}

TEST_CASE("Option 82 goes last - END always fits - large options are cut off",
          "[dhcp]") {
  DhcpMessage m = Discover();
  m.options.Set(dhcp_option::kRelayAgentInfo,
                std::vector<std::uint8_t>{1, 2, 9, 9});
  m.options.SetText(dhcp_option::kHostName, "pc1");
  auto encoded = EncodeDhcpMessage(m, kDhcpDefaultMaxSize);
  REQUIRE(encoded.ok());
  auto& b = encoded->bytes;
  // header 236 + cookie 4, then 53 (3 bytes), 12 (5 bytes), then 82.
  CHECK(b[240] == 53);
  CHECK(b[243] == 12);
  CHECK(b[248] == 82);
  CHECK(b[254] == 255);

  DhcpMessage big = Discover();
  big.options.Set(dhcp_option::kBootfileName,
                  std::vector<std::uint8_t>(400, 'a'));
  auto small = EncodeDhcpMessage(big, kDhcpDefaultMaxSize);
  REQUIRE(small.ok());
  CHECK(small->dropped ==
        std::vector<std::uint8_t>{dhcp_option::kBootfileName});
  CHECK(small->bytes.size() <= kDhcpDefaultMaxSize);
  auto large = EncodeDhcpMessage(big, kDhcpEthernetMaxSize);
  REQUIRE(large.ok());
  CHECK(large->dropped.empty());
  auto back = ParseDhcpMessage(large->bytes);
  REQUIRE(back.ok());
  // Split into 255 + 145 on the wire, joined again on reading (RFC 3396).
  CHECK(back->options.Find(dhcp_option::kBootfileName)->size() == 400);
  CHECK(EncodeDhcpMessage(big, 100).ok() == false);
}

TEST_CASE("Overloaded file and sname fields carry options", "[dhcp]") {
  DhcpMessage m = Discover();
  auto encoded = EncodeDhcpMessage(m, kDhcpDefaultMaxSize);
  auto b = encoded->bytes;
  // Option 52 = 3 (both), then END; file holds option 67, sname option 66.
  std::size_t at = 243;
  b[at++] = 52;
  b[at++] = 1;
  b[at++] = 3;
  b[at++] = 255;
  std::size_t file = 108, sname = 44;
  b[file] = 67;
  b[file + 1] = 2;
  b[file + 2] = 'a';
  b[file + 3] = 'b';
  b[file + 4] = 255;
  b[sname] = 66;
  b[sname + 1] = 1;
  b[sname + 2] = 's';
  b[sname + 3] = 255;
  auto back = ParseDhcpMessage(b);
  REQUIRE(back.ok());
  CHECK(back->GetText(dhcp_option::kBootfileName) == "ab");
  CHECK(back->GetText(dhcp_option::kTftpServerName) == "s");
  CHECK(back->file.empty());
  CHECK(back->sname.empty());
  CHECK_FALSE(back->options.Has(dhcp_option::kOverload));
}

TEST_CASE("Bad packets give errors - truncation keeps earlier options",
          "[dhcp]") {
  std::vector<std::uint8_t> tiny(100, 0);
  CHECK_FALSE(ParseDhcpMessage(tiny).ok());
  auto b = EncodeDhcpMessage(Discover(), kDhcpDefaultMaxSize)->bytes;
  b[2] = 17;  // hlen over 16
  CHECK_FALSE(ParseDhcpMessage(b).ok());
  b[2] = 6;
  b.resize(243);  // drop END and the padding
  b.push_back(12);
  b.push_back(50);  // length past the end
  b.push_back('x');
  auto m = ParseDhcpMessage(b);
  REQUIRE(m.ok());
  CHECK(m->truncated);
  CHECK(m->Type() == DhcpMessageType::kDiscover);
  CHECK_FALSE(m->options.Has(dhcp_option::kHostName));
  // No cookie: plain BOOTP.
  std::vector<std::uint8_t> bootp(kBootpHeaderSize + 64, 0);
  bootp[0] = 1;
  auto plain = ParseDhcpMessage(bootp);
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->has_cookie);
  CHECK(plain->Type() == DhcpMessageType::kBootp);
}

TEST_CASE("Option table names and PXE option 43", "[dhcp]") {
  for (std::uint8_t code : {43, 60, 61, 66, 67, 82, 93, 94, 97})
    CHECK(FindOptionByCode(code) != nullptr);
  CHECK(FindOptionByName("PXE-System-Type")->code == 93);
  CHECK(FindOptionByName("no-such-option") == nullptr);
  CHECK(FormatOptionValue(OptionType::kIpList, std::vector<std::uint8_t>{
                                                   10, 0, 0, 1, 10, 0, 0,
                                                   2}) == "10.0.0.1, 10.0.0.2");
  PxeVendorOptions pxe;
  pxe.discovery_control = kPxeBootFileDirectly;
  auto bytes = EncodePxeVendorOptions(pxe);
  CHECK(bytes == std::vector<std::uint8_t>{6, 1, 8, 255});
  auto back = ParsePxeVendorOptions(bytes);
  REQUIRE(back.ok());
  CHECK(back->discovery_control == 8);
  CHECK_FALSE(ParsePxeVendorOptions(std::vector<std::uint8_t>{8, 9, 0}).ok());
}

// Found by fuzz_pxe_options (seed servers_beside_others): a boot server list
// that fits alone but not beside discovery control and the boot item made an
// option without the boot item and without END.
TEST_CASE("PXE option 43 always ends in END within 255 bytes", "[dhcp]") {
  PxeVendorOptions pxe;
  pxe.discovery_control = kPxeBootFileDirectly;
  pxe.boot_item = 0x80000000;
  PxeVendorOptions::BootServer server;
  server.type = 0x8000;
  for (std::uint32_t i = 0; i < 61; ++i)
    server.addresses.push_back(Ipv4Addr(0x0A000000 + i));
  pxe.boot_servers.push_back(server);
  auto bytes = EncodePxeVendorOptions(pxe);
  REQUIRE(!bytes.empty());
  CHECK(bytes.size() <= 255);
  CHECK(bytes.back() == 255);
  auto back = ParsePxeVendorOptions(bytes);
  REQUIRE(back.ok());
  CHECK(back->discovery_control == kPxeBootFileDirectly);
  CHECK(back->boot_item == 0x80000000u);
  CHECK(back->boot_servers.empty());
  // 59 addresses (239 bytes) fit beside the others and are kept.
  pxe.boot_servers[0].addresses.resize(59);
  back = ParsePxeVendorOptions(EncodePxeVendorOptions(pxe));
  REQUIRE(back.ok());
  REQUIRE(back->boot_servers.size() == 1);
  CHECK(back->boot_servers[0].addresses.size() == 59);
  CHECK(back->boot_item == 0x80000000u);
}

}  // namespace pxekit
