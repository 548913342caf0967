#include "wol/wake_list.h"
#include "wol/ethers.h"

#include <cerrno>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "unit/util/list_errors.h"

namespace pxekit {
namespace {

const MacNameLookup kNoNames = [](std::string_view) -> Result<MacAddr> {
  return Fail("no such name in /etc/ethers");  // an empty file
};

}  // namespace

TEST_CASE("Wake lists read Debian's MAC IP PORT lines (IP and PORT optional)",
          "[wol][list]") {
  const char* content =
      "# Debian wakeonlan -f format\n"
      "00:13:21:1F:F1:82\n"
      "00-13-21-1f-f1-83 192.168.0.255\n"
      "0013.211f.f184 192.168.0.255 7   # trailing comment, a pxekit "
      "addition\n";
  WakeList list = ParseWakeList(content, "macs.txt", kNoNames);
  test::RequireParsed(list.errors, list.targets, 3);
  CHECK(list.targets[0].mac.ToString() == "00:13:21:1f:f1:82");
  CHECK_FALSE(list.targets[0].host.has_value());
  CHECK_FALSE(list.targets[0].port.has_value());
  CHECK(list.targets[0].origin == "macs.txt:2");
  CHECK(list.targets[1].host == "192.168.0.255");
  CHECK(list.targets[2].port == 7);
  CHECK(list.targets[2].origin == "macs.txt:4");
}

TEST_CASE("A bad line is reported with line and column - the others are kept",
          "[wol][list]") {
  const char* content =
      "aa:bb:cc:dd:ee:01\n"
      "  aa:bb:cc:zz:ee:02\n"
      "aa:bb:cc:dd:ee:03 10.0.0.255 99999\n"
      "aa:bb:cc:dd:ee:04 10.0.0.255 9 extra\n"
      "aa:bb:cc:dd:ee:05\n";
  WakeList list = ParseWakeList(content, "<stdin>", kNoNames);
  REQUIRE(list.targets.size() == 2);
  CHECK(list.targets[0].origin == "<stdin>:1");
  CHECK(list.targets[1].origin == "<stdin>:5");
  CHECK(test::ListErrors(list.errors) ==
        std::vector<std::string>{
            "2:12: invalid MAC address 'aa:bb:cc:zz:ee:02': 'z' is not a hex "
            "digit (and no such name in /etc/ethers)",
            "3:30: port '99999' is not in 1-65535",
            "4:32: unexpected field 'extra' (a line is MAC [IP [PORT]])"});
}

TEST_CASE("Ports are 1-65535", "[wol]") {
  CHECK(ParsePort("9").value() == 9);
  CHECK(ParsePort("65535").value() == 65535);
  CHECK(ParsePort("0").error() == "port '0' is not in 1-65535");
  CHECK(ParsePort("70000").error() == "port '70000' is not in 1-65535");
  CHECK(ParsePort("99999999999999999999").error() ==
        "port '99999999999999999999' is not in 1-65535");
  CHECK(ParsePort("9a").error() == "port '9a': 'a' is not a digit");
  CHECK(ParsePort("-1").failure().column == 1);
  CHECK_FALSE(ParsePort("").ok());
}

TEST_CASE("Names resolve through /etc/ethers", "[wol][ethers]") {
  const char* ethers =
      "# ethers(5)\n"
      "00:13:21:1f:f1:82  pc12\n"
      "not-a-mac          broken\n"
      "0:13:21:1f:f1:83   PC13.lab.example  # upper case\n"
      "zz:13:21:1f:f1:84  pc15              # not a MAC: skipped\n"
      "00:13:21:1f:f1:85  pc15\n"
      "00:13:21:1f:f1:86  PC12              # pc12 again: the first wins\n";
  EthersTable table(ethers);
  CHECK(table.size() == 3);
  CHECK(table.Find("pc12")->ToString() == "00:13:21:1f:f1:82");
  CHECK(table.Find("pc13.LAB.example")->ToString() == "00:13:21:1f:f1:83");
  CHECK(table.Find("PC15")->ToString() == "00:13:21:1f:f1:85");
  CHECK_FALSE(table.Find("broken").has_value());
  CHECK_FALSE(table.Find("pc14").has_value());
  CHECK_FALSE(table.Find("").has_value());
  CHECK_FALSE(EthersTable().Find("pc12").has_value());

  int reads = 0;
  MacNameLookup lookup = EthersNameLookup([&]() -> Result<std::string> {
    ++reads;
    return std::string(ethers);
  });
  CHECK(reads == 0);  // read at the first name, not before
  auto mac = ParseWakeMac("pc12", lookup);
  REQUIRE(mac.ok());
  CHECK(mac->ToString() == "00:13:21:1f:f1:82");
  auto missing = ParseWakeMac("pc99", lookup);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() ==
        "invalid MAC address 'pc99': 'p' is not a hex digit (and no such name "
        "in /etc/ethers)");
  CHECK(ParseWakeMac("pc15", lookup).ok());
  MacNameLookup copy = lookup;  // copies share the table
  CHECK(copy("PC13.lab.example").ok());
  CHECK(reads == 1);
  // A MAC needs no look-up at all.
  int never = 0;
  MacNameLookup unused = EthersNameLookup([&]() -> Result<std::string> {
    ++never;
    return std::string();
  });
  CHECK(ParseWakeMac("00:13:21:1f:f1:82", unused).ok());
  CHECK(never == 0);
}

TEST_CASE("An /etc/ethers that cannot be read says so and is read once",
          "[wol][ethers]") {
  int reads = 0;
  MacNameLookup lookup = EthersNameLookup([&]() -> Result<std::string> {
    ++reads;
    Failure failure = Fail("Permission denied");
    failure.sys_errno = EACCES;
    return failure;
  });
  for (const char* name : {"pc12", "pc13", "pc14"}) {
    auto mac = ParseWakeMac(name, lookup);
    REQUIRE_FALSE(mac.ok());
    CHECK(mac.error() ==
          fmt::format("invalid MAC address '{}': 'p' is not a hex digit (and "
                      "/etc/ethers: Permission denied)",
                      name));
  }
  CHECK(reads == 1);

  WakeList list = ParseWakeList(
      "pc12\n"
      "00:13:21:1f:f1:82\n",
      "macs.txt", lookup);
  CHECK(test::ListErrors(list.errors) ==
        std::vector<std::string>{
            "1:1: invalid MAC address 'pc12': 'p' is not a hex digit (and "
            "/etc/ethers: Permission denied)"});
  REQUIRE(list.targets.size() == 1);  // the good line is still sent
  CHECK(reads == 1);

  // No file at all is a file without the name (most hosts have none).
  MacNameLookup none = EthersNameLookup([]() -> Result<std::string> {
    Failure failure = Fail("No such file or directory");
    failure.sys_errno = ENOENT;
    return failure;
  });
  CHECK(ParseWakeMac("pc12", none).error() ==
        "invalid MAC address 'pc12': 'p' is not a hex digit (and no such name "
        "in /etc/ethers)");
}

}  // namespace pxekit

namespace pxekit {

TEST_CASE("Wake lists and /etc/ethers start with a BOM at times",
          "[wol][list]") {
  WakeList list = ParseWakeList(
      "\xEF\xBB\xBF"
      "00:13:21:1f:f1:82\n"
      "02:00:00:00:00:02 10.0.0.255 7\n",
      "macs.txt", nullptr);
  test::RequireParsed(list.errors, list.targets, 2);
  CHECK(list.targets[0].mac.ToString() == "00:13:21:1f:f1:82");
  CHECK(list.targets[0].origin == "macs.txt:1");

  // Columns on line 1 still point at the right byte.
  WakeList bad = ParseWakeList(
      "\xEF\xBB\xBF"
      "00:13:zz:1f:f1:82\n",
      "m", nullptr);
  CHECK(
      test::ListErrors(bad.errors) ==
      std::vector<std::string>{"1:7: invalid MAC address '00:13:zz:1f:f1:82': "
                               "'z' is not a hex digit"});

  CHECK(EthersTable("\xEF\xBB\xBF"
                    "00:13:21:1f:f1:82 pc12\n")
            .Find("pc12")
            ->ToString() == "00:13:21:1f:f1:82");
}

TEST_CASE("A list's IP field of digits and dots must be an IPv4 address",
          "[wol][list]") {
  WakeList list = ParseWakeList(
      "02:00:00:00:00:01 300.0.0.1\n"
      "02:00:00:00:00:02 10.0.0.256 9\n"
      "02:00:00:00:00:03 10.1\n"
      "02:00:00:00:00:04 pc4.lab.example\n"
      "02:00:00:00:00:05 10.0.0.5\n",
      "m", nullptr);
  CHECK(
      test::ListErrors(list.errors) ==
      std::vector<std::string>{
          "1:19: invalid IPv4 address '300.0.0.1': octet 1 is greater than 255",
          "2:26: invalid IPv4 address '10.0.0.256': octet 4 is greater than "
          "255",
          "3:23: invalid IPv4 address '10.1': has 2 octets, expected 4"});
  REQUIRE(list.targets.size() == 2);
  CHECK(*list.targets[0].host == "pc4.lab.example");
  CHECK(*list.targets[1].host == "10.0.0.5");
}

}  // namespace pxekit
