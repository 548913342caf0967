#pragma once
// Which file a (remapped) request name may refer to, decided on the name
// alone: the result is a path relative to ROOT, or a refusal with the TFTP
// error to send. The final check - that symlinks on the way stay inside ROOT
// - needs the file system and is made when opening (openat2 RESOLVE_BENEATH,
// see os/root_dir.h).
//
// Rules:
//  - an empty name is an illegal operation (ERROR 4), as in tftpd-hpa;
//  - control characters (0x01-0x1f, 0x7f) and NUL are refused (ERROR 2);
//  - a backslash or a drive letter ("C:") left over after remapping is
//    refused (ERROR 2): add remap rules to translate Windows names;
//  - any ".." component is refused (ERROR 2);
//  - a name that starts with ROOT itself ("/srv/tftp/pxelinux.0", a common
//    DHCP mistake) is taken relative to ROOT, and flagged;
//  - any other absolute name is looked up relative to ROOT (as tftpd-hpa -s
//    does); it is flagged so that, when nothing is found there, the refusal
//    says that absolute paths outside ROOT are not served (ERROR 2);
//  - "." components and repeated slashes are dropped.

#include <string>
#include <string_view>

#include "tftp/packet.h"

namespace pxekit::tftp {

struct PathDecision {
  bool ok = false;
  std::string relative;   // ok: the path below ROOT, never empty
  bool absolute = false;  // the name was absolute (not under ROOT's path)
  bool had_root_prefix = false;
  ErrorCode error = ErrorCode::kAccessViolation;  // !ok
  std::string reason;  // !ok: for the log and the client
};

// `root` is ROOT as given on the command line (for the prefix check).
PathDecision ConfinePath(std::string_view name, std::string_view root);

}  // namespace pxekit::tftp
