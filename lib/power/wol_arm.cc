// PLACEHOLDER, replaced by the ethtool-netlink implementation (issue 10).
#include "power/wol_arm.h"

#include <cerrno>

namespace pxekit {

WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname) {
  WolArmOutcome outcome;
  outcome.status = WolArmOutcome::Status::kFailed;
  outcome.sys_errno = ENOSYS;
  outcome.message = "arming WoL on " + ifname + " is not implemented yet";
  return outcome;
}

}  // namespace pxekit
