#include "cli/exit_codes.h"

#include <cerrno>

namespace pxekit {

int ExitCodeForFileErrno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
      return kExitNoInput;
    case EACCES:
    case EPERM:
      return kExitNoPerm;
    case EFBIG:
      return kExitDataErr;
    default:
      return kExitIoErr;
  }
}

int ExitCodeForSocketErrno(int err) {
  switch (err) {
    case EACCES:
    case EPERM:
      return kExitNoPerm;
    case ENODEV:
    case ENXIO:
    case ENETDOWN:
    case ENETUNREACH:
    case EADDRINUSE:  // a port another server holds
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
      return kExitUnavailable;
    default:
      return kExitOsErr;
  }
}

}  // namespace pxekit
