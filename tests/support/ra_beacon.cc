// ra_beacon: IPv6 router advertisements for the boot harness's private link
// (tests/support/pxeboot.sh). iPXE configures IPv6 beside DHCPv4 and, on a
// link where no router answers its solicitations, waits them out (about 13 s)
// before it loads anything. One advertisement ends that wait. This one
// announces no default router (lifetime 0) and no prefix, so it changes
// nothing else on the link. It answers each router solicitation at once and
// also advertises every --interval-ms, and stops after --seconds, so it can
// never outlive a test. See RFC 4861 section 4.2 (the message) and 6.2.6.

#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <system_error>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "os/unique_fd.h"

namespace {

using Clock = std::chrono::steady_clock;
using pxekit::UniqueFd;

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void SetIntOption(const UniqueFd& fd, int level, int name, int value,
                  const char* what) {
  if (setsockopt(fd.get(), level, name, &value, sizeof value) != 0)
    ThrowErrno(what);
}

// ICMPv6 raw socket on `ifname` that only receives router solicitations.
// Hop limit 255 is what makes receivers accept an RA (RFC 4861 6.1.2).
UniqueFd OpenRaSocket(const std::string& ifname, unsigned ifindex) {
  UniqueFd fd(socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6));
  if (!fd) ThrowErrno("socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)");
  if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                 static_cast<socklen_t>(ifname.size())) != 0)
    ThrowErrno("SO_BINDTODEVICE " + ifname);
  SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255,
               "IPV6_MULTICAST_HOPS");
  SetIntOption(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
  SetIntOption(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, static_cast<int>(ifindex),
               "IPV6_MULTICAST_IF");
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filter);
  if (setsockopt(fd.get(), IPPROTO_ICMPV6, ICMP6_FILTER, &filter,
                 sizeof filter) != 0)
    ThrowErrno("ICMP6_FILTER");
  return fd;
}

// To all nodes (ff02::1). The kernel fills in the source (the interface's
// link-local address) and the ICMPv6 checksum. Until that address has passed
// duplicate address detection the send fails; the next tick tries again.
bool SendAdvertisement(const UniqueFd& fd, unsigned ifindex) {
  nd_router_advert advert;
  std::memset(&advert, 0, sizeof advert);
  advert.nd_ra_type = ND_ROUTER_ADVERT;
  advert.nd_ra_curhoplimit = 64;
  advert.nd_ra_router_lifetime = 0;  // not a default router
  sockaddr_in6 to;
  std::memset(&to, 0, sizeof to);
  to.sin6_family = AF_INET6;
  to.sin6_scope_id = ifindex;
  static constexpr std::array<std::uint8_t, 16> kAllNodes = {
      0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::memcpy(&to.sin6_addr, kAllNodes.data(), kAllNodes.size());
  return sendto(fd.get(), &advert, sizeof advert, 0,
                reinterpret_cast<const sockaddr*>(&to),
                sizeof to) == static_cast<ssize_t>(sizeof advert);
}

}  // namespace

int main(int argc, char** argv) {
  std::string ifname;
  int seconds = 600;
  int interval_ms = 1000;
  CLI::App app("Send IPv6 router advertisements that announce no router",
               "ra_beacon");
  app.add_option("INTERFACE", ifname)->required();
  app.add_option("--seconds", seconds, "Stop after this long")
      ->check(CLI::Range(1, 3600));
  app.add_option("--interval-ms", interval_ms, "Unsolicited advertisements")
      ->check(CLI::Range(100, 60000));
  CLI11_PARSE(app, argc, argv);

  try {
    const unsigned ifindex = if_nametoindex(ifname.c_str());
    if (ifindex == 0) ThrowErrno(ifname);
    UniqueFd fd = OpenRaSocket(ifname, ifindex);
    const auto deadline = Clock::now() + std::chrono::seconds(seconds);
    auto next = Clock::now();
    int sent = 0;
    while (Clock::now() < deadline) {
      if (Clock::now() >= next) {
        if (SendAdvertisement(fd, ifindex)) ++sent;
        next = Clock::now() + std::chrono::milliseconds(interval_ms);
      }
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::min(next, deadline) - Clock::now());
      pollfd entry{fd.get(), POLLIN, 0};
      int ready =
          poll(&entry, 1, static_cast<int>(std::max<long>(0, wait.count())));
      if (ready < 0 && errno != EINTR) ThrowErrno("poll");
      if (ready > 0) {
        // A solicitation: drain it and answer now.
        std::array<std::uint8_t, 1500> buffer;
        while (recv(fd.get(), buffer.data(), buffer.size(), MSG_DONTWAIT) > 0) {
        }
        next = Clock::now();
      }
    }
    fmt::print(stderr, "ra_beacon: {}: {} advertisements sent\n", ifname, sent);
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "ra_beacon: {}\n", e.what());
    return 1;
  }
}
