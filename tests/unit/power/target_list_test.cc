#include "power/target_list.h"

#include <catch2/catch.hpp>

#include "unit/util/list_errors.h"

namespace pxekit {
namespace {

TEST_CASE("Host lines give hosts and optional agent MACs", "[power]") {
  PowerTargetList list = ParsePowerTargetList(
      "# lab 3\n"
      "10.0.3.11\n"
      "\n"
      "pc12.lab.example   02:00:00:00:03:0c   # bound to its agent\n"
      "10.0.3.13 02-00-00-00-03-0D\n",
      "hosts.txt");
  test::RequireParsed(list.errors, list.targets, 3);
  CHECK(list.targets[0].host == "10.0.3.11");
  CHECK_FALSE(list.targets[0].mac);
  CHECK(list.targets[0].origin == "hosts.txt:2");
  CHECK(list.targets[1].host == "pc12.lab.example");
  REQUIRE(list.targets[1].mac);
  CHECK(list.targets[1].mac->ToString() == "02:00:00:00:03:0c");
  CHECK(list.targets[1].origin == "hosts.txt:4");
  REQUIRE(list.targets[2].mac);
  CHECK(list.targets[2].mac->ToString() == "02:00:00:00:03:0d");
}

TEST_CASE("Bad host lines are reported with line and column and skipped",
          "[power]") {
  PowerTargetList list = ParsePowerTargetList(
      "10.0.0.1\n"
      "300.0.0.1\n"
      "10.0.0.3 02:00:00:zz:00:03\n"
      "10.0.0.4 02:00:00:00:00:04 extra\n"
      "bad_name\n"
      "10.0.0.6 01:00:5e:00:00:01\n"
      "10.0.0.7\n",
      "in");
  REQUIRE(list.targets.size() == 2);
  CHECK(list.targets[0].host == "10.0.0.1");
  CHECK(list.targets[1].host == "10.0.0.7");
  CHECK(list.targets[1].origin == "in:7");
  CHECK(
      test::ListErrors(list.errors) ==
      std::vector<std::string>{
          "2:1: invalid IPv4 address '300.0.0.1': octet 1 is greater than 255",
          "3:19: invalid MAC address '02:00:00:zz:00:03': 'z' is not a hex "
          "digit",
          "4:28: unexpected field 'extra' (a line is HOST [MAC])",
          "5:4: invalid host name 'bad_name': '_' is not allowed in a host "
          "name",
          "6:10: MAC address '01:00:5e:00:00:01' is not an agent id (it is a "
          "multicast address)"});
}

TEST_CASE("Host lists take a BOM and CRLF line ends", "[power]") {
  PowerTargetList list = ParsePowerTargetList(
      "\xef\xbb\xbf"
      "10.0.0.1\r\n"
      "10.0.0.2 02:00:00:00:00:02\r\n"
      "10.0.0.300\r\n",
      "win.txt");
  REQUIRE(list.targets.size() == 2);
  CHECK(list.targets[0].host == "10.0.0.1");
  CHECK(list.targets[1].mac->ToString() == "02:00:00:00:00:02");
  // The CR is not part of the token: the message names the address only.
  CHECK(test::ListErrors(list.errors) ==
        std::vector<std::string>{
            "3:8: invalid IPv4 address '10.0.0.300': octet 4 is greater than "
            "255"});
}

TEST_CASE("Host names follow the DNS label rules", "[power]") {
  CHECK(CheckPowerHost("pc-01.lab.example").ok());
  CHECK(CheckPowerHost("pc01.").ok());
  CHECK(CheckPowerHost("localhost").ok());
  CHECK_FALSE(CheckPowerHost("").ok());
  CHECK_FALSE(CheckPowerHost("-pc").ok());
  CHECK_FALSE(CheckPowerHost("pc-.lab").ok());
  CHECK_FALSE(CheckPowerHost("pc..lab").ok());
  CHECK_FALSE(CheckPowerHost(std::string(64, 'a')).ok());
  CHECK_FALSE(CheckPowerHost(std::string(254, 'a')).ok());
  auto bad = CheckPowerHost("pc 1");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().column == 3);
  // Digits and dots are always an address, never a name for the resolver.
  auto short_quad = CheckPowerHost("10.1");
  REQUIRE_FALSE(short_quad.ok());
  CHECK(short_quad.error().find("invalid IPv4 address") == 0);
}

TEST_CASE("A target MAC must be a unicast agent id", "[power]") {
  CHECK(ParseTargetMac("02:00:00:00:00:01").ok());
  CHECK_FALSE(ParseTargetMac("ff:ff:ff:ff:ff:ff").ok());
  CHECK_FALSE(ParseTargetMac("00:00:00:00:00:00").ok());
  CHECK_FALSE(ParseTargetMac("02:00:00:00:00").ok());
}

}  // namespace
}  // namespace pxekit
