#include "tftpd/config.h"

#include <catch2/catch.hpp>

using namespace pxekit;
using namespace pxekit::tftp;

TEST_CASE("tftpd flags: the defaults of tftpd-hpa as root") {
  TftpdFlags flags;
  flags.root = "/srv/tftp";
  auto config = MakeTftpdConfig(flags, true);
  REQUIRE(config.ok());
  CHECK(config->listen.address == Ipv4Addr());
  CHECK(config->listen.port == 69);
  CHECK_FALSE(config->port_range);
  CHECK(config->max_clients == 500);
  CHECK(config->policy.root == "/srv/tftp");
  CHECK_FALSE(config->policy.allow_write);
  CHECK(config->policy.limits.max_blksize == 1468);
  CHECK(config->policy.limits.max_window == 64);
  CHECK(config->policy.retransmit.initial == std::chrono::seconds(1));
  CHECK(config->policy.limits.max_timeout_option == std::chrono::seconds(1));
  // Started as root without -u: requests run as nobody.
  CHECK(config->user == "nobody");
  CHECK(config->drop_privileges);
  CHECK_FALSE(config->user_ignored);
  // No -U and no -p: umask 0, new files world-readable and -writable.
  REQUIRE(config->umask);
  CHECK(*config->umask == 0);
  CHECK_FALSE(config->chroot);
}

TEST_CASE("tftpd flags: without root nobody is not switched to") {
  TftpdFlags flags;
  auto config = MakeTftpdConfig(flags, false);
  REQUIRE(config.ok());
  CHECK(config->user.empty());
  CHECK_FALSE(config->drop_privileges);
  CHECK_FALSE(config->user_ignored);
  flags.user = "tftp";
  config = MakeTftpdConfig(flags, false);
  REQUIRE(config.ok());
  CHECK(config->user == "tftp");
  CHECK_FALSE(config->drop_privileges);
  CHECK(config->user_ignored);
  config = MakeTftpdConfig(flags, true);
  REQUIRE(config.ok());
  CHECK(config->drop_privileges);
}

TEST_CASE("tftpd flags: -s chroots only as root") {
  struct Row {
    bool started_as_root;
    bool chroot;
    bool secure_ignored;
  };
  TftpdFlags flags;
  flags.secure = true;
  const Row rows[] = {
      {.started_as_root = true, .chroot = true, .secure_ignored = false},
      {.started_as_root = false, .chroot = false, .secure_ignored = true},
  };
  for (const Row& row : rows) {
    INFO("started as root: " << row.started_as_root);
    auto config = MakeTftpdConfig(flags, row.started_as_root);
    REQUIRE(config.ok());
    CHECK(config->chroot == row.chroot);
    CHECK(config->secure_ignored == row.secure_ignored);
  }
}

TEST_CASE("tftpd flags: -U over -p and -p inherits the umask") {
  TftpdFlags flags;
  flags.permissive = true;
  auto inherit = MakeTftpdConfig(flags, true);
  REQUIRE(inherit.ok());
  CHECK_FALSE(inherit->umask);
  flags.umask = "022";
  auto given = MakeTftpdConfig(flags, true);
  REQUIRE(given.ok());
  REQUIRE(given->umask);
  CHECK(*given->umask == 022);
  flags.permissive = false;
  flags.umask = "777";
  CHECK(*MakeTftpdConfig(flags, true)->umask == 0777);
  for (const char* bad : {"1000", "8", "0x1", "-1", "07 "}) {
    INFO(bad);
    flags.umask = bad;
    auto config = MakeTftpdConfig(flags, true);
    REQUIRE_FALSE(config.ok());
    CHECK(config.error() ==
          "--umask '" + std::string(bad) + "': expected an octal mask 0-777");
  }
}

TEST_CASE("tftpd flags: -a ADDR and PORT each optional") {
  auto both = ParseListenAddress("127.0.0.1:6969");
  REQUIRE(both.ok());
  CHECK(both->address == *Ipv4Addr::Parse("127.0.0.1"));
  CHECK(both->port == 6969);
  auto port_only = ParseListenAddress(":6969");
  REQUIRE(port_only.ok());
  CHECK(port_only->address == Ipv4Addr());
  CHECK(port_only->port == 6969);
  auto address_only = ParseListenAddress("10.0.0.1");
  REQUIRE(address_only.ok());
  CHECK(address_only->port == 69);
  CHECK(ParseListenAddress("").ok());
}

TEST_CASE("tftpd flags: -a refusals name the flag") {
  CHECK(ParseListenAddress("[::1]:69").error() ==
        "--address '[::1]:69': IPv6 is not supported; give an IPv4 address");
  // Unbracketed, as tftpd-hpa's users may write it: not "':' is not a digit".
  CHECK(ParseListenAddress("::1").error() ==
        "--address '::1': IPv6 is not supported; give an IPv4 address");
  CHECK(ParseListenAddress("fe80::1:69").error() ==
        "--address 'fe80::1:69': IPv6 is not supported; give an IPv4 address");
  CHECK(ParseListenAddress("127.0.0.1:0").error() ==
        "--address '127.0.0.1:0': port is not in 1-65535");
  CHECK(ParseListenAddress("127.0.0.1:65536").error() ==
        "--address '127.0.0.1:65536': port is not in 1-65535");
  CHECK(ParseListenAddress("127.0.0.1:").error() ==
        "--address '127.0.0.1:': port is not in 1-65535");
  auto bad_host = ParseListenAddress("300.0.0.1:69");
  REQUIRE_FALSE(bad_host.ok());
  CHECK(bad_host.error().starts_with("--address '300.0.0.1:69': "));
  TftpdFlags flags;
  flags.address = "[::]";
  CHECK_FALSE(MakeTftpdConfig(flags, true).ok());
}

TEST_CASE("tftpd flags: -R LO:HI") {
  auto range = ParsePortRange("40000:40009");
  REQUIRE(range.ok());
  CHECK(range->lo == 40000);
  CHECK(range->hi == 40009);
  auto one = ParsePortRange("5000:5000");
  REQUIRE(one.ok());
  CHECK(one->lo == one->hi);
  for (const char* bad :
       {"5000", "5001:5000", "0:10", "1:65536", ":", "a:b", "1:2:3"}) {
    INFO(bad);
    auto r = ParsePortRange(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "--port-range '" + std::string(bad) +
                           "': expected LO:HI with 1 <= LO <= HI <= 65535");
  }
  TftpdFlags flags;
  flags.port_range = "70:69";
  CHECK_FALSE(MakeTftpdConfig(flags, true).ok());
  flags.port_range = "69:70";
  auto config = MakeTftpdConfig(flags, true);
  REQUIRE(config.ok());
  REQUIRE(config->port_range);
  CHECK(config->port_range->hi == 70);
}

TEST_CASE("tftpd flags: -B -W -T -r -c and --max-clients reach the policy") {
  TftpdFlags flags;
  flags.blocksize = 512;
  flags.max_window = 4;
  flags.retransmit_us = 2500000;
  flags.refuse = {"BlkSize", "tsize"};
  flags.create = true;
  flags.max_clients = 3;
  auto config = MakeTftpdConfig(flags, true);
  REQUIRE(config.ok());
  CHECK(config->policy.limits.max_blksize == 512);
  CHECK(config->policy.limits.max_window == 4);
  CHECK(config->policy.retransmit.initial ==
        std::chrono::microseconds(2500000));
  // The timeout option is echoed up to -T rounded up to whole seconds.
  CHECK(config->policy.limits.max_timeout_option == std::chrono::seconds(3));
  // -r is case-insensitive, as option names are.
  CHECK(config->policy.limits.refused ==
        std::set<std::string>{"blksize", "tsize"});
  CHECK(config->policy.allow_write);
  CHECK(config->max_clients == 3);
  flags.retransmit_us = 10000;
  CHECK(MakeTftpdConfig(flags, true)->policy.limits.max_timeout_option ==
        std::chrono::seconds(1));
}

TEST_CASE("tftpd flags: -r takes tftpd-hpa's option names and refuses others") {
  TftpdFlags flags;
  // tftpd-hpa's own names start, though pxe-tftpd never grants the last
  // three: a tftpd-hpa command line works unchanged.
  flags.refuse = {"WINDOWSIZE", "timeout", "blksize2", "utimeout", "rollover"};
  auto config = MakeTftpdConfig(flags, false);
  REQUIRE(config.ok());
  CHECK(config->policy.limits.refused.count("windowsize") == 1);
  // A typo would leave the option it meant negotiated: refused, as
  // tftpd-hpa does ("Unknown option", EX_USAGE).
  flags.refuse = {"tsize", "BlockSize"};
  auto typo = MakeTftpdConfig(flags, false);
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error() ==
        "--refuse 'BlockSize': not a TFTP option (blksize, tsize, timeout or "
        "windowsize)");
}
