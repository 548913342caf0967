// pxe-poweroff local: arm Wake-on-LAN and power this machine off, the same
// way the agent does, for a cron line on the machine itself.

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/run_main.h"
#include "power/power_control.h"
#include "power/power_exec.h"
#include "power_off.h"
#include "poweroff.h"

namespace pxekit {

int RunLocal(const LocalOptions& options, Diag& diag) {
  PowerAction action = ActionFromName(options.action);
  // Everything is checked before anything is done: a wrong interface name
  // must not leave the machine powered off without its wake-up armed.
  WolNic nic = FindWolNic(options.wol_interface, "");
  std::vector<std::string> command = PowerCommand(action);
  if (options.dry_run) {
    Print("would arm Wake-on-LAN (magic packet) on {} ({})\n", nic.name,
          nic.mac);
    Print("would run: {}\n", DescribeCommand(command));
    return kExitOk;
  }
  ArmWakeOnLan(nic.name, diag);
  diag.Info("running: {}", DescribeCommand(command));
  auto pid = SpawnProgram(command, {});
  if (!pid)
    throw ToolError(kExitOsErr,
                    fmt::format("cannot run {}: {}", DescribeCommand(command),
                                pid.error()));
  auto done = WaitForProgram(*pid);
  if (!done) throw ToolError(kExitOsErr, done.error());
  if (!done->success())
    throw ToolError(kExitOsErr, fmt::format("{}: {}", DescribeCommand(command),
                                            done->Describe()));
  return kExitOk;
}

}  // namespace pxekit
