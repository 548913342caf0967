#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/common_options.h"
#include "wol/send_plan.h"

namespace pxekit {

class Diag;

struct WakeonlanOptions {
  CommonOptions common;
  WakeOptions wake;
  std::string ip;    // -i as given; empty when not given
  std::string file;  // -f as given; "-" is stdin
  std::string password;
  std::vector<std::string> macs;
  int count = 1;
  int interval_ms = 100;
  bool dry_run = false;
  bool stdin_is_tty = false;
};

// Everything after option parsing: read the targets, plan, send (or print
// the plan). Returns the exit status.
int RunWakeonlan(WakeonlanOptions& options, Diag& diag);

}  // namespace pxekit
