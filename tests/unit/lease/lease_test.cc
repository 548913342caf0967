#include <catch2/catch.hpp>

#include "lease/lease_db.h"
#include "lease/lease_file.h"
#include "lease/lease_store.h"
#include "support/memory_lease_store.h"
#include "unit/util/addresses.h"

namespace pxekit {
namespace {

using test::Ip;

ClientKey Client(int n) {
  ClientKey key;
  key.mac =
      MacAddr(MacAddr::Bytes{0x02, 0, 0, 0, 0, static_cast<std::uint8_t>(n)});
  return key;
}

Lease Active(Ipv4Addr address, const ClientKey& client, UnixTime now,
             UnixTime length) {
  Lease lease;
  lease.address = address;
  lease.state = LeaseState::kActive;
  lease.starts = now;
  lease.ends = now + length;
  lease.cltt = now;
  lease.mac = client.mac;
  lease.uid = client.uid;
  return lease;
}

}  // namespace

TEST_CASE("Lease blocks round-trip through the ISC format", "[lease]") {
  Lease lease = Active(Ip(100), Client(0x22), 1795585738, 600);
  lease.uid = {1, 2, 0, 0, 0, 0, '"', '\\', 0xff};
  lease.hostname = "pc \"one\"";
  std::string text = FormatLease(lease);
  CHECK(text.find("starts 3 2026/11/25 05:48:58;") != std::string::npos);
  CHECK(text.find("binding state active;") != std::string::npos);
  CHECK(text.find("hardware ethernet 02:00:00:00:00:22;") != std::string::npos);
  auto contents = ParseLeaseFile(FormatLeaseFileHeader("test") + text);
  REQUIRE(contents.leases.size() == 1);
  CHECK(contents.warnings.empty());
  CHECK(contents.leases[0] == lease);

  Lease bootp = Active(Ip(101), Client(1), 1000, 0);
  bootp.ends = kNever;
  bootp.bootp = true;
  auto again = ParseLeaseFile(FormatLease(bootp));
  REQUIRE(again.leases.size() == 1);
  CHECK(again.leases[0] == bootp);
}

TEST_CASE("The last block for an address wins - ISC's own file reads",
          "[lease]") {
  // As ISC dhcpd 4.4 writes it (dhcpd.leases(5)), plus a later release.
  const char* text =
      R"(# The format of this file is documented in the dhcpd.leases(5) manual page.
# This lease file was written by isc-dhcp-4.4.3-P1

# authoring-byte-order entry is generated, DO NOT DELETE
authoring-byte-order little-endian;

server-duid "\000\001\000\001+\331\346\326RT\000\022\0224";

lease 198.18.0.100 {
  starts 3 2026/11/25 05:48:58;
  ends 3 2026/11/25 05:58:58;
  cltt 3 2026/11/25 05:48:58;
  binding state active;
  next binding state free;
  rewind binding state free;
  hardware ethernet 02:00:00:00:00:22;
  uid "\001\002\000\000\000\000\"";
  set vendor-class-identifier = "PXEClient:Arch:00007:UNDI:003016";
  client-hostname "pc1";
}
lease 198.18.0.100 {
  starts 3 2026/11/25 05:50:00;
  ends 3 2026/11/25 05:50:00;
  tstp 3 2026/11/25 05:50:00;
  cltt 3 2026/11/25 05:50:00;
  binding state released;
  next binding state free;
  hardware ethernet 02:00:00:00:00:22;
  uid 01:02:00:00:00:00:22;
}
)";
  auto contents = ParseLeaseFile(text);
  INFO(contents.warnings.size());
  CHECK(contents.warnings.empty());
  CHECK(contents.blocks == 2);
  REQUIRE(contents.leases.size() == 1);
  CHECK(contents.leases[0].state == LeaseState::kReleased);
  CHECK(contents.leases[0].uid ==
        std::vector<std::uint8_t>{1, 2, 0, 0, 0, 0, '"'});
}

TEST_CASE("A torn last block is kept - junk is skipped with a warning",
          "[lease]") {
  std::string whole = FormatLease(Active(Ip(100), Client(1), 1000, 600)) +
                      FormatLease(Active(Ip(101), Client(2), 1000, 600));
  std::string torn = whole.substr(0, whole.size() - 2);  // no "}\n"
  auto contents = ParseLeaseFile(torn);
  REQUIRE(contents.leases.size() == 2);
  CHECK(contents.leases[1].address == Ip(101));
  CHECK(contents.leases[1].mac == Client(2).mac);
  CHECK(contents.warnings.size() == 1);

  auto junk = ParseLeaseFile("garbage here;\n" + whole + "lease nonsense {\n");
  CHECK(junk.leases.size() == 2);
  CHECK(junk.warnings.size() >= 2);
}

TEST_CASE(
    "Allocation: returning clients and requested address and pool exhaustion",
    "[lease]") {
  LeaseDb db;
  AddressAllocator allocator;
  std::vector<Ipv4Range> ranges{*Ipv4Range::Make(Ip(10), Ip(12))};
  std::unordered_set<std::uint32_t> reserved{Ip(11).value()};
  UnixTime now = 1000;
  auto pick = [&](int client, std::optional<Ipv4Addr> requested = {}) {
    AddressAllocator::Request request;
    request.client = Client(client);
    request.requested = requested;
    request.ranges = &ranges;
    request.reserved = &reserved;
    request.now = now;
    return allocator.Pick(db, request);
  };
  CHECK(pick(1) == Ip(10));
  db.Put(Active(Ip(10), Client(1), now, 600));
  CHECK(pick(1) == Ip(10));          // its own again
  CHECK(pick(2) == Ip(12));          // 11 is a fixed address
  CHECK(pick(2, Ip(10)) == Ip(12));  // 10 is taken
  db.Put(Active(Ip(12), Client(2), now, 600));
  CHECK_FALSE(pick(3).has_value());  // pool exhausted
  now += 601;                        // both leases expire
  CHECK(pick(3, Ip(12)) == Ip(12));  // requested and free
  CHECK(pick(1) == Ip(10));          // previous binding comes back
  CHECK(db.ExpireDue(now) == 2);
  CHECK(db.Find(Ip(10))->state == LeaseState::kExpired);
}

TEST_CASE("DECLINE quarantines an address until the quarantine ends",
          "[lease]") {
  LeaseDb db;
  AddressAllocator allocator;
  std::vector<Ipv4Range> ranges{*Ipv4Range::Make(Ip(10), Ip(10))};
  UnixTime now = 5000;
  Lease declined = Active(Ip(10), Client(1), now, 0);
  declined.state = LeaseState::kAbandoned;
  declined.ends = now + 3600;
  db.Put(declined);
  AddressAllocator::Request request;
  request.client = Client(1);
  request.ranges = &ranges;
  request.now = now;
  CHECK_FALSE(allocator.Pick(db, request).has_value());
  request.client = Client(2);
  CHECK_FALSE(allocator.Pick(db, request).has_value());
  request.now = now + 3600;
  CHECK(allocator.Pick(db, request) == Ip(10));
}

TEST_CASE("A restart restores leases from the file", "[lease]") {
  MemoryLeaseStore store;
  LeaseDb before;
  Lease a = Active(Ip(10), Client(1), 1000, 600);
  Lease b = Active(Ip(11), Client(2), 1000, 600);
  for (const Lease& lease : {a, b}) {
    before.Put(lease);
    store.Record(lease);
  }
  std::string error;
  REQUIRE(store.Sync(&error));
  std::string file;
  for (const Lease& lease : store.synced()) file += FormatLease(lease);
  LeaseDb after;
  for (const Lease& lease : ParseLeaseFile(file).leases) after.Put(lease);
  REQUIRE(after.FindByClient(Client(2)) != nullptr);
  CHECK(after.FindByClient(Client(2))->address == Ip(11));
  CHECK(after.All() == before.All());
}

}  // namespace pxekit
