#include "nl/interface_list.h"

#include <algorithm>
#include <cstring>
#include <system_error>

#include <fmt/format.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include "nl/nl_sock_ptr.h"

namespace pxekit {
namespace {

[[noreturn]] void ThrowNl(int nl_error, const char* what) {
  // libnl has its own error space; keep its text but report a system error
  // so the tool maps it to "OS error".
  throw std::system_error(EIO, std::system_category(),
                          fmt::format("{}: {}", what, nl_geterror(nl_error)));
}

}  // namespace

std::vector<Interface> ListInterfaces() {
  NlSockPtr sock(nl_socket_alloc());
  if (!sock)
    throw std::system_error(ENOMEM, std::system_category(), "nl_socket_alloc");
  if (int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0)
    ThrowNl(err, "netlink connect");

  nl_cache* raw_links = nullptr;
  if (int err = rtnl_link_alloc_cache(sock.get(), AF_UNSPEC, &raw_links);
      err < 0)
    ThrowNl(err, "netlink link dump");
  NlCachePtr links(raw_links);
  nl_cache* raw_addrs = nullptr;
  if (int err = rtnl_addr_alloc_cache(sock.get(), &raw_addrs); err < 0)
    ThrowNl(err, "netlink address dump");
  NlCachePtr addrs(raw_addrs);

  std::vector<Interface> interfaces;
  for (nl_object* obj = nl_cache_get_first(links.get()); obj != nullptr;
       obj = nl_cache_get_next(obj)) {
    auto* link = reinterpret_cast<rtnl_link*>(obj);
    Interface interface;
    const char* name = rtnl_link_get_name(link);
    interface.name = name != nullptr ? name : "";
    interface.index = rtnl_link_get_ifindex(link);
    interface.flags = rtnl_link_get_flags(link);
    interface.arptype = rtnl_link_get_arptype(link);
    if (nl_addr* ll = rtnl_link_get_addr(link); ll != nullptr) {
      MacAddr mac;
      auto* bytes =
          static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(ll));
      if (nl_addr_get_len(ll) == 6 && MacAddr::FromBytes({bytes, 6}, &mac))
        interface.mac = mac;
    }
    interfaces.push_back(std::move(interface));
  }

  for (nl_object* obj = nl_cache_get_first(addrs.get()); obj != nullptr;
       obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (rtnl_addr_get_family(addr) != AF_INET) continue;
    nl_addr* local = rtnl_addr_get_local(addr);
    if (local == nullptr || nl_addr_get_len(local) != 4) continue;
    std::uint32_t net_order;
    std::memcpy(&net_order, nl_addr_get_binary_addr(local), 4);
    int ifindex = rtnl_addr_get_ifindex(addr);
    for (Interface& interface : interfaces) {
      if (interface.index == ifindex) {
        interface.ipv4.emplace_back(Ipv4Addr::FromNetworkOrder(net_order),
                                    rtnl_addr_get_prefixlen(addr));
        break;
      }
    }
  }

  std::sort(
      interfaces.begin(), interfaces.end(),
      [](const Interface& a, const Interface& b) { return a.index < b.index; });
  return interfaces;
}

}  // namespace pxekit
