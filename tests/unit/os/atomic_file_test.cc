#include "os/atomic_file.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "unit/scratch_dir.h"

#include "os/file.h"

namespace pxekit {
TEST_CASE("AtomicWriteFile creates and replaces and leaves no temp files",
          "[os][atomic]") {
  ScratchDir dir;
  std::string target = dir.Path("default");
  Failure failure;
  REQUIRE(AtomicWriteFile(target, "first\n", 0644, &failure));
  CHECK(*ReadFileContents(target) == "first\n");
  REQUIRE(AtomicWriteFile(target, "second\n", 0644, &failure));
  CHECK(*ReadFileContents(target) == "second\n");

  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);

  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("AtomicWriteFile reports the failing step and errno",
          "[os][atomic]") {
  ScratchDir dir;
  Failure failure;
  CHECK_FALSE(
      AtomicWriteFile(dir.path + "/no/such/dir/file", "x", 0644, &failure));
  CHECK(failure.sys_errno == ENOENT);
  CHECK(failure.message.starts_with("create temporary file: "));
}

TEST_CASE("AtomicWriteFile keeps the old file when the rename fails",
          "[os][atomic]") {
  ScratchDir dir;
  // A directory in the way: rename(file, dir) fails with EISDIR.
  std::string target = dir.path + "/taken";
  std::filesystem::create_directory(target);
  Failure failure;
  CHECK_FALSE(AtomicWriteFile(target, "x", 0644, &failure));
  CHECK(failure.sys_errno == EISDIR);
  CHECK(std::filesystem::is_directory(target));
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);  // the temporary file was removed
}

}  // namespace pxekit
