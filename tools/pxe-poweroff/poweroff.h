#pragma once
// pxe-poweroff's forms, each run after option parsing with its own options:
//   sender (no subcommand)  sender.cc
//   keygen                  keys.cc
//   listen                  daemon.cc
//   local                   local.cc
// and what listen and local share (arming WoL, the power command) in
// power_off.h.

#include <string>
#include <vector>

#include "cli/common_options.h"
#include "power/power_packet.h"

namespace pxekit {

class Diag;

inline constexpr const char* kDefaultPrivateKey = "/etc/pxekit/poweroff.key";
inline constexpr const char* kDefaultPublicKey = "/etc/pxekit/poweroff.key.pub";
inline constexpr int kDefaultWaitSeconds = 10;
inline constexpr int kMaxWaitSeconds = 3600;

struct SenderOptions {
  std::string key = kDefaultPrivateKey;
  int port = kPowerDefaultPort;
  std::string action = "poweroff";
  int wait_seconds = kDefaultWaitSeconds;
  std::string interface;  // -I
  std::string file;       // -f; "-" is stdin
  std::vector<std::string> hosts;
  bool stdin_is_tty = false;
};

struct KeygenOptions {
  std::string out;
  bool force = false;
};

struct ListenOptions {
  std::vector<std::string> keys;  // public keys; default kDefaultPublicKey
  int port = kPowerDefaultPort;
  std::string interface;
  std::string wol_interface;
  bool dry_run = false;
  std::string exec;
};

struct LocalOptions {
  std::string wol_interface;
  std::string action = "poweroff";
  bool dry_run = false;
};

// "poweroff" / "reboot" as CLI11 checked them.
PowerAction ActionFromName(const std::string& name);

int RunSender(const SenderOptions& options, Diag& diag);
int RunKeygen(const KeygenOptions& options, Diag& diag);
int RunListen(const ListenOptions& options, Diag& diag);
int RunLocal(const LocalOptions& options, Diag& diag);

}  // namespace pxekit
