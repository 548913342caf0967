#include "power/power_control.h"

#include <set>

#include <catch2/catch.hpp>

namespace pxekit {
namespace {

using Argv = std::vector<std::string>;

PowerEnvironment With(bool systemd, std::set<std::string> programs) {
  PowerEnvironment environment;
  environment.systemd_running = systemd;
  environment.find_program =
      [programs](std::string_view name) -> std::optional<std::string> {
    std::string n(name);
    if (programs.count(n) == 0) return std::nullopt;
    return "/sbin/" + n;
  };
  return environment;
}

const std::set<std::string> kEverything = {"systemctl", "poweroff", "reboot",
                                           "init",      "halt",     "shutdown"};

Argv Command(PowerAction action, const PowerEnvironment& environment) {
  auto command = ChoosePowerCommand(action, environment);
  REQUIRE(command.ok());
  return command.value();
}

TEST_CASE("Under systemd the power goes off through systemctl", "[power]") {
  auto environment = With(true, kEverything);
  CHECK(Command(PowerAction::kPowerOff, environment) ==
        Argv{"/sbin/systemctl", "poweroff"});
  CHECK(Command(PowerAction::kReboot, environment) ==
        Argv{"/sbin/systemctl", "reboot"});
}

TEST_CASE("Without systemd poweroff or reboot from PATH is used", "[power]") {
  auto environment = With(false, kEverything);
  CHECK(Command(PowerAction::kPowerOff, environment) == Argv{"/sbin/poweroff"});
  CHECK(Command(PowerAction::kReboot, environment) == Argv{"/sbin/reboot"});
  // systemd running but no systemctl (a broken image): the same fallback.
  auto no_systemctl = With(true, {"poweroff", "reboot", "init"});
  CHECK(Command(PowerAction::kPowerOff, no_systemctl) ==
        Argv{"/sbin/poweroff"});
}

TEST_CASE("The last resort is init 0 or init 6", "[power]") {
  auto environment = With(false, {"init", "halt", "shutdown"});
  CHECK(Command(PowerAction::kPowerOff, environment) ==
        Argv{"/sbin/init", "0"});
  CHECK(Command(PowerAction::kReboot, environment) == Argv{"/sbin/init", "6"});
}

TEST_CASE("The power path never halts", "[power]") {
  // halt leaves the power on and the NIC unarmed; whatever is installed,
  // it is never chosen, nor a forced systemctl.
  for (bool systemd : {true, false})
    for (const auto& programs :
         std::vector<std::set<std::string>>{kEverything,
                                            {"halt", "init"},
                                            {"halt", "poweroff", "reboot"},
                                            {"halt", "systemctl", "init"}})
      for (PowerAction action :
           {PowerAction::kPowerOff, PowerAction::kReboot}) {
        auto command = ChoosePowerCommand(action, With(systemd, programs));
        REQUIRE(command.ok());
        for (const std::string& word : command.value()) {
          CHECK(word.find("halt") == std::string::npos);
          CHECK(word.find("force") == std::string::npos);
          CHECK(word != "-f");
        }
      }
}

TEST_CASE("No power command at all is an error that says what is missing",
          "[power]") {
  auto command =
      ChoosePowerCommand(PowerAction::kPowerOff, With(true, {"halt"}));
  REQUIRE_FALSE(command.ok());
  CHECK(command.error() ==
        "no way to power off this machine: neither systemctl, poweroff nor "
        "init found in PATH");
  PowerEnvironment nothing;
  CHECK_FALSE(ChoosePowerCommand(PowerAction::kReboot, nothing).ok());
}

TEST_CASE("A command is described as its words", "[power]") {
  CHECK(DescribeCommand({"/bin/systemctl", "poweroff"}) ==
        "/bin/systemctl poweroff");
}

}  // namespace
}  // namespace pxekit
