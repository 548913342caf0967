#pragma once
// The TFTP server's files: everything is opened below one directory fd with
// openat2(RESOLVE_BENEATH), so ".." and symlinks can never lead out of ROOT
// (the kernel checks every step; EXDEV when they try). Implements the
// tftp::FileStore seam; reads use pread straight into the caller's buffer.
//
// Without `permissive`, tftpd-hpa's rule applies on top of Unix permissions:
// a file is served only when world-readable, and overwritten only when
// world-writable. Only regular files are served (never directories, FIFOs
// or devices; opening is non-blocking so a FIFO cannot stall the loop).

#include <string>

#include "os/unique_fd.h"
#include "tftpd/file_store.h"
#include "util/result.h"

namespace pxekit {

struct RootDirOptions {
  bool permissive = false;      // no world-readable/-writable rule
  bool allow_create = false;    // writes may create new files
  unsigned create_mode = 0666;  // before the process umask
  // Added in parentheses to a refusal by the world-readable/-writable rule:
  // how the caller lifts it (pxe-tftpd: "see -p").
  std::string permission_hint;
};

class RootDir : public tftp::FileStore {
 public:
  // Opens `path` as the root. Throws std::system_error.
  RootDir(const std::string& path, RootDirOptions options);

  Result<std::unique_ptr<tftp::FileSource>> OpenRead(
      const std::string& relative) override;
  Result<std::unique_ptr<tftp::FileSink>> OpenWrite(
      const std::string& relative) override;

  int fd() const { return root_.get(); }

  // 0 when the calling process may look names up in ROOT (search
  // permission), else the errno every request would meet (EACCES). Call it
  // after dropping privileges: ROOT is opened before.
  int CheckLookup() const;
  // 0 when the calling process may create files in ROOT itself (write and
  // search permission), else the errno.
  int CheckCreate() const;

 private:
  // A regular file that the world-readable/-writable rule (`world_bit`)
  // allows: its size, or the refusal.
  Result<std::uint64_t> CheckOpened(const UniqueFd& fd, unsigned world_bit,
                                    const char* refusal) const;

  UniqueFd root_;
  RootDirOptions options_;
};

// openat2(dirfd, path, flags, mode, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS),
// O_CLOEXEC added. An invalid UniqueFd with errno set on failure.
UniqueFd OpenBeneath(int dirfd, const std::string& path, int flags,
                     unsigned mode = 0);

}  // namespace pxekit
