#pragma once
// unique_ptr alias for a libnl message: building and parsing one is the
// codec's business (nl/ethtool_wol.h). The sockets and caches that send and
// fetch them are the io layer's (nl/nl_sock_ptr.h).

#include <memory>

#include <netlink/msg.h>

#include "util/c_free.h"

namespace pxekit {

using NlMsgPtr = std::unique_ptr<nl_msg, CFree<nlmsg_free>>;

}  // namespace pxekit
