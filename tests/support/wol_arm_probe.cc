// wol_arm_probe: runs ArmMagicWakeOnLan (lib/power/wol_arm.h) on one
// interface, for tests/netns/wol_arm.sh, and prints the outcome:
//   STATUS errno=N ioctl=0|1 before=LETTERS
//   MESSAGE
// Exit 0 whatever the outcome (the script checks the words); 64 on usage.
// Only ever run inside a network namespace the test created: on a real NIC
// it would change its Wake-on-LAN settings.

#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "nl/ethtool_wol.h"
#include "power/wol_arm.h"

int main(int argc, char** argv) {
  std::string ifname;
  std::string method_name = "auto";
  std::string family;
  CLI::App app("Arm magic-packet Wake-on-LAN on one interface, for tests",
               "wol_arm_probe");
  app.add_option("IFNAME", ifname, "the interface")->required();
  app.add_option("--method", method_name, "auto, netlink or ioctl")
      ->check(CLI::IsMember({"auto", "netlink", "ioctl"}));
  app.add_option("--family", family,
                 "resolve this generic netlink family instead of ethtool "
                 "(a missing one runs the ioctl fallback)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 64;
  }
  const pxekit::WolArmMethod method =
      method_name == "netlink" ? pxekit::WolArmMethod::kNetlink
      : method_name == "ioctl" ? pxekit::WolArmMethod::kIoctl
                               : pxekit::WolArmMethod::kAuto;
  const pxekit::WolArmOutcome outcome =
      !family.empty() ? pxekit::ArmMagicWakeOnLan(ifname, method, family)
      : method == pxekit::WolArmMethod::kAuto
          ? pxekit::ArmMagicWakeOnLan(ifname)
          : pxekit::ArmMagicWakeOnLan(ifname, method);
  fmt::print("{} errno={} ioctl={} before={}\n{}\n",
             pxekit::WolArmStatusName(outcome.status), outcome.sys_errno,
             outcome.used_ioctl ? 1 : 0,
             pxekit::WolModeLetters(outcome.modes_before), outcome.message);
  return 0;
}
