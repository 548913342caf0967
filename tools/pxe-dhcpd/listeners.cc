// pxe-dhcpd's sockets. See listeners.h.

#include "listeners.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "net/udp_socket.h"
#include "nl/interface_list.h"

namespace pxekit {
namespace {

// Room for a burst that arrives during an fsync.
constexpr int kReceiveBuffer = 4 << 20;

// Without SO_REUSEADDR a second server on the same device and port fails
// to bind (EADDRINUSE) instead of sharing the port and NAKing the first
// one's clients. Sockets on different devices never conflict. A proxy
// shares port 67 with the link's real DHCP server (which sets SO_REUSEADDR,
// as dnsmasq does), but port 4011 is its own.
UniqueFd OpenListenSocket(Ipv4Addr address, std::uint16_t port,
                          const std::string& device, bool share) {
  UniqueFd fd = OpenUdp4Socket();
  if (share) EnableReuseAddress(fd);
  EnableBroadcast(fd);
  EnablePacketInfo(fd);
  (void)SetReceiveBuffer(fd, kReceiveBuffer);
  if (!device.empty()) BindToDevice(fd, device);
  try {
    BindAddress(fd, address, port);
  } catch (const std::system_error& e) {
    int err = e.code().value();
    std::string where =
        fmt::format("port {} on {}{}", port, address,
                    device.empty() ? "" : fmt::format(" via {}", device));
    throw ToolError(
        ExitCodeForSocketErrno(err),
        err == EADDRINUSE
            ? fmt::format("{}: address in use (is another DHCP server "
                          "running on this interface?)",
                          where)
            : fmt::format("{}: {}", where, std::strerror(err)));
  }
  return fd;
}

}  // namespace

ListenRequest MakeListenRequest(const DhcpdOptions& options) {
  ListenRequest request;
  request.interfaces = options.interfaces;
  request.proxy = options.proxy;
  request.port = static_cast<std::uint16_t>(options.port);
  if (!options.listen.empty()) {
    auto address = Ipv4Addr::Parse(options.listen);
    if (!address)
      throw OptionValueError("--listen", options.listen, address.error());
    request.listen = *address;
  }
  return request;
}

Listener BindListener(const ListenLink& link, const ListenSocket& socket) {
  Listener listener;
  listener.interface = link.interface;
  listener.ifindex = link.ifindex;
  listener.local = link.local.value_or(Ipv4Prefix());
  listener.port = socket.port;
  listener.address = link.address;
  listener.device = link.device;
  listener.fd =
      OpenListenSocket(link.address, socket.port, link.device, socket.share);
  return listener;
}

// The sockets of PlanListeners' choice (lib/dhcpd/listen_plan.h).
std::vector<Listener> OpenListeners(const DhcpdOptions& options,
                                    const DhcpdConf& conf, Diag& diag) {
  std::vector<Interface> interfaces = ListInterfaces();
  ListenRequest request = MakeListenRequest(options);
  std::vector<ListenLink> links;
  if (options.wait_interfaces) {
    ListenPlan plan = PlanListenersNow(request, conf, interfaces);
    for (const std::string& why : plan.waiting)
      diag.Warn("{}: waiting for it (--wait-interfaces)", why);
    links = std::move(plan.links);
  } else {
    auto plan = PlanListeners(request, conf, interfaces);
    if (!plan) throw ToolError(kExitUnavailable, plan.error());
    links = std::move(plan.value());
  }
  std::vector<Listener> listeners;
  for (const ListenLink& link : links) {
    if (!link.local)
      diag.Warn(
          "interface '{}' has no IPv4 address: replies carry server "
          "identifier 0.0.0.0",
          link.interface);
    for (const ListenSocket& socket : link.sockets) {
      listeners.push_back(BindListener(link, socket));
      diag.Info("listening on {}:{} via {} (server address {})", link.address,
                socket.port, link.interface, listeners.back().local.address());
    }
  }
  return listeners;
}

}  // namespace pxekit
