// Loopback only: these datagrams never leave the machine.
#include <array>
#include <vector>

#include <catch2/catch.hpp>

#include "net/socket_io.h"
#include "net/udp_socket.h"

namespace pxekit {

TEST_CASE("TryReceiveDatagram drains without blocking and cuts long datagrams",
          "[net]") {
  const Ipv4Addr loopback = Ipv4Addr::FromOctets(127, 0, 0, 1);
  UniqueFd receiver = OpenUdp4Socket();
  EnableReuseAddress(receiver);
  EnablePacketInfo(receiver);
  BindAddress(receiver, loopback, 0);
  std::uint16_t port = LocalPort(receiver);
  std::array<std::uint8_t, 8> buffer{};
  ReceivedDatagram info;
  CHECK_FALSE(TryReceiveDatagram(receiver, buffer, &info).has_value());

  UniqueFd sender = OpenUdp4Socket();
  std::vector<std::uint8_t> short_one{1, 2, 3};
  std::vector<std::uint8_t> long_one(20, 0xab);
  REQUIRE(SendDatagram(sender, short_one, loopback, port) == 0);
  REQUIRE(SendDatagram(sender, long_one, loopback, port) == 0);
  REQUIRE(WaitReadable(receiver, 2000));

  auto first = TryReceiveDatagram(receiver, buffer, &info);
  REQUIRE(first.has_value());
  CHECK(*first == 3);
  CHECK(std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + 3) ==
        short_one);
  CHECK(info.source == loopback);
  CHECK(info.destination == loopback);
  auto second = TryReceiveDatagram(receiver, buffer, &info);
  REQUIRE(second.has_value());
  CHECK(*second == buffer.size());
  CHECK(buffer[7] == 0xab);
  CHECK_FALSE(TryReceiveDatagram(receiver, buffer, &info).has_value());
}

}  // namespace pxekit
