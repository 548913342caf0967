#pragma once
// Where a boot loader's file name lands under the TFTP root (pxekit(7),
// pxelinux): unqualified names are relative to the loader's working directory,
// "::name" and "/name" to the root; "host::name" and URLs are elsewhere.

#include <string>
#include <string_view>

#include "util/result.h"

namespace pxekit {

struct TftpPath {
  enum class Kind {
    kLocal,   // `path` is the file under the root
    kRemote,  // another server or a URL: nothing to check here
  };
  Kind kind = Kind::kLocal;
  std::string path;           // normalised, relative to the root
  bool has_dot_dot = false;   // a ".." component (refused by most servers)
  bool escapes_root = false;  // ".." climbed above the root (clamped there)
  std::size_t request_length = 0;  // length of the name the loader sends
};

TftpPath ResolveTftpPath(std::string_view cwd, std::string_view name);

// A directory option naming a place under the TFTP root (--grub-prefix),
// normalised ("/boot//grub/" -> "boot/grub"; a leading '/' is the root).
// Fails when it has a ".." component, which could lead out of the root.
Result<std::string> DirectoryUnderRoot(std::string_view option,
                                       std::string_view dir);

}  // namespace pxekit
