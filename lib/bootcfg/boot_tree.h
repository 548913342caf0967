#pragma once
// The files under a TFTP root, as the checker and `lookup` see them. The
// seam between pure checking and the disk: os/disk_tree.h reads a real
// directory, tests and fuzzers use MemoryTree (tests/support/memory_tree.h).
// Paths are relative to the root, '/'-separated, without a leading '/'.

#include <string>
#include <vector>

#include "util/result.h"

namespace pxekit {

class BootTree {
 public:
  virtual ~BootTree() = default;
  // Every regular file (symlinks followed), sorted.
  virtual std::vector<std::string> ListFiles() const = 0;
  // The names in one directory ("" is the root); empty when there is none.
  virtual std::vector<std::string> ListDirectory(
      const std::string& dir) const = 0;
  virtual bool IsFile(const std::string& path) const = 0;
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  // Readable by "other": tftpd-hpa (without -p) serves nothing else, since
  // it runs as an unprivileged user.
  virtual bool IsWorldReadable(const std::string& path) const = 0;
};

// "a/b/c" -> "a/b"; "c" -> "".
std::string ParentPath(const std::string& path);
// "a/b/c" -> "c".
std::string BaseName(const std::string& path);

}  // namespace pxekit
