#pragma once
// What listen and local share: the Wake-on-LAN interface (and so the agent
// id), arming it, and the command that switches the power off.

#include <string>
#include <vector>

#include "power/power_packet.h"
#include "util/mac_addr.h"

namespace pxekit {

class Diag;

struct WolNic {
  std::string name;
  MacAddr mac;
};

// --wol-interface, else --interface, else the default route's interface;
// it must exist (else ToolError 69) and have a MAC (else 78). No default
// route and no flag: ToolError 78.
WolNic FindWolNic(const std::string& wol_flag,
                  const std::string& interface_flag);

// Arms magic-packet WoL on `nic` and logs the outcome. A NIC that cannot
// wake is said plainly; the power goes off anyway (a machine left running
// because its NIC lacks WoL would be worse: the admin asked for it off).
void ArmWakeOnLan(const std::string& nic, Diag& diag);

// The argv that powers this machine off or reboots it (power_control.h),
// or ToolError 69 when there is none.
std::vector<std::string> PowerCommand(PowerAction action);

// The environment an --exec command gets: PXEKIT_ACTION=poweroff|reboot.
std::vector<std::string> ActionEnvironment(PowerAction action);

}  // namespace pxekit
