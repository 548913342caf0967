// ApplyFlags: pxe-dhcpd's flags merged into the parsed dhcpd.conf, with a
// fake interface list.
#include "dhcpd/configuration.h"

#include <net/if.h>

#include <catch2/catch.hpp>

#include "dhcp/dhcp_options.h"
#include "dhcpconf/conf_eval.h"
#include "dhcpconf/dhcpd_conf_parser.h"
#include "unit/dhcpconf/must_parse.h"
#include "unit/util/addresses.h"

namespace pxekit {
namespace {

namespace opt = dhcp_option;

DhcpdConf Parse(const char* text) { return MustParseConf(text); }

Ipv4Prefix Prefix(const char* text) { return *Ipv4Prefix::Parse(text); }
using test::Ip;

Interface Iface(std::string name, const char* prefix) {
  Interface interface;
  interface.name = std::move(name);
  interface.index = 2;
  interface.flags = IFF_UP | IFF_BROADCAST;
  interface.arptype = 1;
  interface.ipv4 = {Prefix(prefix)};
  return interface;
}

// Lists `interfaces` and counts the calls.
struct FakeLister {
  std::vector<Interface> interfaces;
  int calls = 0;
  InterfaceLister Get() {
    return [this] {
      ++calls;
      return interfaces;
    };
  }
};

// The parameters a client on `subnet` gets.
Params ParamsOn(const DhcpdConf& conf, const char* address) {
  const SubnetDecl* subnet = conf.FindSubnet(Ip(address));
  REQUIRE(subnet != nullptr);
  DhcpMessage message;
  EvalInput input;
  input.message = &message;
  input.subnet = subnet;
  return EvaluateParams(conf, input, {});
}

std::vector<std::uint8_t> Bytes(const std::string& text) {
  return {text.begin(), text.end()};
}

std::string ApplyError(const DhcpdFlags& flags,
                       std::optional<DhcpdConf> file = std::nullopt,
                       std::vector<Interface> interfaces = {}) {
  FakeLister lister{std::move(interfaces)};
  Configuration config;
  std::string err;
  bool ok =
      ApplyFlags(flags, std::move(file), "t.conf", lister.Get(), &config, &err);
  CHECK_FALSE(ok);
  return err;
}

constexpr const char* kFile = R"(
default-lease-time 600;
option routers 198.18.0.1;
option domain-name "file.example";
subnet 198.18.0.0 netmask 255.255.255.0 {
  option domain-name "subnet.example";
  range 198.18.0.100 198.18.0.110;
}
)";

}  // namespace

TEST_CASE("ApplyFlags without a file serves the flag subnet authoritatively",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.subnets = {"198.18.0.7/24"};
  flags.ranges = {"198.18.0.100-198.18.0.120"};
  flags.router = "198.18.0.1";
  flags.dns = {"198.18.0.2", "198.18.0.3"};
  flags.domain = "lab.example";
  flags.lease_time = 100000;
  flags.next_server = "198.18.0.4";
  flags.filename = "undionly.kpxe";
  flags.efi_filename = "ipxe.efi";
  flags.arm64_filename = "arm.efi";
  flags.ipxe_script = "http://x/boot.ipxe";
  flags.http_url = "http://x/boot.efi";
  FakeLister lister;
  Configuration config;
  std::string err;
  REQUIRE(ApplyFlags(flags, std::nullopt, "", lister.Get(), &config, &err));
  CHECK(err.empty());
  CHECK(lister.calls == 0);  // the range lies in a declared subnet

  REQUIRE(config.conf.subnets.size() == 1);
  const SubnetDecl& subnet = config.conf.subnets[0];
  CHECK(subnet.prefix.address() == Ip("198.18.0.0"));  // the network
  CHECK(subnet.prefix.length() == 24);
  CHECK(subnet.pos.file == "--subnet");
  REQUIRE(subnet.ranges.size() == 1);
  CHECK(subnet.ranges[0].range.first() == Ip("198.18.0.100"));
  CHECK(subnet.ranges[0].range.last() == Ip("198.18.0.120"));

  Params params = ParamsOn(config.conf, "198.18.0.100");
  CHECK(params.authoritative == std::optional<bool>(true));
  CHECK(params.default_lease_time == std::optional<std::uint32_t>(100000));
  // Above the default maximum (86400): the maximum follows.
  CHECK(params.max_lease_time == std::optional<std::uint32_t>(100000));
  CHECK(params.next_server == std::optional<Ipv4Addr>(Ip("198.18.0.4")));
  REQUIRE(params.FindOption(opt::kRouters) != nullptr);
  CHECK(*params.FindOption(opt::kRouters) ==
        std::vector<std::uint8_t>{198, 18, 0, 1});
  REQUIRE(params.FindOption(opt::kDomainNameServers) != nullptr);
  CHECK(*params.FindOption(opt::kDomainNameServers) ==
        std::vector<std::uint8_t>{198, 18, 0, 2, 198, 18, 0, 3});
  REQUIRE(params.FindOption(opt::kDomainName) != nullptr);
  CHECK(*params.FindOption(opt::kDomainName) == Bytes("lab.example"));

  CHECK_FALSE(config.settings.proxy);
  CHECK(config.settings.boot.bios == "undionly.kpxe");
  CHECK(config.settings.boot.x64_efi == "ipxe.efi");
  CHECK(config.settings.boot.arm64_efi == "arm.efi");
  CHECK(config.settings.boot.ipxe_script == "http://x/boot.ipxe");
  CHECK(config.settings.boot.http_url == "http://x/boot.efi");
}

TEST_CASE("ApplyFlags lease time under the maximum leaves the maximum",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.subnets = {"198.18.0.0/24"};
  flags.lease_time = 3600;
  FakeLister lister;
  Configuration config;
  std::string err;
  REQUIRE(ApplyFlags(flags, std::nullopt, "", lister.Get(), &config, &err));
  Params params = ParamsOn(config.conf, "198.18.0.9");
  CHECK(params.default_lease_time == std::optional<std::uint32_t>(3600));
  CHECK_FALSE(params.max_lease_time.has_value());
}

TEST_CASE("ApplyFlags flags override the file's globals but not a subnet",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.router = "198.18.0.254";
  flags.domain = "flag.example";
  flags.lease_time = 900;
  FakeLister lister;
  Configuration config;
  std::string err;
  REQUIRE(
      ApplyFlags(flags, Parse(kFile), "t.conf", lister.Get(), &config, &err));
  Params params = ParamsOn(config.conf, "198.18.0.100");
  // The flag beats the file's global statement...
  REQUIRE(params.FindOption(opt::kRouters) != nullptr);
  CHECK(*params.FindOption(opt::kRouters) ==
        std::vector<std::uint8_t>{198, 18, 0, 254});
  CHECK(params.default_lease_time == std::optional<std::uint32_t>(900));
  // ...but what the subnet sets stays.
  REQUIRE(params.FindOption(opt::kDomainName) != nullptr);
  CHECK(*params.FindOption(opt::kDomainName) == Bytes("subnet.example"));
  // With a file, the file says whether the server is authoritative.
  CHECK_FALSE(params.authoritative.has_value());
  // The file's declarations stay as they are.
  REQUIRE(config.conf.subnets.size() == 1);
  CHECK(config.conf.subnets[0].ranges.size() == 1);
}

TEST_CASE("ApplyFlags proxy without a file is not authoritative",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.proxy = true;
  flags.filename = "pxelinux.0";
  FakeLister lister;
  Configuration config;
  std::string err;
  REQUIRE(ApplyFlags(flags, std::nullopt, "", lister.Get(), &config, &err));
  CHECK(config.conf.subnets.empty());
  CHECK(config.settings.proxy);
  Params global;
  for (const Scope::Item& item : config.conf.global->items)
    global.MergeFrom(item.params);
  CHECK_FALSE(global.authoritative.has_value());
}

TEST_CASE("ApplyFlags puts a range in the subnet that holds it",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.ranges = {"198.18.0.200-198.18.0.210"};
  flags.subnets = {"10.1.0.0/16"};
  FakeLister lister;
  Configuration config;
  std::string err;
  REQUIRE(
      ApplyFlags(flags, Parse(kFile), "t.conf", lister.Get(), &config, &err));
  CHECK(lister.calls == 0);
  REQUIRE(config.conf.subnets.size() == 2);
  const SubnetDecl& file_subnet = config.conf.subnets[0];
  REQUIRE(file_subnet.ranges.size() == 2);
  CHECK(file_subnet.ranges[1].range.first() == Ip("198.18.0.200"));
  CHECK(file_subnet.ranges[1].pos.file == "--range");
  CHECK(config.conf.subnets[1].ranges.empty());
}

TEST_CASE("ApplyFlags takes the subnet of an interface for a lone range",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.ranges = {"10.5.0.50-10.5.0.60", "10.5.0.70-10.5.0.80"};
  FakeLister lister{
      {Iface("eth0", "192.0.2.1/24"), Iface("eth1", "10.5.0.1/24")}};
  Configuration config;
  std::string err;
  REQUIRE(ApplyFlags(flags, std::nullopt, "", lister.Get(), &config, &err));
  CHECK(lister.calls == 1);  // listed once, for the first range only
  REQUIRE(config.conf.subnets.size() == 1);
  CHECK(config.conf.subnets[0].prefix.address() == Ip("10.5.0.0"));
  CHECK(config.conf.subnets[0].prefix.length() == 24);
  CHECK(config.conf.subnets[0].ranges.size() == 2);
}

TEST_CASE("ApplyFlags looks for a range's subnet only on the named interfaces",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.ranges = {"10.5.0.50-10.5.0.60"};
  flags.interfaces = {"eth0"};
  std::vector<Interface> interfaces{Iface("eth0", "192.0.2.1/24"),
                                    Iface("eth1", "10.5.0.1/24")};
  CHECK(ApplyError(flags, std::nullopt, interfaces) ==
        "--range 10.5.0.50-10.5.0.60: no declared subnet holds it, and no "
        "named interface has an address in its network; give --subnet");
  flags.interfaces.clear();
  CHECK(ApplyError(flags) ==
        "--range 10.5.0.50-10.5.0.60: no declared subnet holds it, and no "
        "interface has an address in its network; give --subnet");
  flags.interfaces = {"eth1"};
  FakeLister lister{interfaces};
  Configuration config;
  std::string err;
  REQUIRE(ApplyFlags(flags, std::nullopt, "", lister.Get(), &config, &err));
  REQUIRE(config.conf.subnets.size() == 1);
  CHECK(config.conf.subnets[0].prefix.address() == Ip("10.5.0.0"));
}

TEST_CASE("ApplyFlags refuses overlapping subnets and stray ranges",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.subnets = {"198.18.0.0/25"};
  CHECK(ApplyError(flags, Parse(kFile)) ==
        "--subnet 198.18.0.0/25 overlaps subnet 198.18.0.0/24 of t.conf");
  flags.subnets = {"10.0.0.0/8", "10.1.0.0/16"};
  CHECK(ApplyError(flags) ==
        "--subnet 10.1.0.0/16 overlaps subnet 10.0.0.0/8 of --subnet");
  flags.subnets = {"10.0.0.0"};
  CHECK(ApplyError(flags) == "--subnet '10.0.0.0': expected A.B.C.D/N");
  flags.subnets = {"10.0.0.0/24"};
  flags.ranges = {"10.0.0.250-10.0.1.5"};
  CHECK(ApplyError(flags) ==
        "--range 10.0.0.250-10.0.1.5 is not inside subnet 10.0.0.0/24");
}

TEST_CASE("ApplyFlags refuses bad addresses and nothing to serve",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.subnets = {"10.0.0.0/24"};
  flags.router = "10.0.0.300";
  CHECK(ApplyError(flags).starts_with("--router '10.0.0.300': "));
  flags.router.clear();
  flags.dns = {"10.0.0.2", "nameserver"};
  CHECK(ApplyError(flags).starts_with("--dns 'nameserver': "));
  flags.dns.clear();
  flags.next_server = "x";
  CHECK(ApplyError(flags).starts_with("--next-server 'x': "));
  flags.next_server.clear();
  flags.ranges = {"10.0.0.9"};
  CHECK(ApplyError(flags).starts_with("--range '10.0.0.9': "));

  DhcpdFlags empty;
  CHECK(ApplyError(empty) ==
        "nothing to serve: give -c FILE, --subnet (with --range or --host), "
        "or --proxy");
}

TEST_CASE("ApplyFlags takes only an absolute http(s) URL for --http-url",
          "[dhcpd][configuration]") {
  // UEFI firmware drops an HTTP offer whose boot file is not a URI: a path
  // used to be accepted and handed out, and no HTTP client ever booted.
  DhcpdFlags flags;
  flags.subnets = {"10.0.0.0/24"};
  for (const char* bad : {"boot/grub/core.efi", "/core.efi",
                          "tftp://10.0.0.1/core.efi", "10.0.0.1/core.efi"})
    CHECK(ApplyError([&] {
            DhcpdFlags f = flags;
            f.http_url = bad;
            return f;
          }())
              .find("needs an absolute http:// or https:// URL") !=
          std::string::npos);
  flags.http_url = "http://10.0.0.1/my core.efi";
  CHECK(ApplyError(flags) ==
        "--http-url 'http://10.0.0.1/my core.efi': ' ' cannot appear in a URL");
  flags.http_url = "http:///core.efi";
  CHECK(ApplyError(flags) == "--http-url 'http:///core.efi': names no server");
  for (const char* good : {"http://10.0.0.1/boot/grub/x86_64-efi/core.efi",
                           "HTTPS://boot.lab:8443/shimx64.efi"}) {
    flags.http_url = good;
    FakeLister lister;
    Configuration config;
    std::string err;
    CHECK(
        ApplyFlags(flags, std::nullopt, "t.conf", lister.Get(), &config, &err));
    CHECK(config.settings.boot.http_url == good);
  }
}

TEST_CASE("ApplyFlags adds hosts and refuses duplicates",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.subnets = {"10.0.0.0/24"};
  flags.hosts = {"02:00:00:00:00:01=10.0.0.10,pc1",
                 "02:00:00:00:00:02=10.0.0.11"};
  FakeLister lister;
  Configuration config;
  std::string err;
  REQUIRE(ApplyFlags(flags, std::nullopt, "", lister.Get(), &config, &err));
  REQUIRE(config.conf.hosts.size() == 2);
  const HostDecl& named = config.conf.hosts[0];
  CHECK(named.name == "pc1");
  CHECK(named.fixed_address == std::optional<Ipv4Addr>(Ip("10.0.0.10")));
  CHECK(named.pos.file == "--host");
  REQUIRE(named.chain.size() == 1);
  REQUIRE(named.chain[0]->items.size() == 1);
  REQUIRE(named.chain[0]->items[0].params.FindOption(opt::kHostName) !=
          nullptr);
  CHECK(*named.chain[0]->items[0].params.FindOption(opt::kHostName) ==
        Bytes("pc1"));
  const HostDecl& unnamed = config.conf.hosts[1];
  CHECK(unnamed.name == "host-02:00:00:00:00:02");
  CHECK(unnamed.chain[0]->items.empty());  // no host-name option

  flags.hosts = {"02:00:00:00:00:01=10.0.0.10", "02:00:00:00:00:01=10.0.0.11"};
  CHECK(ApplyError(flags) ==
        "--host '02:00:00:00:00:01=10.0.0.11': host host-02:00:00:00:00:01 is "
        "already declared");
  flags.hosts = {"02:00:00:00:00:01=10.0.0.10,pc",
                 "02:00:00:00:00:03=10.0.0.11,pc"};
  CHECK(ApplyError(flags) ==
        "--host '02:00:00:00:00:03=10.0.0.11,pc': host pc is already declared");
  flags.hosts = {"02:00:00:00:00:01"};
  CHECK(ApplyError(flags) ==
        "--host '02:00:00:00:00:01': expected MAC=IP[,NAME]");
  flags.hosts = {"02:00:00:00:00=10.0.0.10"};
  CHECK(ApplyError(flags).starts_with("--host '02:00:00:00:00=10.0.0.10': "));
  flags.hosts = {"02:00:00:00:00:01=10.0.0"};
  CHECK(ApplyError(flags).starts_with("--host '10.0.0': "));
}

TEST_CASE("ApplyFlags runs the configuration checks and keeps their warnings",
          "[dhcpd][configuration]") {
  DhcpdFlags flags;
  flags.subnets = {"10.0.0.0/24"};
  flags.ranges = {"10.0.0.10-10.0.0.20", "10.0.0.15-10.0.0.30"};
  FakeLister lister;
  Configuration config;
  std::string err;
  REQUIRE(ApplyFlags(flags, std::nullopt, "", lister.Get(), &config, &err));
  CHECK(config.conf.warnings.size() == 1);
}

namespace {

// An error in t.conf, member by member: GCC 12 at -O3 reports the base's
// string "may be used uninitialized" in the clean-up path of the aggregate
// initialisation ConfError{"t.conf", 3, 5, ...} (a false positive that
// stopped `make check-release`).
ConfError TConfError(int line, int column, std::string message) {
  ConfError error;
  error.file = "t.conf";
  error.line = line;
  error.column = column;
  error.message = std::move(message);
  return error;
}

}  // namespace

TEST_CASE("SummarizeConfErrors gives one error or every error and a count",
          "[dhcpd][configuration]") {
  ConfError one = TConfError(3, 5, "expected ;");
  std::vector<std::string> earlier;
  std::string message;
  SummarizeConfErrors({one}, "t.conf", &earlier, &message);
  CHECK(earlier.empty());
  CHECK(message == "t.conf:3:5: expected ;");

  ConfError two = TConfError(7, 1, "unknown statement");
  SummarizeConfErrors({one, two}, "t.conf", &earlier, &message);
  CHECK(earlier == std::vector<std::string>{"t.conf:3:5: expected ;",
                                            "t.conf:7:1: unknown statement"});
  CHECK(message == "t.conf: 2 errors");

  earlier.clear();
  ConfError more = TConfError(0, 0, "5 more errors not shown");
  SummarizeConfErrors({one, two, more}, "t.conf", &earlier, &message);
  CHECK(earlier.size() == 3);
  CHECK(message == "t.conf: more than 2 errors");
}

}  // namespace pxekit
