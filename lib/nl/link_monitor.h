#pragma once
// Notifications of interfaces and IPv4 addresses that come and go: a
// NETLINK_ROUTE socket subscribed to RTNLGRP_LINK and RTNLGRP_IPV4_IFADDR
// (RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR). The owner watches
// fd() in its event loop and, when Drain() reports a change, lists the
// interfaces again (interface_list.h): the notifications only say "look".

#include <cstddef>

#include "nl/nl_sock_ptr.h"

namespace pxekit {

class LinkMonitor {
 public:
  // Throws std::system_error when the socket cannot be set up.
  LinkMonitor();

  // Non-blocking, close-on-exec.
  int fd() const;

  // Reads every notification waiting on the socket. Returns how many were
  // about links or IPv4 addresses; a lost notification (the socket's
  // buffer overran) counts as one, since the caller must list again.
  std::size_t Drain();

 private:
  static int OnMessage(nl_msg* message, void* self);

  NlSockPtr sock_;
  std::size_t changes_ = 0;
};

}  // namespace pxekit
