#include "nl/neighbour.h"

#include <cerrno>
#include <system_error>

#include <fmt/format.h>
#include <linux/neighbour.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/route/neighbour.h>
#include <sys/socket.h>

namespace pxekit {
namespace {

using NlAddrPtr = std::unique_ptr<nl_addr, CFree<nl_addr_put>>;
using RtnlNeighPtr = std::unique_ptr<rtnl_neigh, CFree<rtnl_neigh_put>>;

}  // namespace

NeighbourTable::NeighbourTable() : sock_(nl_socket_alloc()) {
  if (!sock_)
    throw std::system_error(ENOMEM, std::system_category(), "nl_socket_alloc");
  if (int err = nl_connect(sock_.get(), NETLINK_ROUTE); err < 0)
    throw std::system_error(
        EIO, std::system_category(),
        fmt::format("netlink connect: {}", nl_geterror(err)));
}

int NeighbourTable::Add(int ifindex, Ipv4Addr address, const MacAddr& mac) {
  RtnlNeighPtr neigh(rtnl_neigh_alloc());
  if (!neigh) return -NLE_NOMEM;
  std::uint32_t net_order = address.NetworkOrder();
  NlAddrPtr dst(nl_addr_build(AF_INET, &net_order, sizeof net_order));
  NlAddrPtr lladdr(
      nl_addr_build(AF_LLC, mac.bytes().data(), mac.bytes().size()));
  if (!dst || !lladdr) return -NLE_NOMEM;
  rtnl_neigh_set_ifindex(neigh.get(), ifindex);
  rtnl_neigh_set_family(neigh.get(), AF_INET);
  if (int err = rtnl_neigh_set_dst(neigh.get(), dst.get()); err < 0) return err;
  rtnl_neigh_set_lladdr(neigh.get(), lladdr.get());
  rtnl_neigh_set_state(neigh.get(), NUD_REACHABLE);
  return rtnl_neigh_add(sock_.get(), neigh.get(), NLM_F_CREATE | NLM_F_REPLACE);
}

std::string NeighbourTable::Describe(int error) { return nl_geterror(error); }

}  // namespace pxekit
