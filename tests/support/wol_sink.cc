// wol_sink: the far end of the wakeonlan wire tests. Receives magic packets
// as UDP datagrams or as raw 0x0842 frames and prints one line each:
//   udp SOURCE_IP DESTINATION_IP PAYLOAD_HEX
//   eth SOURCE_MAC PACKET_TYPE PAYLOAD_HEX     (host, broadcast, otherhost)
// It stops after --count packets or --timeout-ms, whichever comes first, so a
// test can never hang on it.

#include <chrono>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <net/if.h>
#include <CLI/CLI.hpp>

#include "net/packet_socket.h"
#include "net/udp_socket.h"
#include "util/hex.h"

namespace {

using pxekit::UniqueFd;
using Clock = std::chrono::steady_clock;

const char* PacketTypeName(int type) {
  switch (type) {
    case 0:
      return "host";
    case 1:
      return "broadcast";
    case 2:
      return "multicast";
    case 3:
      return "otherhost";
    default:
      return "other";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode;
  std::string where;
  int count = 1;
  int timeout_ms = 5000;
  std::string ready_file;
  CLI::App app("Receive Wake-on-LAN packets for tests", "wol_sink");
  app.add_option("MODE", mode, "udp or eth")
      ->required()
      ->check(CLI::IsMember({"udp", "eth"}));
  app.add_option("WHERE", where,
                 "UDP port (0: any free one), or interface name")
      ->required();
  app.add_option("--count", count)->check(CLI::Range(1, 10000));
  app.add_option("--timeout-ms", timeout_ms)->check(CLI::Range(1, 120000));
  app.add_option("--ready", ready_file, "Create this file once listening");
  CLI11_PARSE(app, argc, argv);

  try {
    UniqueFd fd;
    if (mode == "udp") {
      fd = pxekit::OpenUdp4Socket();
      pxekit::EnablePacketInfo(fd);
      pxekit::BindAddress(fd, pxekit::Ipv4Addr::Any(),
                          static_cast<std::uint16_t>(std::stoi(where)));
    } else {
      unsigned ifindex = if_nametoindex(where.c_str());
      if (ifindex == 0) {
        fmt::print(stderr, "wol_sink: {}: no such interface\n", where);
        return 2;
      }
      fd = pxekit::OpenPacketSocket(pxekit::kEtherTypeWakeOnLan);
      pxekit::BindPacketSocket(fd, static_cast<int>(ifindex),
                               pxekit::kEtherTypeWakeOnLan);
    }
    // The ready file holds the UDP port, so a test can listen on port 0.
    if (!ready_file.empty())
      std::ofstream(ready_file)
          << (mode == "udp" ? pxekit::LocalPort(fd) : 0) << "\n";

    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    int received = 0;
    while (received < count) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - Clock::now());
      if (left.count() <= 0) break;
      int wait = static_cast<int>(left.count());
      if (mode == "udp") {
        auto datagram = pxekit::ReceiveDatagram(fd, wait);
        if (!datagram) break;
        fmt::print("udp {} {} {}\n", datagram->source, datagram->destination,
                   pxekit::ToHex(datagram->payload));
      } else {
        auto frame = pxekit::ReceiveFrame(fd, wait);
        if (!frame) break;
        fmt::print("eth {} {} {}\n", frame->source,
                   PacketTypeName(frame->packet_type),
                   pxekit::ToHex(frame->payload));
      }
      std::fflush(stdout);
      ++received;
    }
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "wol_sink: {}\n", e.what());
    return 1;
  }
}
