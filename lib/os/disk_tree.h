#pragma once
// BootTree over a real directory: the TFTP root that `check` and `lookup`
// inspect. Symlinked files are followed (Debian's netboot tree links
// pxelinux.0 into the root); symlinked directories are not walked, so a
// loop cannot stall the walk.

#include <filesystem>
#include <string>
#include <vector>

#include "bootcfg/boot_tree.h"

namespace pxekit {

class DiskTree : public BootTree {
 public:
  explicit DiskTree(std::filesystem::path root) : root_(std::move(root)) {}

  std::vector<std::string> ListFiles() const override;
  std::vector<std::string> ListDirectory(const std::string& dir) const override;
  bool IsFile(const std::string& path) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  bool IsWorldReadable(const std::string& path) const override;

  // Bounds on the walk: a TFTP root is not a whole file system.
  static constexpr std::size_t kMaxEntries = 200000;
  static constexpr int kMaxDepth = 32;

 private:
  std::filesystem::path root_;
};

}  // namespace pxekit
