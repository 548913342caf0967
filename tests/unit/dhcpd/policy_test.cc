// DhcpPolicy::Handle with an injected clock: whole exchanges, no sockets.
#include "dhcpd/policy.h"

#include <catch2/catch.hpp>

#include "dhcp/dhcp_options.h"
#include "dhcp/pxe_options.h"
#include "dhcpconf/dhcpd_conf_parser.h"
#include "unit/dhcpconf/must_parse.h"
#include "unit/dhcpd/policy_input.h"
#include "unit/util/addresses.h"

namespace pxekit {
namespace {

namespace opt = dhcp_option;

using test::Ip;

constexpr const char* kConf = R"(
authoritative;
default-lease-time 600;
max-lease-time 7200;
option arch code 93 = unsigned integer 16;
subnet 198.18.0.0 netmask 255.255.255.0 {
  option routers 198.18.0.1;
  option domain-name "lab.example";
  option ntp-servers 198.18.0.1;
  range 198.18.0.100 198.18.0.101;
  range dynamic-bootp 198.18.0.150 198.18.0.150;
  if option arch = 00:07 or option arch = 00:09 {
    filename "efi64/ipxe.efi";
  } else {
    filename "undionly.kpxe";
  }
}
subnet 10.9.0.0 netmask 255.255.255.0 {
  range 10.9.0.10 10.9.0.20;
}
host fixed { hardware ethernet 02:00:00:00:00:99; fixed-address 198.18.0.50;
  filename "fixed.0"; }
)";

DhcpdConf Conf(const char* text = kConf) { return MustParseConf(text); }

struct Client {
  explicit Client(std::uint8_t client_id) : id(client_id) {}
  std::uint8_t id;
  std::uint32_t xid = 0x1000;
  std::uint16_t arch = 0xffff;  // none
  std::string vendor;
  bool broadcast = false;
  std::vector<std::uint8_t> uid;

  DhcpMessage Make(DhcpMessageType type) const {
    DhcpMessage m = test::ClientMessage(id, xid, type);
    if (broadcast) m.flags = kBroadcastFlag;
    if (!uid.empty()) m.options.Set(opt::kClientIdentifier, uid);
    if (arch != 0xffff) m.options.SetU16(opt::kClientArch, arch);
    if (!vendor.empty()) m.options.SetText(opt::kVendorClass, vendor);
    return m;
  }
};

struct Harness {
  DhcpPolicy server;
  Ipv4Prefix local{Ip(1), 24};
  UnixTime now = 1'800'000'000;
  std::vector<std::uint8_t> bytes;

  explicit Harness(DhcpdConf conf, DhcpPolicySettings settings = {})
      : server(std::move(conf), std::move(settings)) {}

  Exchange Send(const DhcpMessage& m, std::uint16_t port = 67,
                Ipv4Addr source = Ipv4Addr::Any()) {
    Inbound in = test::EncodedInbound(m, bytes, local, source);
    in.local_port = port;
    in.source_port =
        port == 4011 ? 68 : (m.giaddr != Ipv4Addr::Any() ? 67 : 68);
    return server.Handle(in, now);
  }

  // DISCOVER + REQUEST (SELECTING); returns the ACK exchange.
  Exchange Bind(const Client& client) {
    Exchange offer = Send(client.Make(DhcpMessageType::kDiscover));
    REQUIRE(offer.reply);
    DhcpMessage request = client.Make(DhcpMessageType::kRequest);
    request.options.SetIp(opt::kRequestedAddress, offer.reply->message.yiaddr);
    request.options.SetIp(opt::kServerIdentifier, Ip(1));
    return Send(request);
  }
};

// The reply the exchange must have given, decoded again from its bytes.
DhcpMessage Reparse(const Exchange& exchange) {
  REQUIRE(exchange.reply);
  auto m = ParseDhcpMessage(exchange.reply->bytes);
  REQUIRE(m.ok());
  return *m;
}

}  // namespace

TEST_CASE("DISCOVER/OFFER/REQUEST/ACK with RFC 2131 fields", "[dhcpd]") {
  Harness h(Conf());
  Client c{0x22};
  c.arch = 7;
  c.vendor = "PXEClient:Arch:00007:UNDI:003016";
  Exchange offer = h.Send(c.Make(DhcpMessageType::kDiscover));
  REQUIRE(offer.reply);
  CHECK(offer.commits.empty());  // OFFERs are not persisted
  DhcpMessage o = Reparse(offer);
  CHECK(offer.reply->bytes.size() >= 300);
  CHECK(o.op == 2);
  CHECK(o.xid == c.xid);
  CHECK(o.Type() == DhcpMessageType::kOffer);
  CHECK(o.yiaddr == Ip(100));
  CHECK(o.siaddr == Ip(1));
  CHECK(o.file == "efi64/ipxe.efi");
  CHECK(o.GetText(opt::kBootfileName) == "efi64/ipxe.efi");
  CHECK(o.GetText(opt::kTftpServerName) == "198.18.0.1");
  CHECK(o.GetIp(opt::kServerIdentifier) == Ip(1));
  CHECK(o.GetU32(opt::kLeaseTime) == 600u);
  CHECK(o.GetU32(opt::kRenewalTime) == 300u);
  CHECK(o.GetU32(opt::kRebindingTime) == 525u);
  CHECK(o.GetIp(opt::kSubnetMask) == Ip(255, 255, 255, 0));
  CHECK(o.GetIp(opt::kRouters) == Ip(1));
  // 60 PXEClient only together with 43.
  CHECK(o.GetText(opt::kVendorClass) == "PXEClient");
  REQUIRE(o.options.Has(opt::kVendorEncapsulated));
  CHECK(ParsePxeVendorOptions(*o.options.Find(opt::kVendorEncapsulated))
            ->discovery_control == kPxeBootFileDirectly);
  // Unicast to yiaddr at chaddr, after a neighbour entry.
  CHECK(offer.reply->destination.address == Ip(100));
  CHECK(offer.reply->destination.port == 68);
  CHECK(offer.reply->destination.neighbour ==
        c.Make(DhcpMessageType::kDiscover).Mac());
  CHECK(offer.log.find("DHCPOFFER 198.18.0.100") != std::string::npos);
  CHECK(offer.log.find("arch 7 (x64 UEFI)") != std::string::npos);
  CHECK(offer.log.find("efi64/ipxe.efi") != std::string::npos);

  DhcpMessage request = c.Make(DhcpMessageType::kRequest);
  request.options.SetIp(opt::kRequestedAddress, Ip(100));
  request.options.SetIp(opt::kServerIdentifier, Ip(1));
  Exchange ack = h.Send(request);
  REQUIRE(ack.reply);
  CHECK(Reparse(ack).Type() == DhcpMessageType::kAck);
  REQUIRE(ack.commits.size() == 1);
  CHECK(ack.commits[0].address == Ip(100));
  CHECK(ack.commits[0].state == LeaseState::kActive);
  CHECK(ack.commits[0].ends == h.now + 600);
}

TEST_CASE("Option 55 limits extras - 61 82 and 97 are echoed with 82 last",
          "[dhcpd]") {
  Harness h(Conf());
  Client c{0x23};
  c.uid = {1, 2, 0, 0, 0, 0, 0x23};
  DhcpMessage d = c.Make(DhcpMessageType::kDiscover);
  d.options.Set(opt::kParameterRequestList, std::vector<std::uint8_t>{1, 3});
  d.options.Set(opt::kClientUuid, std::vector<std::uint8_t>(17, 7));
  d.options.Set(opt::kRelayAgentInfo,
                std::vector<std::uint8_t>{1, 2, 'a', 'b'});
  d.giaddr = Ip(254);
  Exchange offer = h.Send(d);
  DhcpMessage o = Reparse(offer);
  CHECK(o.options.Has(opt::kDomainName));  // always sent
  CHECK_FALSE(o.options.Has(42));          // ntp: not requested
  CHECK(*o.options.Find(opt::kClientIdentifier) == c.uid);
  CHECK(o.options.Find(opt::kClientUuid)->size() == 17);
  // On the wire, the relay information is the last option (RFC 3046).
  CHECK(o.options.list().back().code == opt::kRelayAgentInfo);
  CHECK(*o.options.Find(opt::kRelayAgentInfo) ==
        std::vector<std::uint8_t>{1, 2, 'a', 'b'});
  // Relayed: to giaddr:67.
  CHECK(offer.reply->destination.address == Ip(254));
  CHECK(offer.reply->destination.port == 67);
  CHECK_FALSE(offer.reply->destination.neighbour);
}

TEST_CASE("Reply destinations: broadcast flag and relay and NAK", "[dhcpd]") {
  Harness h(Conf());
  Client c{0x24};
  c.broadcast = true;
  Exchange offer = h.Send(c.Make(DhcpMessageType::kDiscover));
  REQUIRE(offer.reply);
  CHECK(offer.reply->destination.broadcast);
  CHECK(offer.reply->destination.address == Ipv4Addr::LimitedBroadcast());
  // INIT-REBOOT for an address on another network: NAK, broadcast.
  DhcpMessage reboot = c.Make(DhcpMessageType::kRequest);
  reboot.flags = 0;
  reboot.options.SetIp(opt::kRequestedAddress, Ip(10, 1, 1, 1));
  Exchange nak = h.Send(reboot);
  DhcpMessage n = Reparse(nak);
  CHECK(n.Type() == DhcpMessageType::kNak);
  CHECK(n.yiaddr == Ipv4Addr::Any());
  CHECK_FALSE(n.options.Has(opt::kLeaseTime));
  CHECK(nak.reply->destination.broadcast);
  // Relayed NAK: to the relay with the broadcast bit set.
  reboot.giaddr = Ip(254);
  Exchange relayed = h.Send(reboot);
  REQUIRE(relayed.reply);
  CHECK(Reparse(relayed).IsBroadcast());
  CHECK(relayed.reply->destination.address == Ip(254));
}

TEST_CASE("REQUEST in INIT-REBOOT and RENEWING and REBINDING", "[dhcpd]") {
  Harness h(Conf());
  Client c{0x25};
  REQUIRE(h.Bind(c).reply);
  // INIT-REBOOT (a reboot): known client, its address -> ACK.
  DhcpMessage reboot = c.Make(DhcpMessageType::kRequest);
  reboot.options.SetIp(opt::kRequestedAddress, Ip(100));
  Exchange ack = h.Send(reboot);
  REQUIRE(ack.reply);
  CHECK(Reparse(ack).Type() == DhcpMessageType::kAck);
  CHECK(ack.log.find("INIT-REBOOT") != std::string::npos);
  // INIT-REBOOT from a client we never saw: silence (RFC 2131 4.3.2).
  Client stranger{0x26};
  DhcpMessage unknown = stranger.Make(DhcpMessageType::kRequest);
  unknown.options.SetIp(opt::kRequestedAddress, Ip(101));
  CHECK_FALSE(h.Send(unknown).reply);
  // RENEWING: unicast from ciaddr; the ACK goes back to ciaddr.
  h.now += 300;
  DhcpMessage renew = c.Make(DhcpMessageType::kRequest);
  renew.ciaddr = Ip(100);
  Exchange renewed = h.Send(renew, 67, Ip(100));
  REQUIRE(renewed.reply);
  CHECK(renewed.log.find("RENEWING") != std::string::npos);
  CHECK(renewed.reply->destination.address == Ip(100));
  CHECK(renewed.commits.at(0).ends == h.now + 600);
  // REBINDING: broadcast, same answer.
  renew.flags = kBroadcastFlag;
  Exchange rebound = h.Send(renew);
  REQUIRE(rebound.reply);
  CHECK(rebound.log.find("REBINDING") != std::string::npos);
  // Renewing an address that is not its own: NAK.
  renew.ciaddr = Ip(101);
  Exchange wrong = h.Send(renew, 67, Ip(101));
  REQUIRE(wrong.reply);
  CHECK(Reparse(wrong).Type() == DhcpMessageType::kNak);
}

TEST_CASE("SELECTING another server drops our offer silently", "[dhcpd]") {
  Harness h(Conf());
  Client c{0x27};
  REQUIRE(h.Send(c.Make(DhcpMessageType::kDiscover)).reply);
  DhcpMessage request = c.Make(DhcpMessageType::kRequest);
  request.options.SetIp(opt::kRequestedAddress, Ip(100));
  request.options.SetIp(opt::kServerIdentifier, Ip(2));
  Exchange other = h.Send(request);
  CHECK_FALSE(other.reply);
  CHECK(h.server.leases().Find(Ip(100))->state == LeaseState::kFree);
}

TEST_CASE("Pool exhaustion and expiry and DECLINE quarantine and RELEASE",
          "[dhcpd]") {
  DhcpPolicySettings settings;
  settings.decline_quarantine = 500;  // shorter than the 600 s leases
  Harness h(Conf(), settings);
  // Three addresses: 100, 101 and the dynamic-bootp 150 (ISC lets DHCP
  // clients use dynamic-bootp ranges too).
  Client a{1}, b{2}, c{3}, e{5};
  REQUIRE(h.Bind(a).reply);
  REQUIRE(h.Bind(b).reply);
  REQUIRE(h.Bind(e).reply);
  Exchange none = h.Send(c.Make(DhcpMessageType::kDiscover));
  CHECK_FALSE(none.reply);
  CHECK(none.log.find("no free leases") != std::string::npos);
  // b declines its address: quarantined, and c still gets nothing.
  DhcpMessage decline = b.Make(DhcpMessageType::kDecline);
  decline.options.SetIp(opt::kRequestedAddress, Ip(101));
  Exchange declined = h.Send(decline);
  CHECK_FALSE(declined.reply);
  REQUIRE(declined.commits.size() == 1);
  CHECK(declined.commits[0].state == LeaseState::kAbandoned);
  CHECK_FALSE(h.Send(c.Make(DhcpMessageType::kDiscover)).reply);
  // a releases: c gets a's address.
  DhcpMessage release = a.Make(DhcpMessageType::kRelease);
  release.ciaddr = Ip(100);
  Exchange released = h.Send(release);
  CHECK_FALSE(released.reply);
  CHECK(released.commits.at(0).state == LeaseState::kReleased);
  Exchange offer = h.Send(c.Make(DhcpMessageType::kDiscover));
  REQUIRE(offer.reply);
  CHECK(offer.reply->message.yiaddr == Ip(100));
  REQUIRE(h.Bind(c).reply);
  // After the quarantine, the declined address is usable again.
  h.now += 501;
  Client d{4};
  Exchange late = h.Send(d.Make(DhcpMessageType::kDiscover));
  REQUIRE(late.reply);
  CHECK(late.reply->message.yiaddr == Ip(101));
}

TEST_CASE("A restart restores leases: the client gets its address back",
          "[dhcpd]") {
  std::vector<Lease> persisted;
  {
    Harness h(Conf());
    Client a{1}, b{2};
    Exchange ack_a = h.Bind(a);
    Exchange ack_b = h.Bind(b);
    persisted.push_back(ack_a.commits.at(0));
    persisted.push_back(ack_b.commits.at(0));
  }
  Harness h(Conf());
  h.server.LoadLeases(persisted);
  Client e{5};
  REQUIRE(h.Bind(e).reply);  // takes the last free address, 150
  Client b{2};
  Exchange offer = h.Send(b.Make(DhcpMessageType::kDiscover));
  REQUIRE(offer.reply);
  CHECK(offer.reply->message.yiaddr == persisted[1].address);
  // ...and a new client does not get one of the restored addresses.
  Client c{3};
  CHECK_FALSE(h.Send(c.Make(DhcpMessageType::kDiscover)).reply);
}

TEST_CASE("ClearLeases leaves the policy as a new one", "[dhcpd]") {
  Harness used(Conf());
  used.server.set_shared_store(true);
  Client a{1}, b{2};
  REQUIRE(used.Bind(a).reply);
  REQUIRE(used.Bind(b).reply);
  // The store refused an address: it is held, and the scan moved on.
  Lease refused;
  refused.address = Ip(150);
  used.server.Refused({refused}, used.now);
  REQUIRE(used.server.leases().size() == 3);

  used.server.ClearLeases();
  CHECK(used.server.leases().size() == 0);

  Harness fresh(Conf());
  fresh.server.set_shared_store(true);
  // Clients the used policy saw and one it did not get what a new policy
  // gives them, in the same order; so do the restored leases.
  for (std::uint8_t id : {3, 1, 2}) {
    Client c{id};
    Exchange x = used.Send(c.Make(DhcpMessageType::kDiscover));
    Exchange y = fresh.Send(c.Make(DhcpMessageType::kDiscover));
    REQUIRE(x.reply.has_value() == y.reply.has_value());
    if (x.reply) CHECK(x.reply->bytes == y.reply->bytes);
  }
}

TEST_CASE("Fixed-address hosts and INFORM and BOOTP", "[dhcpd]") {
  Harness h(Conf());
  Client fixed{0x99};
  Exchange ack = h.Bind(fixed);
  DhcpMessage a = Reparse(ack);
  CHECK(a.yiaddr == Ip(50));
  CHECK(a.file == "fixed.0");  // host beats the subnet's if/else
  CHECK(ack.commits.empty());  // fixed addresses are not recorded (as ISC)

  Client informer{0x30};
  DhcpMessage inform = informer.Make(DhcpMessageType::kInform);
  inform.ciaddr = Ip(77);
  Exchange informed = h.Send(inform, 67, Ip(77));
  DhcpMessage i = Reparse(informed);
  CHECK(i.Type() == DhcpMessageType::kAck);
  CHECK(i.yiaddr == Ipv4Addr::Any());
  CHECK_FALSE(i.options.Has(opt::kLeaseTime));
  CHECK_FALSE(i.options.Has(opt::kRenewalTime));
  CHECK(informed.reply->destination.address == Ip(77));

  Client bootp{0x31};
  DhcpMessage request = bootp.Make(DhcpMessageType::kDiscover);
  request.options = DhcpOptions();  // no option 53: BOOTP
  Exchange reply = h.Send(request);
  DhcpMessage r = Reparse(reply);
  CHECK(r.yiaddr == Ip(150));  // only the dynamic-bootp range
  CHECK_FALSE(r.options.Has(opt::kMessageType));
  CHECK_FALSE(r.options.Has(opt::kLeaseTime));
  REQUIRE(reply.commits.size() == 1);
  CHECK(reply.commits[0].bootp);
  CHECK(reply.commits[0].ends == kNever);
}

TEST_CASE("Relayed requests pick the subnet by giaddr", "[dhcpd]") {
  Harness h(Conf());
  Client c{0x40};
  DhcpMessage d = c.Make(DhcpMessageType::kDiscover);
  d.giaddr = Ip(10, 9, 0, 1);
  d.hops = 1;
  Exchange offer = h.Send(d);
  REQUIRE(offer.reply);
  CHECK(offer.reply->message.yiaddr == Ip(10, 9, 0, 10));
  CHECK(offer.reply->destination.address == Ip(10, 9, 0, 1));
  CHECK(offer.reply->destination.port == 67);
  d.giaddr = Ip(172, 16, 0, 1);
  Exchange nowhere = h.Send(d);
  CHECK_FALSE(nowhere.reply);
  CHECK(nowhere.log.find("no subnet") != std::string::npos);
}

TEST_CASE("proxyDHCP: BIOS boots from the offer and UEFI from port 4011",
          "[dhcpd]") {
  DhcpPolicySettings settings;
  settings.proxy = true;
  settings.boot.bios = "undionly.kpxe";
  settings.boot.x64_efi = "ipxe.efi";
  Harness h(DhcpdConf{}, settings);
  Client bios{0x50};
  bios.arch = 0;
  bios.vendor = "PXEClient:Arch:00000:UNDI:002001";
  Exchange offer = h.Send(bios.Make(DhcpMessageType::kDiscover));
  DhcpMessage o = Reparse(offer);
  CHECK(o.Type() == DhcpMessageType::kOffer);
  CHECK(o.yiaddr == Ipv4Addr::Any());
  CHECK_FALSE(o.options.Has(opt::kLeaseTime));
  CHECK(o.GetText(opt::kVendorClass) == "PXEClient");
  CHECK(o.options.Has(opt::kVendorEncapsulated));
  CHECK(o.file == "undionly.kpxe");
  CHECK(o.siaddr == Ip(1));
  CHECK(offer.reply->destination.broadcast);

  Client uefi{0x51};
  uefi.arch = 7;
  uefi.vendor = "PXEClient:Arch:00007:UNDI:003016";
  Exchange uefi_offer = h.Send(uefi.Make(DhcpMessageType::kDiscover));
  DhcpMessage u = Reparse(uefi_offer);
  CHECK_FALSE(u.options.Has(opt::kVendorEncapsulated));
  CHECK(u.file.empty());
  CHECK(u.GetText(opt::kVendorClass) == "PXEClient");

  DhcpMessage binl = uefi.Make(DhcpMessageType::kRequest);
  binl.ciaddr = Ip(120);
  Exchange ack = h.Send(binl, 4011, Ip(120));
  DhcpMessage a = Reparse(ack);
  CHECK(a.Type() == DhcpMessageType::kAck);
  CHECK(a.file == "ipxe.efi");
  CHECK(ack.reply->destination.address == Ip(120));
  CHECK(ack.reply->destination.port == 68);

  Client plain{0x52};
  CHECK_FALSE(h.Send(plain.Make(DhcpMessageType::kDiscover)).reply);
  CHECK(h.server.leases().size() == 0);
}

TEST_CASE("Malformed packets are logged and never answered", "[dhcpd]") {
  Harness h(Conf());
  std::vector<std::uint8_t> junk(50, 0xff);
  Inbound in;
  in.bytes = junk;
  in.local = h.local;
  in.interface = "test0";
  Exchange out = h.server.Handle(in, h.now);
  CHECK_FALSE(out.reply);
  CHECK(out.log.find("malformed") != std::string::npos);
  CHECK(out.noise);  // rate-limited in the log
}

TEST_CASE("Only datagrams that are no exchange count as noise", "[dhcpd]") {
  Harness h(Conf());
  // A DISCOVER with neither chaddr nor a client identifier.
  Client nobody{0x00};
  DhcpMessage m = nobody.Make(DhcpMessageType::kDiscover);
  m.chaddr.fill(0);
  Exchange out = h.Send(m);
  CHECK_FALSE(out.reply);
  CHECK(out.log.find("no client hardware address or identifier") !=
        std::string::npos);
  CHECK(out.noise);
  // An ordinary DISCOVER is logged as an exchange, whatever the rate.
  Client plain{0x21};
  Exchange offer = h.Send(plain.Make(DhcpMessageType::kDiscover));
  CHECK(offer.reply);
  CHECK_FALSE(offer.noise);
}

}  // namespace pxekit
