#include <cerrno>
#include <cstdio>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "os/file.h"
#include "os/unique_fd.h"

namespace pxekit {

TEST_CASE("UniqueFd closes and releases and keeps errno", "[os]") {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(raw >= 0);
  {
    UniqueFd fd(raw);
    CHECK(fd.valid());
    UniqueFd moved(std::move(fd));
    CHECK_FALSE(fd.valid());
    CHECK(moved.get() == raw);
    errno = EXDEV;
    moved.reset();
    CHECK(errno == EXDEV);
  }
  CHECK(::fcntl(raw, F_GETFD) == -1);  // closed

  int again = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  UniqueFd owner(again);
  int released = owner.release();
  CHECK_FALSE(owner.valid());
  CHECK(::fcntl(released, F_GETFD) != -1);
  ::close(released);
}

TEST_CASE("ReadFileContents reads files and reports errno", "[os]") {
  char path[] = "/tmp/pxekit-os-test-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, "aa:bb\n", 6) == 6);
  ::close(fd);

  auto content = ReadFileContents(path);
  REQUIRE(content.ok());
  CHECK(*content == "aa:bb\n");

  auto too_big = ReadFileContents(path, 3);
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.failure().sys_errno == EFBIG);
  ::unlink(path);

  auto missing = ReadFileContents(path);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.failure().sys_errno == ENOENT);
  CHECK(missing.error() == "No such file or directory");

  auto directory = ReadFileContents("/");
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.failure().sys_errno == EISDIR);
}

}  // namespace pxekit
