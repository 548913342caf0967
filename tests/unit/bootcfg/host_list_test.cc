#include "bootcfg/host_list.h"

#include <catch2/catch.hpp>

#include "unit/util/list_errors.h"

namespace pxekit {

TEST_CASE("Host lists: MAC IP name and label - a dash skips a field",
          "[bootcfg][hosts]") {
  HostList list = ParseHostList(
      "# lab 3\n"
      "00:13:21:1F:F1:82 192.168.0.10 target\n"
      "02-00-00-00-00-02\n"
      "0200.0000.0003 - pc3 rescue   # no IP\n",
      "hosts.txt");
  test::RequireParsed(list.errors, list.hosts, 3);
  CHECK(list.hosts[0].mac.ToString() == "00:13:21:1f:f1:82");
  CHECK(list.hosts[0].ip == Ipv4Addr::FromOctets(192, 168, 0, 10));
  CHECK(list.hosts[0].name == "target");
  CHECK(list.hosts[0].origin == "hosts.txt:2");
  CHECK_FALSE(list.hosts[1].ip);
  CHECK(list.hosts[1].name.empty());
  CHECK_FALSE(list.hosts[2].ip);
  CHECK(list.hosts[2].name == "pc3");
  CHECK(list.hosts[2].label == "rescue");
}

TEST_CASE("Bad host lines are reported by line and column and the rest kept",
          "[bootcfg][hosts]") {
  HostList list = ParseHostList(
      "00:13:21:1f:f1:82\n"
      "00:13:zz:1f:f1:82\n"
      "02:00:00:00:00:02 10.0.0.300\n"
      "02:00:00:00:00:03 10.0.0.3 bad/name\n"
      "02:00:00:00:00:04 10.0.0.4 pc4 linux extra\n"
      "02:00:00:00:00:05\n",
      "h");
  REQUIRE(list.hosts.size() == 2);
  CHECK(list.hosts[1].origin == "h:6");
  // 4:31 is the '/' in "bad/name".
  CHECK(test::ListErrors(list.errors) ==
        std::vector<std::string>{
            "2:7: invalid MAC address '00:13:zz:1f:f1:82': 'z' is not a hex "
            "digit",
            "3:26: invalid IPv4 address '10.0.0.300': octet 4 is greater than "
            "255",
            "4:31: host name 'bad/name': '/' is not allowed here",
            "5:38: unexpected field 'extra' (a line is MAC [IP [NAME "
            "[LABEL]]])"});
}

TEST_CASE("The host option takes a MAC and an optional label",
          "[bootcfg][hosts]") {
  auto plain = ParseHostOption("aa:bb:cc:dd:ee:ff");
  REQUIRE(plain);
  CHECK(plain->label.empty());
  auto labelled = ParseHostOption("aa-bb-cc-dd-ee-ff,rescue");
  REQUIRE(labelled);
  CHECK(labelled->label == "rescue");
  CHECK_FALSE(ParseHostOption("aa:bb:cc:dd:ee:ff,"));
  CHECK_FALSE(ParseHostOption("nonsense,x"));
}

TEST_CASE("Duplicate MACs and IPs and names keep the first host",
          "[bootcfg][hosts]") {
  HostList list = ParseHostList(
      "02:00:00:00:00:01 10.0.0.1 a\n"
      "02:00:00:00:00:01 10.0.0.2 b\n"
      "02:00:00:00:00:03 10.0.0.1 c\n"
      "02:00:00:00:00:04 10.0.0.4 a\n"
      "02:00:00:00:00:05 10.0.0.5 e\n",
      "h");
  auto problems = RemoveDuplicateHosts(list.hosts);
  REQUIRE(list.hosts.size() == 2);
  CHECK(list.hosts[0].name == "a");
  CHECK(list.hosts[1].name == "e");
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].origin == "h:2");
  CHECK(problems[0].message ==
        "duplicate MAC address 02:00:00:00:00:01 (first at h:1)");
  CHECK(problems[1].message == "duplicate IP address 10.0.0.1 (first at h:1)");
  CHECK(problems[2].message == "duplicate host name 'a' (first at h:1)");
}

}  // namespace pxekit
