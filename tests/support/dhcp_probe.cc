// dhcp_probe: a DHCP client for tests that prints every reply it gets,
// which udhcpc and dhclient cannot (they take the first OFFER). Used for
// proxyDHCP, where a PXE client sees one OFFER from the real server and one
// from the proxy, then asks the proxy on port 4011.
//
//   dhcp_probe IF discover ARCH VENDOR WAIT_MS
//       broadcast a DISCOVER (broadcast flag set) from :68 out of IF
//   dhcp_probe IF binl SERVER ARCH VENDOR WAIT_MS
//       unicast a REQUEST with ciaddr = IF's address to SERVER:4011
// Each reply: "from IP:PORT TYPE yiaddr=.. siaddr=.. file=.. opt60=..
// opt43=HEX opt67=..", one line. Exit 0 if any reply came, 1 if none.
// It only talks on IF, inside the test's namespace.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <unistd.h>
#include <string>

#include <fmt/format.h>

#include "dhcp/dhcp_message.h"
#include "dhcp/dhcp_options.h"
#include "net/udp_socket.h"
#include "nl/interface_list.h"
#include "util/hex.h"

using namespace pxekit;

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: dhcp_probe IF discover ARCH VENDOR WAIT_MS | IF binl "
                 "SERVER ARCH VENDOR WAIT_MS\n");
    return 64;
  }
  std::string ifname = argv[1];
  std::string mode = argv[2];
  bool binl = mode == "binl";
  int arg = 3;
  Ipv4Addr server = Ipv4Addr::LimitedBroadcast();
  if (binl) server = *Ipv4Addr::Parse(argv[arg++]);
  if (argc < arg + 3) return 64;
  int arch = std::atoi(argv[arg++]);
  std::string vendor = argv[arg++];
  int wait_ms = std::atoi(argv[arg++]);

  auto interfaces = ListInterfaces();
  const Interface* interface = FindInterface(interfaces, ifname);
  if (interface == nullptr || !interface->mac) {
    std::fprintf(stderr, "dhcp_probe: no interface %s\n", ifname.c_str());
    return 69;
  }
  DhcpMessage m;
  // A fresh xid per run, so that a late reply to an earlier probe is not
  // taken for one to this probe.
  m.xid = 0x5e000000u ^ (static_cast<std::uint32_t>(::getpid()) << 8) ^
          static_cast<std::uint32_t>(std::time(nullptr));
  m.chaddr = {};
  for (int i = 0; i < 6; ++i) m.chaddr[i] = interface->mac->bytes()[i];
  m.options.SetU8(dhcp_option::kMessageType,
                  binl ? static_cast<std::uint8_t>(DhcpMessageType::kRequest)
                       : static_cast<std::uint8_t>(DhcpMessageType::kDiscover));
  if (binl) {
    if (interface->ipv4.empty()) return 69;
    m.ciaddr = interface->ipv4.front().address();
  } else {
    m.flags = kBroadcastFlag;
  }
  m.options.SetU16(dhcp_option::kMaxMessageSize, 1472);
  m.options.SetU16(dhcp_option::kClientArch, static_cast<std::uint16_t>(arch));
  m.options.Set(dhcp_option::kClientNdi, std::vector<std::uint8_t>{1, 3, 16});
  std::vector<std::uint8_t> uuid(17, 0x11);
  uuid[0] = 0;
  m.options.Set(dhcp_option::kClientUuid, uuid);
  m.options.SetText(dhcp_option::kVendorClass, vendor);
  m.options.Set(dhcp_option::kParameterRequestList,
                std::vector<std::uint8_t>{1, 3, 43, 60, 66, 67, 97});
  auto encoded = EncodeDhcpMessage(m, kDhcpEthernetMaxSize);

  UniqueFd fd = OpenUdp4Socket();
  EnableReuseAddress(fd);
  EnableBroadcast(fd);
  BindToDevice(fd, ifname);
  BindAddress(fd, Ipv4Addr::Any(), 68);
  int err = SendDatagram(fd, encoded->bytes, server, binl ? 4011 : 67);
  if (err != 0) {
    std::fprintf(stderr, "dhcp_probe: send: %s\n", std::strerror(err));
    return 71;
  }
  int replies = 0;
  for (;;) {
    auto datagram = ReceiveDatagram(fd, wait_ms);
    if (!datagram) break;
    auto reply = ParseDhcpMessage(datagram->payload);
    if (!reply || reply->op != 2 || reply->xid != m.xid) continue;
    ++replies;
    const auto* o43 = reply->options.Find(dhcp_option::kVendorEncapsulated);
    std::printf(
        "%s\n",
        fmt::format(
            "from {}:{} {} yiaddr={} siaddr={} file={} "
            "opt60={} opt43={} opt67={} opt97={}",
            datagram->source, datagram->source_port, reply->Type(),
            reply->yiaddr, reply->siaddr,
            reply->file.empty() ? "-" : reply->file,
            reply->GetText(dhcp_option::kVendorClass).empty()
                ? "-"
                : std::string(reply->GetText(dhcp_option::kVendorClass)),
            o43 ? ToHex(*o43) : "-",
            reply->GetText(dhcp_option::kBootfileName).empty()
                ? "-"
                : std::string(reply->GetText(dhcp_option::kBootfileName)),
            reply->options.Has(dhcp_option::kClientUuid) ? "echoed" : "-")
            .c_str());
  }
  return replies > 0 ? 0 : 1;
}
