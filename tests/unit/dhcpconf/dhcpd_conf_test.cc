#include "dhcpconf/dhcpd_conf_parser.h"

#include <map>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "dhcpconf/conf_eval.h"
#include "unit/dhcpconf/must_parse.h"
#include "unit/reject_cases.h"

namespace pxekit {
namespace {

// The two snippets of the seed article (shared/seed/000_339f6c5ee4d463cd),
// verbatim, comments in Chinese included.
constexpr const char* kSeedHost = R"(## 目标机器的DHCP配置项
host target {
## 目标机器所匹配的MAC地址
hardware ethernet 00:13:21:1F:F1:82;
## 目标机器分配到的IP地址
fixed-address 192.168.0.10;
## 目标机器所使用的网关地址
option routers 192.168.0.254;
## 目标机器所用的DNS
option domain-name-servers 208.67.222.222,208.67.220.220;
## 指定TFTP服务器的地址。如果TFTP与DHCP服务器是一个IP，则可以忽略
next-server 192.168.0.2;
## 指定开机文档在TFTP服务器上的路径
filename "/ubuntu-installer/i386/pxelinux.0";
}
)";

constexpr const char* kSeedSubnet = R"(ddns-update-style none;
ignore client-updates;
allow booting;
allow bootp;

subnet 192.168.5.0 netmask 255.255.255.0 {
option routers 192.168.5.1;
option subnet-mask 255.255.255.0;
option domain-name-servers 202.112.128.50;
range dynamic-bootp 192.168.5.33 192.168.5.38;
default-lease-time 21600;
max-lease-time 43200;
}
)";

DhcpdConf MustParse(std::string_view text) {
  return MustParseConf(text, "test.conf");
}

// Every error of a text that must fail to parse, in file order.
std::vector<ConfError> AllErrors(std::string_view text,
                                 const IncludeLoader& loader = nullptr,
                                 const std::string& file = "bad.conf") {
  DhcpdConf conf;
  std::vector<ConfError> errors;
  REQUIRE_FALSE(ParseDhcpdConf(text, file, loader, &conf, &errors));
  return errors;
}

// The first of them.
ConfError MustFail(std::string_view text, const IncludeLoader& loader = nullptr,
                   const std::string& file = "bad.conf") {
  DhcpdConf conf;
  ConfError error;
  REQUIRE_FALSE(ParseDhcpdConf(text, file, loader, &conf, &error));
  return error;
}

DhcpMessage Client(std::uint16_t arch, std::string vendor = "",
                   std::string user = "") {
  DhcpMessage m;
  m.chaddr = {0x02, 0, 0, 0, 0, 0x22};
  m.options.SetU8(53, 1);
  m.options.SetU16(93, arch);
  if (!vendor.empty()) m.options.SetText(60, vendor);
  if (!user.empty()) m.options.SetText(77, user);
  return m;
}

// An include loader reading from FILES (by reference: files added later
// are found too); any other path does not exist.
IncludeLoader LoaderOver(const std::map<std::string, std::string>& files) {
  return [&files](const std::string& path) -> Result<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return Fail("No such file or directory");
    return it->second;
  };
}

}  // namespace

TEST_CASE("The seed's host snippet loads unchanged", "[dhcpconf]") {
  DhcpdConf conf = MustParse(kSeedHost);
  REQUIRE(conf.hosts.size() == 1);
  const HostDecl& host = conf.hosts[0];
  CHECK(host.name == "target");
  CHECK(host.mac == MacAddr::Parse("00:13:21:1f:f1:82").value());
  CHECK(host.fixed_address == Ipv4Addr::FromOctets(192, 168, 0, 10));
  DhcpMessage m = Client(0);
  m.chaddr = {0x00, 0x13, 0x21, 0x1f, 0xf1, 0x82};
  EvalInput input{&m, nullptr, nullptr, &host};
  Params params = EvaluateParams(conf, input, {});
  CHECK(params.filename == "/ubuntu-installer/i386/pxelinux.0");
  CHECK(params.next_server == Ipv4Addr::FromOctets(192, 168, 0, 2));
  CHECK(*params.FindOption(6) ==
        std::vector<std::uint8_t>{208, 67, 222, 222, 208, 67, 220, 220});
  CHECK(params.filename_origin.rfind("host target", 0) == 0);
}

TEST_CASE("The seed's subnet snippet loads unchanged", "[dhcpconf]") {
  DhcpdConf conf = MustParse(kSeedSubnet);
  REQUIRE(conf.subnets.size() == 1);
  const SubnetDecl& subnet = conf.subnets[0];
  CHECK(subnet.prefix.ToString() == "192.168.5.0/24");
  REQUIRE(subnet.ranges.size() == 1);
  CHECK(subnet.ranges[0].dynamic_bootp);
  CHECK(subnet.ranges[0].range.Size() == 6);
  CHECK(conf.notes.size() == 2);  // ddns-update-style, ignore client-updates
  DhcpMessage m = Client(0);
  Params params =
      EvaluateParams(conf, EvalInput{&m, &subnet, nullptr, nullptr}, {});
  CHECK(params.default_lease_time == 21600u);
  CHECK(params.max_lease_time == 43200u);
  CHECK(params.allow_bootp == true);
  CHECK(params.allow_booting == true);
  CHECK(*params.FindOption(3) == std::vector<std::uint8_t>{192, 168, 5, 1});
}

TEST_CASE("if/elsif/else on option arch picks the ISC way", "[dhcpconf]") {
  DhcpdConf conf = MustParse(R"(
option arch code 93 = unsigned integer 16;
subnet 198.18.0.0 netmask 255.255.255.0 {
  range 198.18.0.100 198.18.0.200;
  if exists user-class and option user-class = "iPXE" {
    filename "http://198.18.0.1/boot.ipxe";
  } elsif option arch = 00:07 or option arch = 00:09 {
    filename "efi64/ipxe.efi";
  } else if option arch = 11 {
    filename "arm64.efi";
  } else {
    filename "undionly.kpxe";
  }
}
)");
  const SubnetDecl* subnet = &conf.subnets[0];
  auto file = [&](const DhcpMessage& m) {
    return EvaluateParams(conf, EvalInput{&m, subnet, nullptr, nullptr}, {})
        .filename.value_or("");
  };
  CHECK(file(Client(0)) == "undionly.kpxe");
  CHECK(file(Client(7)) == "efi64/ipxe.efi");
  CHECK(file(Client(9)) == "efi64/ipxe.efi");
  CHECK(file(Client(11)) == "arm64.efi");
  CHECK(file(Client(7, "", "iPXE")) == "http://198.18.0.1/boot.ipxe");
}

TEST_CASE("class with match if substring(vendor-class) and host precedence",
          "[dhcpconf]") {
  DhcpdConf conf = MustParse(R"(
class "pxeclients" {
  match if substring(option vendor-class-identifier, 0, 9) = "PXEClient";
  next-server 198.18.0.2;
  filename "pxelinux.0";
}
group {
  filename "group.0";
  host pc1 { hardware ethernet 02:00:00:00:00:22; filename "pc1.0"; }
  host pc2 { hardware ethernet 02:00:00:00:00:23; }
}
)");
  DhcpMessage pxe = Client(0, "PXEClient:Arch:00000:UNDI:002001");
  DhcpMessage plain = Client(0);
  CHECK(MatchingClasses(conf, pxe, false) ==
        std::vector<std::string>{"pxeclients"});
  CHECK(MatchingClasses(conf, plain, false).empty());
  auto params = EvaluateParams(conf, EvalInput{&pxe, nullptr, nullptr, nullptr},
                               {"pxeclients"});
  CHECK(params.filename == "pxelinux.0");
  CHECK(params.next_server == Ipv4Addr::FromOctets(198, 18, 0, 2));
  // Host beats class; the host's group beats the class too.
  params = EvaluateParams(
      conf, EvalInput{&pxe, nullptr, nullptr, &conf.hosts[0]}, {"pxeclients"});
  CHECK(params.filename == "pc1.0");
  params = EvaluateParams(
      conf, EvalInput{&pxe, nullptr, nullptr, &conf.hosts[1]}, {"pxeclients"});
  CHECK(params.filename == "group.0");
}

TEST_CASE("Malformed files fail at the right line and column", "[dhcpconf]") {
  const PlacedReject cases[] = {
      {"subnet 10.0.0.0 netmask 255.255.255.0 {\n  range 10.0.0.5 "
       "10.0.1.9;\n}\n",
       2, 9, "outside subnet"},
      {"filenme \"x\";\n", 1, 1, "unknown statement"},
      {"subnet 10.0.0.1 netmask 255.255.255.0 { }\n", 1, 8, "host bits"},
      {"subnet 10.0.0.0 netmask 255.0.255.0 { }\n", 1, 25, "netmask"},
      {"host \"quoted\" { }\n", 1, 6, "bare words"},
      {"host h { hardware ethernet 02:00:00:00:00:zz; }\n", 1, 28, "02:00"},
      {"option routers 10.0.0.1\nsubnet", 2, 1, "expected ';'"},
      {"group {\n  filename \"x\";\n", 1, 1, "missing '}' for this 'group'"},
      {"option arch = 1;\n", 1, 8, "unknown option"},
      {"switch (option arch) { case 00:07: filename \"x\"; }\n", 1, 1,
       "if/elsif"},
      {"failover peer \"x\" { }\n", 1, 1, "failover"},
      {"ddns-update-style interim;\n", 1, 19, "DNS"},
      {"on commit { }\n", 1, 1, "hooks"},
      {"subnet6 ::/64 { }\n", 1, 1, "DHCPv4"},
      {"filename \"unterminated;\n", 1, 10, "unterminated"},
      {"if option dhcp-client-identifier = 7 { }\n", 1, 36, "bare number"},
      {"option domain-name-servers ns1.example.com;\n", 1, 28, "not resolved"},
      {"}\n", 1, 1, "unexpected '}'"},
      {"host h { fixed-address 10.0.0.1; }\n", 1, 1, "neither"},
      {"pool { }\n", 1, 1, "not allowed in the global scope"},
  };
  for (const PlacedReject& c : cases) {
    ConfError error = MustFail(c.text);
    INFO(c.text << "\n" << error.Format());
    CheckPlaced(c, error);
    CHECK(error.Format().rfind(
              fmt::format("bad.conf:{}:{}: ", c.line, c.column), 0) == 0);
  }
}

TEST_CASE("The error shows the line with a caret under the column",
          "[dhcpconf]") {
  ConfError error = MustFail("allow booting;\n\tfilenme \"x\";\n");
  CHECK(error.Format() ==
        "bad.conf:2:2: unknown statement 'filenme'\n   filenme \"x\";\n   ^");
}

TEST_CASE("include reads through the loader", "[dhcpconf]") {
  std::map<std::string, std::string> files{
      {"hosts.conf", "host a { hardware ethernet 02:00:00:00:00:01; }\n"},
      {"broken.conf", "\n  bogus;\n"}};
  IncludeLoader loader = LoaderOver(files);
  DhcpdConf conf;
  ConfError error;
  REQUIRE(ParseDhcpdConf("include \"hosts.conf\";\n", "main.conf", loader,
                         &conf, &error));
  CHECK(conf.hosts.size() == 1);
  ConfError broken =
      MustFail("include \"broken.conf\";\n", loader, "main.conf");
  CHECK(broken.file == "broken.conf");
  CHECK(broken.line == 2);
  CHECK(broken.column == 3);
  ConfError missing = MustFail("include \"none.conf\";\n", loader, "main.conf");
  CHECK(missing.message.find("No such file") != std::string::npos);
}

TEST_CASE("Every error is reported each at its statement", "[dhcpconf]") {
  auto errors = AllErrors(
      "bogus1;\n"
      "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
      "  range 10.0.0.5 10.0.1.9;\n"
      "  bogus2 { a; b; }\n"
      "  range 10.0.0.5 10.0.0.9;\n"
      "}\n"
      "host h { fixed-address 10.0.0.3; }\n"
      "host h { hardware ethernet 02:00:00:00:00:01; }\n"
      "allow booting\n");
  REQUIRE(errors.size() == 6);
  CHECK(errors[0].line == 1);
  CHECK(errors[0].message == "unknown statement 'bogus1'");
  CHECK(errors[1].line == 3);
  CHECK(errors[1].message ==
        "range 10.0.0.5-10.0.1.9 is outside subnet 10.0.0.0/24");
  CHECK(errors[2].line == 4);
  CHECK(errors[3].line == 7);
  CHECK(errors[3].message ==
        "host h has neither 'hardware ethernet' nor a "
        "dhcp-client-identifier");
  CHECK(errors[4].line == 8);
  CHECK(errors[4].message == "host h is already declared at bad.conf:7");
  CHECK(errors[5].message == "expected ';', found end of file");
}

TEST_CASE("A syntax error names the token it found", "[dhcpconf]") {
  CHECK(MustFail("authoritative {").message == "expected ';', found '{'");
  CHECK(MustFail("authoritative }").message == "expected ';', found '}'");
  CHECK(MustFail("authoritative (").message == "expected ';', found '('");
  CHECK(MustFail("authoritative )").message == "expected ';', found ')'");
  CHECK(MustFail("authoritative ,").message == "expected ';', found ','");
  CHECK(MustFail("authoritative =").message == "expected ';', found '='");
  CHECK(MustFail("authoritative !=").message == "expected ';', found '!='");
  CHECK(MustFail("authoritative \"x\";").message ==
        "expected ';', found a quoted string");
  CHECK(MustFail("authoritative now;").message == "expected ';', found 'now'");
  CHECK(MustFail("authoritative").message == "expected ';', found end of file");
}

TEST_CASE("A stray closing brace does not stop the parse", "[dhcpconf]") {
  auto errors = AllErrors("}\nbogus;\n");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].message == "unexpected '}' with no open block");
  CHECK(errors[1].line == 2);
}

TEST_CASE("Binary junk gives at most 50 errors and a count", "[dhcpconf]") {
  std::string junk;
  for (int i = 0; i < 200; ++i) junk += "x;";
  auto errors = AllErrors(junk);
  REQUIRE(errors.size() == 51);
  CHECK(errors.back().line == 0);
  CHECK(errors.back().Format() == "bad.conf: 150 more errors not shown");
}

TEST_CASE("A missing closing brace points at the block it should close",
          "[dhcpconf]") {
  ConfError error = MustFail(
      "allow booting;\n"
      "  subnet 10.0.0.0 netmask 255.255.255.0 {\n"
      "  range 10.0.0.5 10.0.0.9;\n");
  CHECK(error.line == 2);
  CHECK(error.column == 3);
  CHECK(error.Format() ==
        "bad.conf:2:3: missing '}' for this 'subnet' (the file ends at "
        "line 3)\n"
        "    subnet 10.0.0.0 netmask 255.255.255.0 {\n"
        "    ^");
}

TEST_CASE("An include loop is named as a loop", "[dhcpconf]") {
  std::map<std::string, std::string> files{
      {"a.conf", "allow booting;\ninclude \"b.conf\";\n"},
      {"b.conf", "include \"a.conf\";\n"}};
  IncludeLoader loader = LoaderOver(files);
  std::vector<ConfError> errors = AllErrors(files["a.conf"], loader, "a.conf");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == "b.conf");
  CHECK(errors[0].message == "include loop: a.conf -> b.conf -> a.conf");
  // The same file twice, not nested, is no loop.
  files["c.conf"] = "include \"d.conf\";\ninclude \"d.conf\";\n";
  files["d.conf"] = "allow booting;\n";
  DhcpdConf conf;
  CHECK(ParseDhcpdConf(files["c.conf"], "c.conf", loader, &conf, &errors));
}

TEST_CASE("Files that include each other over and over are bounded",
          "[dhcpconf]") {
  // A tree without a loop: each file at depth d < 8 includes four files
  // at depth d + 1, so 1 + 4 + ... + 4^7 = 21,845 reads unbounded.
  std::size_t loads = 0;
  IncludeLoader tree = [&](const std::string& path) -> Result<std::string> {
    ++loads;
    int depth = path[1] - '0';
    std::string text = "allow booting;\n";
    if (depth < 8)
      for (int j = 0; j < 4; ++j)
        text += fmt::format("include \"d{}.{}\";\n", depth + 1, j);
    return text;
  };
  std::vector<ConfError> errors =
      AllErrors("include \"d1.0\";\n", tree, "d0.conf");
  CHECK(loads == 10000);
  REQUIRE(!errors.empty());
  CHECK(errors[0].message ==
        "more than 10000 includes in all (files that include each other "
        "over and over?)");
  std::map<std::string, std::string> files;
  IncludeLoader loader = LoaderOver(files);
  // A lab's one file per host stays well within it.
  std::string main_conf;
  for (int i = 0; i < 500; ++i) {
    files[fmt::format("host{}.conf", i)] = "allow booting;\n";
    main_conf += fmt::format("include \"host{}.conf\";\n", i);
  }
  DhcpdConf conf;
  CHECK(ParseDhcpdConf(main_conf, "main.conf", loader, &conf, &errors));
}

TEST_CASE("A UTF-8 BOM is skipped and does not shift columns", "[dhcpconf]") {
  MustParse(
      "\xEF\xBB\xBF"
      "allow booting;\r\n");
  ConfError error = MustFail(
      "\xEF\xBB\xBF"
      "bogus;\n");
  CHECK(error.line == 1);
  CHECK(error.column == 1);
  CHECK(error.source_line == "bogus;");
}

TEST_CASE("Hosts are found by MAC and client-id and the first declared wins",
          "[dhcpconf]") {
  DhcpdConf conf = MustParse(
      "host a { hardware ethernet 02:00:00:00:00:01; }\n"
      "host b { hardware ethernet 02:00:00:00:00:01; }\n"
      "host c { option dhcp-client-identifier 01:02:00:00:00:00:09; }\n");
  MacAddr mac(MacAddr::Bytes{2, 0, 0, 0, 0, 1});
  std::vector<std::uint8_t> uid{1, 2, 0, 0, 0, 0, 9};
  for (bool indexed : {false, true}) {
    if (indexed) conf.IndexHosts();
    INFO("indexed " << indexed);
    REQUIRE(conf.FindHost(mac, {}) != nullptr);
    CHECK(conf.FindHost(mac, {})->name == "a");
    REQUIRE(conf.FindHost(mac, uid) != nullptr);
    CHECK(conf.FindHost(mac, uid)->name == "c");
    CHECK(conf.FindHost(MacAddr(MacAddr::Bytes{2, 0, 0, 0, 0, 2}), {}) ==
          nullptr);
  }
}

}  // namespace pxekit
