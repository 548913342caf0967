#pragma once
// unique_ptr aliases for the libnl objects that talk to the kernel: sockets,
// caches filled from it, callback sets. io layer only.

#include <memory>

#include <netlink/cache.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "nl/nl_ptr.h"
#include "util/c_free.h"

namespace pxekit {

using NlSockPtr = std::unique_ptr<nl_sock, CFree<nl_socket_free>>;
using NlCachePtr = std::unique_ptr<nl_cache, CFree<nl_cache_free>>;
using NlCbPtr = std::unique_ptr<nl_cb, CFree<nl_cb_put>>;

}  // namespace pxekit
