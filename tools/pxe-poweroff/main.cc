// pxe-poweroff: a signed remote power-off that arms Wake-on-LAN first.
// The sender asks agents (pxe-poweroff listen) on the lab machines to power
// off or reboot over an Ed25519-signed challenge-response exchange on UDP
// (lib/power/power_packet.h, byte by byte); keygen makes the key pair; local
// powers this machine off the same way. Never halt: a halted machine keeps
// its power on and cannot be woken. No standard: pxekit's own protocol.

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/common_options.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "poweroff.h"

namespace pxekit {

PowerAction ActionFromName(const std::string& name) {
  return name == "reboot" ? PowerAction::kReboot : PowerAction::kPowerOff;
}

}  // namespace pxekit

int main(int argc, char** argv) {
  using namespace pxekit;
  Diag diag("pxe-poweroff");
  CommonOptions common;
  SenderOptions send;
  KeygenOptions keygen;
  ListenOptions listen;
  LocalOptions local;

  CLI::App app(
      "Power off (or reboot) lab machines running 'pxe-poweroff listen': "
      "HOST arguments, or 'HOST [MAC]' lines from -f FILE or standard input. "
      "Each agent arms Wake-on-LAN, acknowledges, then powers off.",
      "pxe-poweroff");
  AddCommonOptions(app, common, ShortV::kVerbose);
  AllowOneSubcommand(app);

  auto action_check = CLI::IsMember({"poweroff", "reboot"}).description("");

  std::vector<CLI::Option*> sender_only;
  sender_only.push_back(
      AddValue(app, "-k,--key", send.key,
               "Private key (default /etc/pxekit/poweroff.key)", "FILE"));
  sender_only.push_back(AddNumber(app, "-p,--port", send.port,
                                  "Agents' UDP port (default 7390)", "PORT", 1,
                                  65535));
  sender_only.push_back(AddValue(app, "--action", send.action,
                                 "poweroff (default) or reboot", "ACTION")
                            ->check(action_check));
  sender_only.push_back(AddNumber(app, "--wait", send.wait_seconds,
                                  "Seconds to wait for every acknowledgement, "
                                  "retrying with back-off (default 10)",
                                  "SECONDS", 1, kMaxWaitSeconds));
  sender_only.push_back(AddValue(app, "-I,--interface", send.interface,
                                 "Send and receive only through interface IF",
                                 "IF"));
  sender_only.push_back(
      AddValue(app, "-f,--file", send.file,
               "Read 'HOST [MAC]' lines from FILE ('-' for standard "
               "input)",
               "FILE"));
  sender_only.push_back(app.add_option(
      "HOST", send.hosts, "Agents to power off: IPv4 addresses or host names"));

  auto* keygen_app = app.add_subcommand(
      "keygen", "Write a new Ed25519 key pair: FILE (private) and FILE.pub");
  AddValue(*keygen_app, "--out", keygen.out,
           "Private key file to write (mode 0600); the public key "
           "goes to FILE.pub",
           "FILE")
      ->required();
  keygen_app->add_flag("--force", keygen.force,
                       "Replace FILE and FILE.pub if they exist");

  auto* listen_app = app.add_subcommand(
      "listen",
      "Run the agent: power this machine off when a signed request comes");
  AddRepeatable(*listen_app, "-k,--key", listen.keys,
                "Public key whose requests are obeyed (repeatable; "
                "default /etc/pxekit/poweroff.key.pub)",
                "PUBKEY");
  AddNumber(*listen_app, "-p,--port", listen.port, "UDP port (default 7390)",
            "PORT", 1, 65535);
  AddValue(*listen_app, "--interface", listen.interface,
           "Listen only on interface IF", "IF");
  AddValue(*listen_app, "--wol-interface", listen.wol_interface,
           "Arm Wake-on-LAN on IF, whose MAC is the agent's id "
           "(default: --interface, else the default route's)",
           "IF");
  listen_app->add_flag("--dry-run", listen.dry_run,
                       "Log what would be done and only acknowledge requests");
  AddValue(*listen_app, "--exec", listen.exec,
           "Run '/bin/sh -c CMD' instead of powering off "
           "(PXEKIT_ACTION=poweroff or reboot in its environment)",
           "CMD");

  auto* local_app = app.add_subcommand(
      "local", "Arm Wake-on-LAN and power this machine off now");
  AddValue(*local_app, "--wol-interface", local.wol_interface,
           "Arm Wake-on-LAN on IF (default: the default route's "
           "interface)",
           "IF");
  AddValue(*local_app, "--action", local.action, "poweroff (default) or reboot",
           "ACTION")
      ->check(action_check);
  local_app->add_flag("--dry-run", local.dry_run,
                      "Print what would be done and do nothing");

  if (auto status = ParseCommandLine(app, argc, argv, diag)) return *status;
  diag.set_verbosity(common.Verbosity());

  CLI::App* sub =
      app.get_subcommands().empty() ? nullptr : app.get_subcommands().front();
  if (sub != nullptr) {
    // Sender options before (or, through fallthrough, after) a subcommand
    // would be silently ignored: say so instead.
    for (CLI::Option* option : sender_only) {
      if (option->count() == 0) continue;
      std::string name = option->get_lnames().empty()
                             ? option->get_name()
                             : "--" + option->get_lnames().front();
      if (option->get_positional())
        diag.Error("unexpected argument '{}'", option->results().front());
      else
        diag.Error("{} does not apply to '{}'", name, sub->get_name());
      diag.Error("try '{} --help' for more information", HelpCommand(app));
      return kExitUsage;
    }
  }

  if (sub == keygen_app)
    return RunMain(diag, [&] { return RunKeygen(keygen, diag); });
  if (sub == listen_app)
    return RunMain(diag, [&] { return RunListen(listen, diag); });
  if (sub == local_app)
    return RunMain(diag, [&] { return RunLocal(local, diag); });
  send.stdin_is_tty = ::isatty(STDIN_FILENO) == 1;
  return RunMain(diag, [&] { return RunSender(send, diag); });
}
