#pragma once

#include <string>
#include <vector>

#include "cli/common_options.h"

namespace pxekit {

class Diag;

// The command line, as given (checked in RunTftpd).
struct TftpdOptions {
  CommonOptions common;
  std::string root;
  std::string address = "0.0.0.0:69";  // -a ADDR[:PORT]
  bool secure = false;                  // -s
  bool create = false;                  // -c
  std::string user;                     // -u; empty: nobody when root
  std::string umask;                    // -U, octal; empty: not given
  bool permissive = false;              // -p
  int blocksize = 1468;                 // -B
  std::string port_range;               // -R LO:HI
  std::string map_file;                 // -m
  std::vector<std::string> refuse;      // -r
  long retransmit_us = 1000000;         // -T
  bool listen = false;                  // -l (accepted, no effect)
  bool foreground = false;              // -L (accepted, no effect)
  int max_window = 64;                  // -W
  int max_clients = 500;                // --max-clients
};

// Sets up (map file, ROOT, socket, chroot, privileges) and serves until
// SIGTERM or SIGINT. Returns the exit status.
int RunTftpd(TftpdOptions& options, Diag& diag);

}  // namespace pxekit
