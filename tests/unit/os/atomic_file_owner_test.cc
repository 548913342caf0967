// AtomicWriteFile with an owner: the replacement gets the old file's owner
// and mode (pxe-exports keeps both when it rewrites an exports file).
#include <string>

#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "os/atomic_file.h"
#include "os/file.h"
#include "unit/scratch_dir.h"

namespace pxekit {

TEST_CASE("AtomicWriteFile with an owner gives the new file that owner",
          "[os][atomic]") {
  ScratchDir dir;
  std::string target = dir.Path("pxekit.exports");
  // As root, another owner (nobody); otherwise the caller's own ids, which
  // chown accepts too.
  FileOwner owner = ::geteuid() == 0 ? FileOwner{65534, 65534}
                                     : FileOwner{::geteuid(), ::getegid()};
  Failure failure;
  REQUIRE(AtomicWriteFile(target, "one\n", 0640, &owner, &failure));
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK(st.st_uid == owner.uid);
  CHECK(st.st_gid == owner.gid);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(*ReadFileContents(target) == "one\n");
  // Without an owner, the caller's.
  REQUIRE(AtomicWriteFile(target, "two\n", 0600, nullptr, &failure));
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK(st.st_uid == ::geteuid());
  CHECK((st.st_mode & 07777) == 0600);
}

}  // namespace pxekit
