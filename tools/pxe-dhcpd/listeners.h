#pragma once
// pxe-dhcpd's sockets: which to open (PlanListeners, lib/dhcpd/listen_plan.h)
// and opening them, at start and whenever the interfaces change.

#include <vector>

#include "daemon.h"
#include "dhcpd/listen_plan.h"
#include "options.h"

namespace pxekit {

class Diag;

// The flags that choose the interfaces. Throws ToolError (64) for a bad
// --listen.
ListenRequest MakeListenRequest(const DhcpdOptions& options);

// One planned socket, bound. Throws ToolError: 69 when the port is in use
// or the interface is gone, 71 for other errors.
Listener BindListener(const ListenLink& link, const ListenSocket& socket);

// The sockets to start with. Without --wait-interfaces an interface that
// cannot be served stops the start (ToolError 69); with it, the start goes
// on and the interface is served once it is ready.
std::vector<Listener> OpenListeners(const DhcpdOptions& options,
                                    const DhcpdConf& conf, Diag& diag);

}  // namespace pxekit
