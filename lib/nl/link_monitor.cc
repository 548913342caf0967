#include "nl/link_monitor.h"

#include <system_error>

#include <fmt/format.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

namespace pxekit {
namespace {

[[noreturn]] void ThrowNl(int nl_error, const char* what) {
  throw std::system_error(EIO, std::system_category(),
                          fmt::format("{}: {}", what, nl_geterror(nl_error)));
}

// Bounds one Drain(): a storm of notifications must not starve the loop;
// what is left is read on the next wake-up.
constexpr int kMaxReads = 256;

}  // namespace

LinkMonitor::LinkMonitor() : sock_(nl_socket_alloc()) {
  if (!sock_)
    throw std::system_error(ENOMEM, std::system_category(), "nl_socket_alloc");
  // Notifications carry sequence numbers of other senders.
  nl_socket_disable_seq_check(sock_.get());
  if (int err = nl_socket_modify_cb(sock_.get(), NL_CB_VALID, NL_CB_CUSTOM,
                                    &LinkMonitor::OnMessage, this);
      err < 0)
    ThrowNl(err, "netlink callback");
  if (int err = nl_connect(sock_.get(), NETLINK_ROUTE); err < 0)
    ThrowNl(err, "netlink connect");
  if (int err = nl_socket_add_memberships(sock_.get(), RTNLGRP_LINK,
                                          RTNLGRP_IPV4_IFADDR, 0);
      err < 0)
    ThrowNl(err, "netlink subscribe");
  if (int err = nl_socket_set_nonblocking(sock_.get()); err < 0)
    ThrowNl(err, "netlink non-blocking");
  // Room for a burst (a bridge with many ports going up); an overrun is
  // handled, but costs a full listing.
  (void)nl_socket_set_buffer_size(sock_.get(), 1 << 20, 0);
}

int LinkMonitor::fd() const { return nl_socket_get_fd(sock_.get()); }

int LinkMonitor::OnMessage(nl_msg* message, void* self) {
  switch (nlmsg_hdr(message)->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
    case RTM_NEWADDR:
    case RTM_DELADDR:
      ++static_cast<LinkMonitor*>(self)->changes_;
      break;
    default:
      break;
  }
  return NL_OK;
}

std::size_t LinkMonitor::Drain() {
  changes_ = 0;
  for (int i = 0; i < kMaxReads; ++i) {
    int err = nl_recvmsgs_default(sock_.get());
    if (err == -NLE_AGAIN) break;
    // ENOBUFS (libnl: NLE_NOMEM) means notifications were lost; any other
    // error, that one could not be read. Either way: list again.
    if (err < 0) ++changes_;
  }
  return changes_;
}

}  // namespace pxekit
