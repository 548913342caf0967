#pragma once
// unique_ptr aliases for libnl objects, with stateless deleters so that the
// pointers stay pointer-sized and cannot be handed the wrong free function.

#include <memory>

#include <netlink/cache.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

namespace pxekit {

template <auto FreeFunction>
struct CFree {
  template <typename T>
  void operator()(T* object) const {
    FreeFunction(object);
  }
};

using NlSockPtr = std::unique_ptr<nl_sock, CFree<nl_socket_free>>;
using NlCachePtr = std::unique_ptr<nl_cache, CFree<nl_cache_free>>;
using NlMsgPtr = std::unique_ptr<nl_msg, CFree<nlmsg_free>>;
using NlCbPtr = std::unique_ptr<nl_cb, CFree<nl_cb_put>>;

}  // namespace pxekit
