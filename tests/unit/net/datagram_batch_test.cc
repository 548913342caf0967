// Loopback only: these datagrams never leave the machine.
#include "net/datagram_batch.h"

#include <catch2/catch.hpp>

#include "net/socket_io.h"
#include "net/udp_socket.h"

namespace pxekit {

TEST_CASE("Datagrams go and come in batches over loopback", "[net]") {
  const Ipv4Addr loopback = Ipv4Addr::FromOctets(127, 0, 0, 1);
  UniqueFd receiver = OpenUdp4Socket();
  CHECK(SetReceiveBuffer(receiver, 1 << 20) == 0);
  BindAddress(receiver, loopback, 0);
  std::uint16_t port = LocalPort(receiver);
  UniqueFd sender = OpenUdp4Socket();
  BindAddress(sender, loopback, 0);
  std::uint16_t sender_port = LocalPort(sender);

  DatagramBatch batch(4, 16);
  CHECK(batch.Receive(receiver) == 0);

  std::vector<std::vector<std::uint8_t>> payloads{
      {1}, {2, 2}, {3, 3, 3}, std::vector<std::uint8_t>(40, 4), {5}};
  std::vector<OutgoingDatagram> out;
  for (const auto& p : payloads) out.push_back({p, loopback, port});
  out.push_back(
      {payloads[0], Ipv4Addr::FromOctets(127, 0, 0, 1), 0});  // port 0
  auto errors = SendDatagrams(sender, out);
  REQUIRE(errors.size() == 6);
  for (int i = 0; i < 5; ++i) CHECK(errors[i] == 0);
  CHECK(errors[5] != 0);  // one failure does not stop the others

  REQUIRE(WaitReadable(receiver, 2000));
  std::size_t got = batch.Receive(receiver);
  REQUIRE(got == 4);  // the batch holds four
  CHECK(batch.payload(0).size() == 1);
  CHECK(batch.payload(2).size() == 3);
  CHECK(batch.payload(3).size() == 16);  // cut to the buffer size
  CHECK(batch.payload(3)[15] == 4);
  CHECK(batch.source(1) == loopback);
  CHECK(batch.source_port(1) == sender_port);
  REQUIRE(batch.Receive(receiver) == 1);
  CHECK(batch.payload(0)[0] == 5);
  CHECK(batch.Receive(receiver) == 0);
}

}  // namespace pxekit

namespace pxekit {

namespace {

// Two loopback sockets, the sender connected to the receiver (as a
// transfer socket is to its client).
struct ConnectedPair {
  const Ipv4Addr loopback = Ipv4Addr::FromOctets(127, 0, 0, 1);
  UniqueFd receiver = OpenUdp4Socket();
  UniqueFd sender = OpenUdp4Socket();
  ConnectedPair() {
    BindAddress(receiver, loopback, 0);
    BindAddress(sender, loopback, 0);
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_addr.s_addr = loopback.NetworkOrder();
    peer.sin_port = htons(LocalPort(receiver));
    REQUIRE(::connect(sender.get(), reinterpret_cast<sockaddr*>(&peer),
                      sizeof peer) == 0);
  }
};

}  // namespace

TEST_CASE("SendConnected sends a window in order and stops when full",
          "[net]") {
  ConnectedPair pair;
  const UniqueFd& receiver = pair.receiver;
  const UniqueFd& sender = pair.sender;

  std::vector<std::vector<std::uint8_t>> payloads{{1}, {2, 2}, {3, 3, 3}};
  std::vector<std::span<const std::uint8_t>> window(payloads.begin(),
                                                    payloads.end());
  CHECK(SendConnected(sender, window) == 3);
  CHECK(SendConnected(sender, {}) == 0);
  DatagramBatch batch(4, 16);
  REQUIRE(WaitReadable(receiver, 2000));
  REQUIRE(batch.Receive(receiver) == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(batch.payload(i).size() == i + 1);
    CHECK(batch.payload(i)[0] == i + 1);
  }

  // A datagram too large for UDP cannot go: the window stops there, and
  // what came before it went.
  std::vector<std::uint8_t> huge(70000, 9);
  std::vector<std::span<const std::uint8_t>> stuck{payloads[0], huge,
                                                   payloads[1]};
  CHECK(SendConnected(sender, stuck) == 1);
  REQUIRE(WaitReadable(receiver, 2000));
  REQUIRE(batch.Receive(receiver) == 1);
  CHECK(batch.payload(0)[0] == 1);
}

}  // namespace pxekit

namespace pxekit {

TEST_CASE("A batch receives at most what it is asked for and a packet alone",
          "[net]") {
  ConnectedPair pair;
  const UniqueFd& receiver = pair.receiver;
  const UniqueFd& sender = pair.sender;
  const Ipv4Addr loopback = pair.loopback;
  std::uint16_t sender_port = LocalPort(sender);

  std::vector<std::vector<std::uint8_t>> payloads{{1}, {2, 2}, {3, 3, 3}};
  // One packet at a time (send, not sendmmsg), three times.
  for (const auto& payload : payloads) {
    std::span<const std::uint8_t> one[] = {payload};
    CHECK(SendConnected(sender, one) == 1);
  }
  DatagramBatch batch(4, 16);
  REQUIRE(WaitReadable(receiver, 2000));
  REQUIRE(batch.Receive(receiver, 1) == 1);
  CHECK(batch.payload(0).size() == 1);
  CHECK(batch.source(0) == loopback);
  CHECK(batch.source_port(0) == sender_port);
  CHECK(batch.Receive(receiver, 0) == 0);
  // More than the batch holds is capped at its count.
  REQUIRE(batch.Receive(receiver, 100) == 2);
  CHECK(batch.payload(1).size() == 3);
  CHECK(batch.payload(1)[2] == 3);
  CHECK(batch.Receive(receiver, 1) == 0);

  // A lone packet that cannot go is reported as not sent.
  std::vector<std::uint8_t> huge(70000, 9);
  std::span<const std::uint8_t> stuck[] = {huge};
  CHECK(SendConnected(sender, stuck) == 0);

  // More than one sendmmsg chunk (64) goes in order.
  std::vector<std::vector<std::uint8_t>> many;
  for (int i = 0; i < 70; ++i) many.push_back({static_cast<std::uint8_t>(i)});
  std::vector<std::span<const std::uint8_t>> window(many.begin(), many.end());
  CHECK(SetReceiveBuffer(receiver, 1 << 20) == 0);
  CHECK(SendConnected(sender, window) == 70);
  int seen = 0;
  while (seen < 70 && WaitReadable(receiver, 2000)) {
    std::size_t n = batch.Receive(receiver);
    for (std::size_t i = 0; i < n; ++i, ++seen)
      CHECK(batch.payload(i)[0] == seen);
  }
  CHECK(seen == 70);
}

}  // namespace pxekit
