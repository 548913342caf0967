// Several pxe-dhcpd on one lease store (issue 14), the pure parts: where
// each server scans the pool, what a refused commit and a read of the
// store teach the policy, and what it answers while the store is away.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "dhcp/dhcp_options.h"
#include "dhcpd/policy.h"
#include "unit/dhcpconf/must_parse.h"
#include "unit/dhcpd/policy_input.h"
#include "unit/util/addresses.h"

namespace pxekit {
namespace {

namespace opt = dhcp_option;

using test::Ip;

// 400 addresses, as in tests/netns/pxe-dhcpd_pg_store_load.sh.
constexpr const char* kConf = R"(
authoritative;
default-lease-time 600;
subnet 198.18.0.0 netmask 255.255.0.0 {
  range 198.18.1.1 198.18.2.144;
}
host fixed { hardware ethernet 02:00:00:00:00:99; fixed-address 198.18.0.50; }
)";

DhcpMessage Make(std::uint16_t client, DhcpMessageType type) {
  return test::ClientMessage(client, 0x2000u + client, type);
}

// One server: its own address is its server identifier.
struct Server {
  DhcpPolicy policy{MustParseConf(kConf), {}};
  Ipv4Prefix local;
  UnixTime now = 1'800'000'000;
  std::vector<std::uint8_t> bytes;

  explicit Server(Ipv4Addr address) : local(address, 16) {
    policy.set_shared_store(true);
  }

  Exchange Send(const DhcpMessage& m, Ipv4Addr source = Ipv4Addr::Any()) {
    return policy.Handle(test::EncodedInbound(m, bytes, local, source), now);
  }

  std::optional<Ipv4Addr> Offer(std::uint16_t client) {
    Exchange offer = Send(Make(client, DhcpMessageType::kDiscover));
    if (!offer.reply) return std::nullopt;
    return offer.reply->message.yiaddr;
  }

  // REQUEST (SELECTING) of `address`; the reply's type, or 0 for none.
  Exchange Request(std::uint16_t client, Ipv4Addr address) {
    DhcpMessage request = Make(client, DhcpMessageType::kRequest);
    request.options.SetIp(opt::kRequestedAddress, address);
    request.options.SetIp(opt::kServerIdentifier, local.address());
    return Send(request);
  }
};

DhcpMessageType TypeOf(const Exchange& exchange) {
  REQUIRE(exchange.reply);
  return exchange.reply->message.Type();
}

}  // namespace

TEST_CASE("One server scans from the start of its range", "[dhcpd][store]") {
  CHECK(AddressAllocator::ScanStart(0, 42, 400, 0) == 0);
  Server plain(Ip(198, 18, 0, 1));
  plain.policy.set_shared_store(false);
  CHECK(plain.Offer(1) == Ip(198, 18, 1, 1));
  CHECK(plain.Offer(2) == Ip(198, 18, 1, 2));
}

TEST_CASE("Servers sharing a store start their scans far apart",
          "[dhcpd][store]") {
  Server a(Ip(198, 18, 0, 1)), b(Ip(198, 18, 0, 2));
  std::set<std::uint32_t> from_a, from_b;
  for (std::uint16_t i = 1; i <= 100; ++i) {
    auto x = a.Offer(i);
    auto y = b.Offer(static_cast<std::uint16_t>(1000 + i));
    REQUIRE(x);
    REQUIRE(y);
    from_a.insert(x->value());
    from_b.insert(y->value());
  }
  // A hundred offers each, not one address offered by both.
  std::vector<std::uint32_t> both;
  std::set_intersection(from_a.begin(), from_a.end(), from_b.begin(),
                        from_b.end(), std::back_inserter(both));
  CHECK(both.empty());
  CHECK(from_a.size() == 100);
  CHECK(from_b.size() == 100);
}

// The store's rule, in memory: an address goes to the first client that
// commits it; other servers' commits of it are refused.
struct SharedStore {
  std::map<std::uint32_t, Lease> rows;

  // Commits what one exchange wants; returns the refused leases.
  std::vector<Lease> Commit(const std::vector<Lease>& leases, UnixTime now) {
    std::vector<Lease> refused;
    for (const Lease& lease : leases) {
      auto it = rows.find(lease.address.value());
      if (it != rows.end() && it->second.Holds(now) &&
          !SameClient(it->second, ClientKey{lease.mac, lease.uid}))
        refused.push_back(lease);
      else
        rows[lease.address.value()] = lease;
    }
    return refused;
  }
  std::vector<Lease> Held(UnixTime now) const {
    std::vector<Lease> held;
    for (const auto& [address, lease] : rows)
      if (lease.Holds(now)) held.push_back(lease);
    return held;
  }
};

TEST_CASE("Two servers on one store both get a fair share of the pool",
          "[dhcpd][store]") {
  // The daemon's loop for each exchange: OFFER, REQUEST, commit; on a
  // refusal no ACK, the policy learns it and rereads the store. 1200
  // clients, 400 addresses, each server gets every other client.
  Server a(Ip(198, 18, 0, 1)), b(Ip(198, 18, 0, 2));
  SharedStore store;
  std::map<std::uint32_t, std::uint16_t> acked;  // address -> client
  int acks[2] = {0, 0}, lost = 0;
  for (std::uint16_t client = 1; client <= 1200; ++client) {
    Server& s = client % 2 != 0 ? a : b;
    auto offered = s.Offer(client);
    if (!offered) continue;  // the pool is full
    Exchange ack = s.Request(client, *offered);
    if (!ack.reply || ack.reply->message.Type() != DhcpMessageType::kAck ||
        ack.commits.empty())
      continue;  // no address left, or the fixed-address host
    auto refused = store.Commit(ack.commits, s.now);
    if (!refused.empty()) {
      ++lost;
      s.policy.Refused(refused, s.now);
      s.policy.LearnStored(store.Held(s.now), s.now);
      continue;
    }
    CHECK(acked.emplace(offered->value(), client).second);
    ++acks[&s == &a ? 0 : 1];
  }
  INFO("server 1 " << acks[0] << ", server 2 " << acks[1] << ", lost " << lost);
  CHECK(acks[0] + acks[1] == 400);  // the whole pool, no address twice
  CHECK(acks[0] >= 160);
  CHECK(acks[1] >= 160);
  CHECK(lost <= 20);
}

TEST_CASE("A seeded scan wraps and hands out every address once",
          "[dhcpd][store]") {
  DhcpdConf conf = MustParseConf(R"(
subnet 10.0.0.0 netmask 255.255.255.0 { range 10.0.0.10 10.0.0.29; }
)");
  Server s(Ip(10, 0, 0, 1));
  s.policy.Reconfigure(std::move(conf), {});
  s.local = Ipv4Prefix(Ip(10, 0, 0, 1), 24);
  std::set<std::uint32_t> seen;
  for (std::uint16_t i = 1; i <= 20; ++i) {
    auto address = s.Offer(i);
    REQUIRE(address);
    CHECK(seen.insert(address->value()).second);
    if (i == 7) s.policy.Refused({}, s.now);  // nothing refused: no move
  }
  CHECK(seen.size() == 20);
  CHECK(*seen.begin() == Ip(10, 0, 0, 10).value());
  CHECK(*seen.rbegin() == Ip(10, 0, 0, 29).value());
  CHECK_FALSE(s.Offer(21));
}

TEST_CASE("A refused address is skipped and the scan moves elsewhere",
          "[dhcpd][store]") {
  Server s(Ip(198, 18, 0, 1));
  auto first = s.Offer(1);
  REQUIRE(first);
  Exchange ack = s.Request(1, *first);
  REQUIRE(TypeOf(ack) == DhcpMessageType::kAck);
  // The store gave the address to another server's client.
  s.policy.Refused(ack.commits, s.now);
  const Lease* taken = s.policy.leases().Find(*first);
  REQUIRE(taken != nullptr);
  CHECK(taken->Holds(s.now));
  // The same client asks again: another address, and not the next one in
  // line (the other server is allocating there).
  auto again = s.Offer(1);
  REQUIRE(again);
  CHECK(*again != *first);
  CHECK(*again != Ipv4Addr(first->value() + 1));
  // Another client does not get it either.
  auto other = s.Offer(2);
  REQUIRE(other);
  CHECK(*other != *first);
}

TEST_CASE("Leases read from the store are skipped - offers and renewals kept",
          "[dhcpd][store]") {
  Server s(Ip(198, 18, 0, 1));
  // Where this server would offer next: the other server holds it, and
  // the ten addresses after it.
  auto next = s.Offer(1);
  REQUIRE(next);
  std::vector<Lease> stored;
  for (std::uint32_t i = 1; i <= 10; ++i) {
    Lease lease;
    lease.address = Ipv4Addr(next->value() + i);
    lease.state = LeaseState::kActive;
    lease.starts = lease.cltt = s.now - 10;
    lease.ends = s.now + 590;
    lease.mac =
        MacAddr(MacAddr::Bytes{2, 0x77, 0, 0, 0, static_cast<std::uint8_t>(i)});
    stored.push_back(lease);
  }
  CHECK(s.policy.LearnStored(stored, s.now) == 10);
  CHECK(s.policy.LearnStored(stored, s.now) == 0);  // nothing new
  auto second = s.Offer(2);
  REQUIRE(second);
  CHECK(second->value() == next->value() + 11);

  // Our outstanding offer to client 1 stays when the store shows a lease
  // of the same client there, and goes when it shows another client's.
  Lease same = stored[0];
  same.address = *next;
  same.mac = MacAddr(MacAddr::Bytes{2, 0, 0, 0, 0, 1});
  CHECK(s.policy.LearnStored({same}, s.now) == 0);
  CHECK(s.policy.leases().Find(*next)->state == LeaseState::kOffered);
  Lease theirs = stored[0];
  theirs.address = *next;
  CHECK(s.policy.LearnStored({theirs}, s.now) == 1);
  Exchange nak = s.Request(1, *next);
  CHECK(TypeOf(nak) == DhcpMessageType::kNak);

  // A renewal not yet committed is newer than the stored lease.
  auto third = s.Offer(3);
  REQUIRE(third);
  Exchange ack = s.Request(3, *third);
  REQUIRE(TypeOf(ack) == DhcpMessageType::kAck);
  Lease older = ack.commits.at(0);
  older.cltt -= 100;
  older.ends -= 100;
  CHECK(s.policy.LearnStored({older}, s.now) == 0);
  CHECK(s.policy.leases().Find(*third)->ends == ack.commits[0].ends);
  // A placeholder from a refusal yields to what the store says.
  s.policy.Refused({ack.commits[0]}, s.now);
  Lease winner = stored[0];
  winner.address = *third;
  CHECK(s.policy.LearnStored({winner}, s.now) == 1);
  CHECK(s.policy.leases().Find(*third)->mac == winner.mac);
}

TEST_CASE("Store away - no OFFER or ACK that needs a commit and no NAK",
          "[dhcpd][store]") {
  Server s(Ip(198, 18, 0, 1));
  auto address = s.Offer(1);
  REQUIRE(address);
  REQUIRE(TypeOf(s.Request(1, *address)) == DhcpMessageType::kAck);
  s.policy.set_store_available(false);
  // A new client: silence, and no address held for it.
  Exchange discover = s.Send(Make(2, DhcpMessageType::kDiscover));
  CHECK_FALSE(discover.reply);
  CHECK(discover.log.find("lease store is unavailable") != std::string::npos);
  CHECK(discover.commits.empty());
  // A renewal: silence, not a NAK; the client keeps its lease.
  s.now += 300;
  DhcpMessage renew = Make(1, DhcpMessageType::kRequest);
  renew.ciaddr = *address;
  Exchange renewed = s.Send(renew, *address);
  CHECK_FALSE(renewed.reply);
  CHECK(renewed.commits.empty());
  CHECK(renewed.log.find("RENEWING") != std::string::npos);
  CHECK(renewed.log.find("lease store is unavailable") != std::string::npos);
  // A fixed-address host needs no commit: answered.
  Exchange fixed = s.Send(Make(0x99, DhcpMessageType::kDiscover));
  REQUIRE(fixed.reply);
  CHECK(fixed.reply->message.yiaddr == Ip(198, 18, 0, 50));
  // Back: the renewal is ACKed, the address kept.
  s.policy.set_store_available(true);
  Exchange back = s.Send(renew, *address);
  REQUIRE(TypeOf(back) == DhcpMessageType::kAck);
  CHECK(back.reply->message.yiaddr == *address);
  REQUIRE(back.commits.size() == 1);
}

}  // namespace pxekit
