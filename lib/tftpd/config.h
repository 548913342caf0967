#pragma once
// pxe-tftpd's command line (tftpd-hpa's flags) turned into the daemon's
// configuration, decided without the system: no passwd lookup, no files, no
// sockets. The program checks what needs the system (ROOT, the user, the
// map file) and turns a failure here into exit status 64.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tftpd/request_handler.h"
#include "util/ipv4.h"
#include "util/result.h"

namespace pxekit::tftp {

// The flags as given (see man pxe-tftpd), CLI11 fills them.
struct TftpdFlags {
  std::string root;
  std::string address = "0.0.0.0:69";  // -a ADDR[:PORT]
  bool secure = false;                 // -s
  bool create = false;                 // -c
  std::string user;                    // -u; empty: nobody when root
  std::string umask;                   // -U, octal; empty: not given
  bool permissive = false;             // -p
  int blocksize = 1468;                // -B
  std::string port_range;              // -R LO:HI
  std::string map_file;                // -m
  std::vector<std::string> refuse;     // -r
  long retransmit_us = 1000000;        // -T
  bool listen = false;                 // -l (accepted, no effect)
  bool foreground = false;             // -L (accepted, no effect)
  int max_window = 64;                 // -W
  int max_clients = 500;               // --max-clients
  int workers = 0;                     // --workers; 0: one per CPU
};

struct ListenAddress {
  Ipv4Addr address;
  std::uint16_t port = 69;
};

struct PortRange {
  std::uint16_t lo = 0;
  std::uint16_t hi = 0;
};

struct TftpdConfig {
  ListenAddress listen;
  ServerPolicy policy;                  // policy.root is ROOT as given
  std::optional<PortRange> port_range;  // -R; none: the kernel picks
  std::size_t max_clients = 500;
  std::size_t workers = 0;  // --workers as given; see tftp::PlanWorkers
  // The user to run requests as; empty: stay who we are. Without root the
  // named user cannot be switched to: `user_ignored` says so (a warning).
  std::string user;
  bool drop_privileges = false;
  bool user_ignored = false;
  // -s: chroot into ROOT, which needs root; else `secure_ignored`.
  bool chroot = false;
  bool secure_ignored = false;
  // The umask for created files: -U, else 0 (tftpd-hpa: new files are
  // world-readable and -writable) unless -p, which inherits it.
  std::optional<unsigned> umask;
};

// tftpd-hpa's -a: [ADDR][:PORT], IPv4 only ("[::1]:69" is refused).
Result<ListenAddress> ParseListenAddress(const std::string& text);
// -R LO:HI with 1 <= LO <= HI <= 65535.
Result<PortRange> ParsePortRange(const std::string& text);
// -U: octal 0-777.
Result<unsigned> ParseUmask(const std::string& text);

// Every flag checked and merged; the failure message names the flag.
Result<TftpdConfig> MakeTftpdConfig(const TftpdFlags& flags,
                                    bool started_as_root);

}  // namespace pxekit::tftp
