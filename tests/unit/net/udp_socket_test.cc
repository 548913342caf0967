// Loopback only: these datagrams never leave the machine.
#include "net/udp_socket.h"

#include <fcntl.h>

#include <catch2/catch.hpp>

#include "net/packet_socket.h"
#include "wol/magic_packet.h"

namespace pxekit {

TEST_CASE("UDP sockets are close-on-exec", "[net]") {
  UniqueFd fd = OpenUdp4Socket();
  CHECK((::fcntl(fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
}

TEST_CASE("A magic packet crosses loopback intact", "[net]") {
  const Ipv4Addr loopback = Ipv4Addr::FromOctets(127, 0, 0, 1);
  UniqueFd receiver = OpenUdp4Socket();
  EnablePacketInfo(receiver);
  BindAddress(receiver, loopback, 0);
  std::uint16_t port = LocalPort(receiver);

  UniqueFd sender = OpenUdp4Socket();
  EnableBroadcast(sender);
  auto packet =
      BuildMagicPacket(*MacAddr::Parse("02:00:00:00:00:01"), {{9, 8, 7, 6}});
  REQUIRE(SendDatagram(sender, packet, loopback, port) == 0);

  auto received = ReceiveDatagram(receiver, 2000);
  REQUIRE(received.has_value());
  CHECK(received->payload == packet);
  CHECK(received->source == loopback);
  CHECK(received->destination == loopback);
  CHECK_FALSE(ReceiveDatagram(receiver, 0).has_value());
}

TEST_CASE("Send errors come back as errno - not exceptions", "[net]") {
  UniqueFd sender = OpenUdp4Socket();  // no SO_BROADCAST
  auto packet = BuildMagicPacket(*MacAddr::Parse("02:00:00:00:00:01"));
  CHECK(SendDatagram(sender, packet, Ipv4Addr::FromOctets(127, 255, 255, 255),
                     9) == EACCES);
}

TEST_CASE("SO_BINDTODEVICE on lo still reaches 127.0.0.1", "[net]") {
  const Ipv4Addr loopback = Ipv4Addr::FromOctets(127, 0, 0, 1);
  UniqueFd receiver = OpenUdp4Socket();
  BindAddress(receiver, loopback, 0);
  UniqueFd sender = OpenUdp4Socket();
  BindToDevice(sender, "lo");
  const std::uint8_t payload[3] = {1, 2, 3};
  REQUIRE(SendDatagram(sender, payload, loopback, LocalPort(receiver)) == 0);
  auto received = ReceiveDatagram(receiver, 2000);
  REQUIRE(received.has_value());
  CHECK(received->payload.size() == 3);
}

TEST_CASE("Binding to a missing device throws ENODEV", "[net]") {
  UniqueFd fd = OpenUdp4Socket();
  try {
    BindToDevice(fd, "pxk-nosuchif");
    FAIL("expected an exception");
  } catch (const std::system_error& e) {
    CHECK(e.code().value() == ENODEV);
  }
}

}  // namespace pxekit
