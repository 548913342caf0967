#pragma once
// Arming magic-packet Wake-on-LAN on a NIC before the power goes off
// (pxe-poweroff(8), WAKE-ON-LAN): ethtool netlink (ETHTOOL_MSG_WOL_GET/SET over
// the "ethtool" generic netlink family, libnl-genl), falling back to the
// SIOCETHTOOL ioctl (ETHTOOL_GWOL/SWOL) when the family is missing. Other
// modes already enabled on the NIC are kept; only "magic" is added.

#include <cstdint>
#include <string>

namespace pxekit {

struct WolArmOutcome {
  enum class Status {
    kArmed,         // magic was off and is now on
    kAlreadyArmed,  // magic was on already; nothing was changed
    kNotSupported,  // the NIC cannot wake on a magic packet (EOPNOTSUPP,
                    // or magic missing from its supported modes)
    kNoDevice,      // no such interface (ENODEV)
    kPermission,    // EPERM/EACCES: needs CAP_NET_ADMIN
    kFailed,        // any other error; `sys_errno` and `message` say which
  };
  Status status = Status::kFailed;
  int sys_errno = 0;               // errno of the failing call, 0 on success
  bool used_ioctl = false;         // the SIOCETHTOOL fallback did the work
  std::uint32_t modes_before = 0;  // WAKE_* bits (linux/ethtool.h) before
  std::string message;             // for the log: what happened, in words

  bool ok() const {
    return status == Status::kArmed || status == Status::kAlreadyArmed;
  }
};

// How to talk to the kernel. kAuto: ethtool netlink, and the SIOCETHTOOL
// ioctl only when the "ethtool" genetlink family cannot be resolved (kernel
// before 5.6 or without CONFIG_ETHTOOL_NETLINK). The others force one path,
// so that tests can run the fallback on a new kernel.
enum class WolArmMethod { kAuto, kNetlink, kIoctl };

// Arms magic-packet WoL on `ifname`. Never throws.
WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname);
WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname, WolArmMethod method);
// The same, resolving `genl_family` instead of "ethtool": tests name a
// family that does not exist to run kAuto's fallback on a new kernel.
WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname, WolArmMethod method,
                                const std::string& genl_family);

// What arming needs from the kernel, behind an interface so that the
// decisions (armed already, cannot wake, what each errno means) are tested
// with a fake. The production backends (ethtool netlink, SIOCETHTOOL) live
// in wol_arm.cc.
class WolBackend {
 public:
  virtual ~WolBackend() = default;
  // The NIC's WAKE_* modes: 0, or an errno with the kernel's own words (its
  // extended ack), if any, in `detail`.
  virtual int Read(std::uint32_t* supported, std::uint32_t* enabled,
                   std::string* detail) = 0;
  // Enables magic, keeping every other mode (`enabled` is what Read saw).
  virtual int AddMagic(std::uint32_t enabled, std::string* detail) = 0;
  virtual bool is_ioctl() const = 0;
  // The calls, for messages: "ETHTOOL_MSG_WOL_GET", "SIOCETHTOOL ...".
  virtual const char* read_name() const = 0;
  virtual const char* write_name() const = 0;
};

// Reads the modes, and adds magic unless the NIC cannot wake on it or has
// it on already.
WolArmOutcome ArmMagicWakeOnLan(const std::string& ifname, WolBackend& backend);

// "armed", "already-armed", "not-supported", "no-device", "permission",
// "failed".
const char* WolArmStatusName(WolArmOutcome::Status status);

}  // namespace pxekit
