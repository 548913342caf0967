#include "power/power_control.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pxekit {

Result<std::vector<std::string>> ChoosePowerCommand(
    PowerAction action, const PowerEnvironment& environment) {
  bool reboot = action == PowerAction::kReboot;
  auto find = [&](std::string_view name) -> std::optional<std::string> {
    if (!environment.find_program) return std::nullopt;
    return environment.find_program(name);
  };
  if (environment.systemd_running) {
    // Not --force: services stop in order, so an NFS root is unmounted
    // cleanly before the power goes.
    if (auto systemctl = find("systemctl"))
      return std::vector<std::string>{*systemctl,
                                      reboot ? "reboot" : "poweroff"};
  }
  if (auto command = find(reboot ? "reboot" : "poweroff"))
    return std::vector<std::string>{*command};
  if (auto init = find("init"))
    return std::vector<std::string>{*init, reboot ? "6" : "0"};
  return Fail(
      fmt::format("no way to {} this machine: neither {}{} nor init "
                  "found in PATH",
                  reboot ? "reboot" : "power off",
                  environment.systemd_running ? "systemctl, " : "",
                  reboot ? "reboot" : "poweroff"));
}

std::string DescribeCommand(const std::vector<std::string>& argv) {
  return fmt::format("{}", fmt::join(argv, " "));
}

}  // namespace pxekit
