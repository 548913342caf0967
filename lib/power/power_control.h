#pragma once
// How a machine is switched off (wol-power.md §6). halt stops the OS but
// leaves the power on, and a NIC arms its wake-up only on a real power-off,
// so the command is always poweroff or reboot, never halt:
//   systemd running (/run/systemd/system exists) -> systemctl poweroff|reboot
//   otherwise poweroff|reboot found in PATH        (sysvinit, busybox)
//   otherwise init 0|6 found in PATH
// Pure: the caller says whether systemd runs and how to look a program up.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "power/power_packet.h"  // PowerAction
#include "util/result.h"

namespace pxekit {

// The full path of program `name` in PATH, or nullopt.
using ProgramLookup =
    std::function<std::optional<std::string>(std::string_view name)>;

struct PowerEnvironment {
  bool systemd_running = false;
  ProgramLookup find_program;
};

// The argv to run for `action`, argv[0] a full path. Failure when none of
// the commands above exists.
Result<std::vector<std::string>> ChoosePowerCommand(
    PowerAction action, const PowerEnvironment& environment);

// The command for a log line: words joined by spaces.
std::string DescribeCommand(const std::vector<std::string>& argv);

}  // namespace pxekit
