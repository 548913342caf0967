#include "power_off.h"

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "nl/interface_list.h"
#include "os/file.h"
#include "power/power_control.h"
#include "power/power_exec.h"
#include "power/wol_arm.h"
#include "power/wol_interface.h"
#include "util/text.h"

namespace pxekit {

WolNic FindWolNic(const std::string& wol_flag,
                  const std::string& interface_flag) {
  std::string routes;
  if (wol_flag.empty() && interface_flag.empty()) {
    auto text = ReadFileContents("/proc/net/route");
    if (text) routes = std::move(text).value();
  }
  auto choice = ChooseWolInterface(wol_flag, interface_flag, routes);
  if (!choice) throw ToolError(kExitConfig, choice.error());
  std::string what;
  switch (choice->source) {
    case WolInterfaceChoice::Source::kWolFlag:
      what = "--wol-interface " + QuoteForMessage(choice->name);
      break;
    case WolInterfaceChoice::Source::kInterfaceFlag:
      what = "--interface " + QuoteForMessage(choice->name);
      break;
    case WolInterfaceChoice::Source::kDefaultRoute:
      what = fmt::format("interface {} (of the default route)",
                         QuoteForMessage(choice->name));
      break;
  }
  std::vector<Interface> interfaces = ListInterfaces();
  const Interface* nic = FindInterface(interfaces, choice->name);
  if (nic == nullptr)
    throw ToolError(kExitUnavailable, what + ": no such interface");
  if (!nic->mac || nic->mac->IsZero() || nic->mac->IsMulticast())
    throw ToolError(kExitConfig,
                    what +
                        ": has no Ethernet address to serve as the agent id; "
                        "name the NIC that wakes the machine with "
                        "--wol-interface");
  return WolNic{nic->name, *nic->mac};
}

// The library's message names the NIC first ("eth0: ..."); say it once.
static std::string WolWhat(const std::string& nic, const std::string& message,
                           const char* fallback) {
  if (message.empty()) return nic + ": " + fallback;
  if (message.starts_with(nic + ":")) return message;
  return nic + ": " + message;
}

void ArmWakeOnLan(const std::string& nic, Diag& diag) {
  WolArmOutcome outcome = ArmMagicWakeOnLan(nic);
  switch (outcome.status) {
    case WolArmOutcome::Status::kArmed:
      diag.Emit(fmt::format("Wake-on-LAN (magic packet) armed on {}", nic));
      return;
    case WolArmOutcome::Status::kAlreadyArmed:
      diag.Info("Wake-on-LAN (magic packet) already armed on {}", nic);
      return;
    case WolArmOutcome::Status::kNotSupported:
      diag.Warn(
          "Wake-on-LAN not armed: {}: powering off anyway; this machine will "
          "not wake by a magic packet",
          WolWhat(nic, outcome.message, "NIC cannot wake on a magic packet"));
      return;
    default:
      diag.Warn("Wake-on-LAN not armed: {}: powering off anyway",
                WolWhat(nic, outcome.message, "unknown error"));
      return;
  }
}

std::vector<std::string> PowerCommand(PowerAction action) {
  PowerEnvironment environment;
  environment.systemd_running = SystemdRunning();
  std::string path = ProgramSearchPath();
  environment.find_program = [path](std::string_view name) {
    return FindInPath(name, path);
  };
  auto command = ChoosePowerCommand(action, environment);
  if (!command) throw ToolError(kExitUnavailable, command.error());
  return std::move(command).value();
}

std::vector<std::string> ActionEnvironment(PowerAction action) {
  return {fmt::format("PXEKIT_ACTION={}", PowerActionName(action))};
}

}  // namespace pxekit
