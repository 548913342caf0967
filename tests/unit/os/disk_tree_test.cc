// DiskTree: the real BootTree, over a scratch directory.
#include "os/disk_tree.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "unit/scratch_dir.h"

namespace pxekit {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& path, const std::string& text, fs::perms mode) {
  std::ofstream(path) << text;
  fs::permissions(path, mode);
}

}  // namespace

TEST_CASE("DiskTree lists and reads a TFTP root and follows file symlinks",
          "[os]") {
  ScratchDir scratch;
  REQUIRE_FALSE(scratch.path.empty());
  fs::path root = fs::path(scratch.path) / "root";
  fs::create_directories(root / "pxelinux.cfg");
  fs::create_directories(root / "boot");
  const auto world = fs::perms::owner_read | fs::perms::owner_write |
                     fs::perms::group_read | fs::perms::others_read;
  WriteFile(root / "pxelinux.cfg/default", "DEFAULT linux\n", world);
  WriteFile(root / "boot/vmlinuz", "kernel", fs::perms::owner_read);
  WriteFile(fs::path(scratch.path) / "pxelinux.0", "loader", world);
  // Debian's netboot tree links pxelinux.0 into the root.
  fs::create_symlink(fs::path(scratch.path) / "pxelinux.0",
                     root / "pxelinux.0");
  // A symlinked directory is not walked (a loop cannot stall the walk).
  fs::create_directory_symlink(root, root / "boot/loop");

  DiskTree tree(root);
  CHECK(tree.ListFiles() == std::vector<std::string>{"boot/vmlinuz",
                                                     "pxelinux.0",
                                                     "pxelinux.cfg/default"});
  CHECK(tree.ListDirectory("") ==
        std::vector<std::string>{"boot", "pxelinux.0", "pxelinux.cfg"});
  CHECK(tree.ListDirectory("boot") ==
        std::vector<std::string>{"loop", "vmlinuz"});
  CHECK(tree.ListDirectory("missing").empty());
  CHECK(tree.IsFile("pxelinux.0"));
  CHECK(tree.IsFile("pxelinux.cfg/default"));
  CHECK_FALSE(tree.IsFile("pxelinux.cfg"));
  CHECK_FALSE(tree.IsFile(""));
  CHECK_FALSE(tree.IsFile("missing"));
  CHECK(tree.IsWorldReadable("pxelinux.cfg/default"));
  CHECK_FALSE(tree.IsWorldReadable("boot/vmlinuz"));
  auto text = tree.ReadFile("pxelinux.cfg/default");
  REQUIRE(text.ok());
  CHECK(*text == "DEFAULT linux\n");
  CHECK_FALSE(tree.ReadFile("missing").ok());
}

}  // namespace pxekit
