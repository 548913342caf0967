#pragma once
// `pxe-mkcfg check`: everything wrong in a TFTP tree's boot configs that a
// boot would only reveal on the screen of a machine that fails to start
// (pxekit(7), pxe-mkcfg(1)). Pure: the tree comes in through BootTree.
//
// pxelinux: every file in each pxelinux.cfg/ directory is an entry config,
// with the directory above as the loader's working directory; INCLUDE and
// MENU INCLUDE are followed (16 deep at most). GRUB: every grub.cfg* file,
// with paths from the TFTP root. iPXE: every *.ipxe file, with relative
// paths from its own directory.

#include <cstddef>
#include <string>
#include <vector>

namespace pxekit {

class BootTree;

struct Finding {
  std::string file;      // relative to the root
  std::size_t line = 0;  // 0 when it concerns the whole file
  std::string message;

  friend bool operator<(const Finding& a, const Finding& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.message < b.message;
  }
  friend bool operator==(const Finding&, const Finding&) = default;
};

// Sorted by file and line, without duplicates. `configs_checked`, when
// given, receives the number of pxelinux.cfg and grub.cfg files found, so
// that a caller can tell a clean tree from one with nothing to check.
std::vector<Finding> CheckBootTree(const BootTree& tree,
                                   std::size_t* configs_checked = nullptr);

inline constexpr int kMaxIncludeDepth = 16;
inline constexpr std::size_t kMaxPxelinuxPath = 127;

}  // namespace pxekit
