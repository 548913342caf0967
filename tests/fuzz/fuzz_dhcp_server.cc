// The policy entry point: any datagram, on port 67 or 4011, against a
// server with seeded leases, gives a well-formed reply or none; replies
// never offer addresses outside the config, and commits only name
// addresses in ranges. Sends are not performed: Handle only returns them.
#include <cstdint>

#include "dhcpconf/dhcpd_conf_parser.h"
#include "dhcpd/policy.h"
#include "fuzz_check.h"

namespace {

constexpr const char* kConf = R"(
authoritative;
allow bootp;
option arch code 93 = unsigned integer 16;
class "pxe" { match if substring(option vendor-class-identifier, 0, 9) = "PXEClient"; }
subnet 198.18.0.0 netmask 255.255.255.0 {
  range 198.18.0.100 198.18.0.103;
  range dynamic-bootp 198.18.0.150 198.18.0.151;
  if option arch = 00:07 { filename "efi"; } else { filename "bios"; }
}
subnet 10.9.0.0 netmask 255.255.255.0 {
  pool { allow members of "pxe"; range 10.9.0.10 10.9.0.11; }
}
host fixed { hardware ethernet 02:00:00:00:00:99; fixed-address 198.18.0.50; }
)";

pxekit::Lease Seed(int last, pxekit::LeaseState state, int mac) {
  pxekit::Lease lease;
  lease.address =
      pxekit::Ipv4Addr::FromOctets(198, 18, 0, static_cast<std::uint8_t>(last));
  lease.state = state;
  lease.starts = 1'800'000'000 - 100;
  lease.ends = 1'800'000'000 + 500;
  lease.mac = pxekit::MacAddr(
      pxekit::MacAddr::Bytes{2, 0, 0, 0, 0, static_cast<std::uint8_t>(mac)});
  return lease;
}

bool InRanges(const pxekit::DhcpdConf& conf, pxekit::Ipv4Addr address) {
  for (const auto& subnet : conf.subnets) {
    for (const auto& range : subnet.ranges)
      if (range.range.Contains(address)) return true;
    for (const auto& pool : subnet.pools)
      for (const auto& range : pool.ranges)
        if (range.range.Contains(address)) return true;
  }
  return false;
}

// The two servers (DHCP, proxyDHCP), built once: the configuration is
// fixed, and parsing it for every input took a third of each execution.
// Every input starts from the same state all the same: ClearLeases, then
// the seeded leases (a policy keeps nothing else between exchanges).
pxekit::DhcpPolicy& Server(bool proxy) {
  static pxekit::DhcpPolicy* servers[2] = {nullptr, nullptr};
  pxekit::DhcpPolicy*& server = servers[proxy ? 1 : 0];
  if (server == nullptr) {
    pxekit::DhcpdConf conf;
    pxekit::ConfError error;
    FUZZ_CHECK(pxekit::ParseDhcpdConf(kConf, "fuzz", nullptr, &conf, &error));
    pxekit::DhcpPolicySettings settings;
    settings.proxy = proxy;
    settings.boot.x64_efi = "ipxe.efi";
    settings.boot.ipxe_script = "http://198.18.0.1/boot.ipxe";
    server = new pxekit::DhcpPolicy(std::move(conf), settings);
  }
  return *server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit;
  for (bool proxy : {false, true}) {
    DhcpPolicy& server = Server(proxy);
    server.ClearLeases();
    server.LoadLeases({Seed(100, LeaseState::kActive, 0x22),
                       Seed(101, LeaseState::kAbandoned, 0x23),
                       Seed(102, LeaseState::kReleased, 0x24)});
    for (std::uint16_t port : {std::uint16_t{67}, std::uint16_t{4011}}) {
      Inbound in;
      in.bytes = {data, size};
      in.source = Ipv4Addr::FromOctets(198, 18, 0, 100);
      in.local_port = port;
      in.local = Ipv4Prefix(Ipv4Addr::FromOctets(198, 18, 0, 1), 24);
      in.interface = "fuzz0";
      Exchange out = server.Handle(in, 1'800'000'000);
      for (const Lease& lease : out.commits)
        FUZZ_CHECK(InRanges(server.conf(), lease.address));
      if (!out.reply) continue;
      FUZZ_CHECK(out.reply->bytes.size() >= 300);
      FUZZ_CHECK(out.reply->bytes.size() <= kDhcpEthernetMaxSize);
      auto reply = ParseDhcpMessage(out.reply->bytes);
      FUZZ_CHECK(reply.ok());
      FUZZ_CHECK(reply->op == 2);
      auto request = ParseDhcpMessage({data, size});
      FUZZ_CHECK(request.ok() && reply->xid == request->xid);
      if (proxy) FUZZ_CHECK(reply->yiaddr == Ipv4Addr::Any());
      if (reply->yiaddr != Ipv4Addr::Any())
        FUZZ_CHECK(InRanges(server.conf(), reply->yiaddr) ||
                   reply->yiaddr == Ipv4Addr::FromOctets(198, 18, 0, 50));
      // Never 60 "PXEClient" without 43 in an address-granting reply.
      if (reply->GetText(60) == "PXEClient" && reply->yiaddr != Ipv4Addr::Any())
        FUZZ_CHECK(reply->options.Has(43));
    }
  }
  return 0;
}
