#pragma once
// The exit statuses every pxekit program documents (sysexits.h values, so
// shell scripts and systemd can tell a typo from a dead interface).

namespace pxekit {

enum ExitCode : int {
  kExitOk = 0,
  kExitSomeFailed = 1,    // some targets failed; the others were done
  kExitUsage = 64,        // EX_USAGE: bad command line
  kExitDataErr = 65,      // EX_DATAERR: bad input data (a list line, a packet)
  kExitNoInput = 66,      // EX_NOINPUT: an input file is missing or unreadable
  kExitUnavailable = 69,  // EX_UNAVAILABLE: interface or service unavailable
  kExitOsErr = 71,        // EX_OSERR: an OS call failed
  kExitIoErr = 74,        // EX_IOERR: reading or writing failed
  kExitNoPerm = 77,       // EX_NOPERM: permission denied
  kExitConfig = 78,       // EX_CONFIG: bad configuration file
};

// The status for an error that came from a system call on an input file.
int ExitCodeForFileErrno(int err);
// The status for an error that came from socket or netlink set-up.
int ExitCodeForSocketErrno(int err);

}  // namespace pxekit
