#pragma once
// Replacing a file so that readers (a TFTP server serving it right now)
// see either the old content or the new, never a half-written file, and a
// crash leaves one of the two on disk: write a temporary file in the same
// directory, fsync it, rename it over the target, fsync the directory.

#include <string>
#include <string_view>

#include <sys/types.h>

#include "util/result.h"

namespace pxekit {

// `mode` is applied as given (not masked by the umask): boot files must be
// world-readable for tftpd-hpa whatever the caller's umask. On failure the
// temporary file is removed and `failure` says which step failed, with
// sys_errno set.
bool AtomicWriteFile(const std::string& path, std::string_view content,
                     mode_t mode, Failure* failure);

// The same, and the new file gets this owner too (fchown before the
// rename), so that replacing a file keeps its mode and its owner.
struct FileOwner {
  uid_t uid;
  gid_t gid;
};
bool AtomicWriteFile(const std::string& path, std::string_view content,
                     mode_t mode, const FileOwner* owner, Failure* failure);

}  // namespace pxekit
