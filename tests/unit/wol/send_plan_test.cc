#include "wol/send_plan.h"

#include <net/if.h>
#include <net/if_arp.h>

#include <catch2/catch.hpp>

namespace pxekit {
namespace {

Interface MakeInterface(std::string name, int index,
                        std::vector<const char*> prefixes,
                        unsigned flags = IFF_UP | IFF_BROADCAST,
                        unsigned arptype = ARPHRD_ETHER) {
  Interface interface;
  interface.name = std::move(name);
  interface.index = index;
  interface.flags = flags;
  interface.arptype = arptype;
  for (const char* prefix : prefixes)
    interface.ipv4.push_back(*Ipv4Prefix::Parse(prefix));
  return interface;
}

std::vector<Interface> Lab() {
  return {
      MakeInterface("lo", 1, {"127.0.0.1/8"}, IFF_UP | IFF_LOOPBACK,
                    ARPHRD_LOOPBACK),
      MakeInterface("eno1", 2, {"10.0.0.1/24", "172.16.5.1/20"}),
      MakeInterface("eno2", 3, {"192.168.7.2/23"}),
      MakeInterface("eno3", 4, {"10.9.0.1/24"}, IFF_BROADCAST),  // down
      MakeInterface("wg0", 5, {"10.200.0.1/24"}, IFF_UP | IFF_POINTOPOINT,
                    65534),
      MakeInterface("eno4", 6, {}),  // no IPv4
      MakeInterface("p2p0", 7, {"10.1.1.0/31"}),
  };
}

WakeTarget Target(const char* mac, std::optional<std::string> host = {},
                  std::optional<std::uint16_t> port = {}) {
  return WakeTarget{*MacAddr::Parse(mac), std::move(host), port, "test"};
}

Result<Ipv4Addr> LiteralOnly(std::string_view host) {
  auto addr = Ipv4Addr::Parse(host);
  if (!addr) return Fail("Name or service not known");
  return addr;
}

SendPlan Plan(const std::vector<WakeTarget>& targets,
              const WakeOptions& options) {
  auto result = PlanSends(targets, options, Lab(), LiteralOnly);
  REQUIRE(std::holds_alternative<SendPlan>(result));
  return std::get<SendPlan>(result);
}

PlanFailure PlanFails(const WakeOptions& options) {
  auto result =
      PlanSends({Target("02:00:00:00:00:01")}, options, Lab(), LiteralOnly);
  REQUIRE(std::holds_alternative<PlanFailure>(result));
  return std::get<PlanFailure>(result);
}

}  // namespace

TEST_CASE("Without interfaces packets go to -i or 255.255.255.255 on port 9",
          "[wol][plan]") {
  WakeOptions options;
  SendPlan plan = Plan(
      {Target("02:00:00:00:00:01"), Target("02:00:00:00:00:02", "10.0.0.7", 7)},
      options);
  REQUIRE(plan.sends.size() == 2);
  CHECK(plan.sends[0].kind == PlannedSend::Kind::kUdp);
  CHECK(plan.sends[0].address == Ipv4Addr::LimitedBroadcast());
  CHECK(plan.sends[0].port == 9);
  CHECK(plan.sends[0].interface_name.empty());
  CHECK(plan.sends[0].payload.size() == 102);
  CHECK(plan.sends[1].address == Ipv4Addr::FromOctets(10, 0, 0, 7));
  CHECK(plan.sends[1].port == 7);

  options.host = "192.168.0.255";
  options.port = 40000;
  plan = Plan({Target("02:00:00:00:00:01")}, options);
  CHECK(plan.sends[0].address == Ipv4Addr::FromOctets(192, 168, 0, 255));
  CHECK(plan.sends[0].port == 40000);
}

TEST_CASE("Option -I sends to every directed broadcast of the interface",
          "[wol][plan]") {
  WakeOptions options;
  options.interfaces = {"eno1"};
  SendPlan plan = Plan({Target("02:00:00:00:00:01")}, options);
  REQUIRE(plan.sends.size() == 2);
  CHECK(plan.sends[0].interface_name == "eno1");
  CHECK(plan.sends[0].interface_index == 2);
  CHECK(plan.sends[0].address == Ipv4Addr::FromOctets(10, 0, 0, 255));
  CHECK(plan.sends[1].address == Ipv4Addr::FromOctets(172, 16, 15, 255));
}

TEST_CASE(
    "Option -I with -i or a per-line IP sends there through the interface",
    "[wol][plan]") {
  WakeOptions options;
  options.interfaces = {"eno2"};
  options.host = "192.168.7.20";
  SendPlan plan = Plan(
      {Target("02:00:00:00:00:01"), Target("02:00:00:00:00:02", "192.168.6.9")},
      options);
  REQUIRE(plan.sends.size() == 2);
  CHECK(plan.sends[0].address == Ipv4Addr::FromOctets(192, 168, 7, 20));
  CHECK(plan.sends[0].interface_name == "eno2");
  CHECK(plan.sends[1].address == Ipv4Addr::FromOctets(192, 168, 6, 9));
}

TEST_CASE("No-IPv4 and /31 and /32 interfaces use the limited broadcast",
          "[wol][plan]") {
  WakeOptions options;
  options.interfaces = {"eno4", "p2p0"};
  SendPlan plan = Plan({Target("02:00:00:00:00:01")}, options);
  REQUIRE(plan.sends.size() == 2);
  CHECK(plan.sends[0].interface_name == "eno4");
  CHECK(plan.sends[0].address == Ipv4Addr::LimitedBroadcast());
  CHECK(plan.sends[1].interface_name == "p2p0");
  CHECK(plan.sends[1].address == Ipv4Addr::LimitedBroadcast());
}

TEST_CASE(
    "Option --all-interfaces picks up broadcast Ethernet interfaces with IPv4",
    "[wol][plan]") {
  WakeOptions options;
  options.all_interfaces = true;
  SendPlan plan = Plan({Target("02:00:00:00:00:01")}, options);
  std::vector<std::string> names;
  for (const auto& send : plan.sends)
    names.push_back(send.interface_name + " " + send.address.ToString());
  CHECK(names ==
        std::vector<std::string>{"eno1 10.0.0.255", "eno1 172.16.15.255",
                                 "eno2 192.168.7.255", "p2p0 255.255.255.255"});
}

TEST_CASE("Option -e sends frames to the target MAC or broadcast with -b",
          "[wol][plan]") {
  WakeOptions options;
  options.ethernet = true;
  options.interfaces = {"eno2"};
  SendPlan plan = Plan({Target("02:00:00:00:00:01")}, options);
  REQUIRE(plan.sends.size() == 1);
  CHECK(plan.sends[0].kind == PlannedSend::Kind::kEthernet);
  CHECK(plan.sends[0].interface_index == 3);
  CHECK(plan.sends[0].frame_destination.ToString() == "02:00:00:00:00:01");

  options.ethernet_broadcast = true;
  options.interfaces.clear();  // every Ethernet interface, with or without IPv4
  plan = Plan({Target("02:00:00:00:00:01")}, options);
  std::vector<std::string> names;
  for (const auto& send : plan.sends) {
    names.push_back(send.interface_name);
    CHECK(send.frame_destination.IsBroadcast());
  }
  CHECK(names == std::vector<std::string>{"eno1", "eno2", "eno4", "p2p0"});
}

TEST_CASE("Passwords go into every payload", "[wol][plan]") {
  WakeOptions options;
  options.password = {1, 2, 3, 4};
  SendPlan plan = Plan({Target("02:00:00:00:00:01")}, options);
  REQUIRE(plan.sends[0].payload.size() == 106);
}

TEST_CASE("Unknown and down and unusable interfaces fail the whole plan",
          "[wol][plan]") {
  WakeOptions options;
  options.interfaces = {"eth9"};
  PlanFailure failure = PlanFails(options);
  CHECK(failure.error == PlanError::kNoSuchInterface);
  CHECK(failure.message == "interface 'eth9': no such interface");

  options.interfaces = {"eno3"};
  failure = PlanFails(options);
  CHECK(failure.error == PlanError::kInterfaceDown);
  CHECK(failure.message == "interface 'eno3': interface is down");

  options.interfaces.clear();
  options.all_interfaces = true;
  auto result = PlanSends({Target("02:00:00:00:00:01")}, options, {Lab()[0]},
                          LiteralOnly);
  REQUIRE(std::holds_alternative<PlanFailure>(result));
  CHECK(std::get<PlanFailure>(result).error == PlanError::kNoUsableInterface);
}

TEST_CASE("A host that does not resolve fails only its own target",
          "[wol][plan]") {
  WakeOptions options;
  SendPlan plan = Plan(
      {Target("02:00:00:00:00:01", "nosuchhost"), Target("02:00:00:00:00:02")},
      options);
  REQUIRE(plan.sends.size() == 1);
  CHECK(plan.sends[0].target.ToString() == "02:00:00:00:00:02");
  REQUIRE(plan.failures.size() == 1);
  CHECK(plan.failures[0].message ==
        "cannot resolve 'nosuchhost': Name or service not known");
}

}  // namespace pxekit

namespace pxekit {

TEST_CASE("Digits and dots are an IPv4 address and never a name to resolve",
          "[wol][plan]") {
  WakeOptions options;
  int lookups = 0;
  HostResolver counting = [&lookups](std::string_view) -> Result<Ipv4Addr> {
    ++lookups;
    return Ipv4Addr::FromOctets(192, 0, 2, 9);
  };
  auto result = PlanSends({Target("02:00:00:00:00:01", "300.0.0.1"),
                           Target("02:00:00:00:00:02", "10.1"),
                           Target("02:00:00:00:00:03", "10.0.0.7")},
                          options, Lab(), counting);
  REQUIRE(std::holds_alternative<SendPlan>(result));
  const SendPlan& plan = std::get<SendPlan>(result);
  CHECK(lookups == 0);
  REQUIRE(plan.failures.size() == 2);
  CHECK(plan.failures[0].message ==
        "invalid IPv4 address '300.0.0.1': octet 1 is greater than 255");
  CHECK(plan.failures[1].message ==
        "invalid IPv4 address '10.1': has 2 octets, expected 4");
  REQUIRE(plan.sends.size() == 1);
  CHECK(plan.sends[0].address.ToString() == "10.0.0.7");
}

TEST_CASE(
    "Without a resolver (a dry run) host names are kept and not looked up",
    "[wol][plan]") {
  WakeOptions options;
  options.host = "pc12.lab.example";
  auto result = PlanSends({Target("02:00:00:00:00:01"),
                           Target("02:00:00:00:00:02", "10.0.0.255", 7)},
                          options, Lab(), nullptr);
  REQUIRE(std::holds_alternative<SendPlan>(result));
  const SendPlan& plan = std::get<SendPlan>(result);
  CHECK(plan.failures.empty());
  REQUIRE(plan.sends.size() == 2);
  CHECK(plan.sends[0].host_name == "pc12.lab.example");
  CHECK(plan.sends[0].port == 9);
  CHECK(plan.sends[1].host_name.empty());
  CHECK(plan.sends[1].address.ToString() == "10.0.0.255");

  options.interfaces = {"eno1"};
  auto via = PlanSends({Target("02:00:00:00:00:01")}, options, Lab(), nullptr);
  REQUIRE(std::holds_alternative<SendPlan>(via));
  REQUIRE(std::get<SendPlan>(via).sends.size() == 1);
  CHECK(std::get<SendPlan>(via).sends[0].host_name == "pc12.lab.example");
  CHECK(std::get<SendPlan>(via).sends[0].interface_name == "eno1");
}

}  // namespace pxekit
