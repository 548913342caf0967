// CapAckToLeaseOnDisk: which ACKs may leave while the lease file cannot be
// written, and for how long they grant the address.
#include "dhcpd/ack_from_disk.h"

#include <catch2/catch.hpp>

#include "dhcp/dhcp_options.h"
#include "unit/util/addresses.h"

namespace pxekit {
namespace {

constexpr UnixTime kNow = 1'700'000'000;

using test::Ip;
using test::Mac;

DhcpMessage Ack(const char* mac, std::uint32_t lease_time = 600) {
  DhcpMessage ack;
  ack.op = 2;
  ack.yiaddr = Ip("198.18.0.100");
  MacAddr address = Mac(mac);
  std::copy(address.bytes().begin(), address.bytes().end(), ack.chaddr.begin());
  ack.options.SetU8(dhcp_option::kMessageType,
                    static_cast<std::uint8_t>(DhcpMessageType::kAck));
  ack.options.SetU32(dhcp_option::kLeaseTime, lease_time);
  ack.options.SetU32(dhcp_option::kRenewalTime, lease_time / 2);
  ack.options.SetU32(dhcp_option::kRebindingTime, lease_time * 7 / 8);
  return ack;
}

Lease OnDisk(const char* mac, UnixTime ends) {
  Lease lease;
  lease.address = Ip("198.18.0.100");
  lease.state = LeaseState::kActive;
  lease.starts = kNow - 100;
  lease.ends = ends;
  lease.mac = Mac(mac);
  return lease;
}

}  // namespace

TEST_CASE("CapAckToLeaseOnDisk grants the time the file promises",
          "[dhcpd][disk]") {
  DhcpMessage ack = Ack("02:00:00:00:00:a1");
  Lease lease = OnDisk("02:00:00:00:00:a1", kNow + 500);
  auto granted = CapAckToLeaseOnDisk(&lease, kNow, &ack);
  REQUIRE(granted.has_value());
  CHECK(*granted == 500);
  CHECK(ack.GetU32(dhcp_option::kLeaseTime) == 500u);
  CHECK(ack.GetU32(dhcp_option::kRenewalTime) == 250u);
  CHECK(ack.GetU32(dhcp_option::kRebindingTime) == 437u);
}

TEST_CASE("CapAckToLeaseOnDisk never grants more than the policy did",
          "[dhcpd][disk]") {
  DhcpMessage ack = Ack("02:00:00:00:00:a1", 300);
  Lease lease = OnDisk("02:00:00:00:00:a1", kNow + 5000);
  auto granted = CapAckToLeaseOnDisk(&lease, kNow, &ack);
  REQUIRE(granted.has_value());
  CHECK(*granted == 300);
  CHECK(ack.GetU32(dhcp_option::kLeaseTime) == 300u);
}

TEST_CASE("CapAckToLeaseOnDisk holds back an ACK the file does not cover",
          "[dhcpd][disk]") {
  DhcpMessage ack = Ack("02:00:00:00:00:a1");
  const DhcpMessage before = ack;
  SECTION("a new lease: nothing on disk") {
    CHECK_FALSE(CapAckToLeaseOnDisk(nullptr, kNow, &ack));
  }
  SECTION("another client's lease") {
    Lease lease = OnDisk("02:00:00:00:00:b2", kNow + 500);
    CHECK_FALSE(CapAckToLeaseOnDisk(&lease, kNow, &ack));
  }
  SECTION("a lease that ended") {
    Lease lease = OnDisk("02:00:00:00:00:a1", kNow);
    CHECK_FALSE(CapAckToLeaseOnDisk(&lease, kNow, &ack));
  }
  SECTION("a released lease") {
    Lease lease = OnDisk("02:00:00:00:00:a1", kNow + 500);
    lease.state = LeaseState::kReleased;
    CHECK_FALSE(CapAckToLeaseOnDisk(&lease, kNow, &ack));
  }
  SECTION("a BOOTP lease") {
    Lease lease = OnDisk("02:00:00:00:00:a1", kNow + 500);
    lease.bootp = true;
    CHECK_FALSE(CapAckToLeaseOnDisk(&lease, kNow, &ack));
  }
  SECTION("another address") {
    Lease lease = OnDisk("02:00:00:00:00:a1", kNow + 500);
    lease.address = Ip("198.18.0.101");
    CHECK_FALSE(CapAckToLeaseOnDisk(&lease, kNow, &ack));
  }
  SECTION("not an ACK") {
    Lease lease = OnDisk("02:00:00:00:00:a1", kNow + 500);
    ack.options.SetU8(dhcp_option::kMessageType,
                      static_cast<std::uint8_t>(DhcpMessageType::kOffer));
    CHECK_FALSE(CapAckToLeaseOnDisk(&lease, kNow, &ack));
    ack.options.SetU8(dhcp_option::kMessageType,
                      static_cast<std::uint8_t>(DhcpMessageType::kAck));
  }
  CHECK(ack.GetU32(dhcp_option::kLeaseTime) ==
        before.GetU32(dhcp_option::kLeaseTime));
}

TEST_CASE("CapAckToLeaseOnDisk knows the client by its identifier",
          "[dhcpd][disk]") {
  // The same client identifier behind another NIC: the same client.
  DhcpMessage ack = Ack("02:00:00:00:00:c3");
  ack.options.Set(dhcp_option::kClientIdentifier,
                  std::vector<std::uint8_t>{1, 2, 3});
  Lease lease = OnDisk("02:00:00:00:00:a1", kNow + 500);
  lease.uid = {1, 2, 3};
  CHECK(CapAckToLeaseOnDisk(&lease, kNow, &ack) == 500u);
  lease.uid = {1, 2, 4};
  DhcpMessage other = Ack("02:00:00:00:00:c3");
  other.options.Set(dhcp_option::kClientIdentifier,
                    std::vector<std::uint8_t>{1, 2, 3});
  CHECK_FALSE(CapAckToLeaseOnDisk(&lease, kNow, &other));
}

}  // namespace pxekit
