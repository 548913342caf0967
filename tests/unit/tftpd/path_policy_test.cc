#include "tftpd/path_policy.h"

#include <catch2/catch.hpp>

using namespace pxekit::tftp;

TEST_CASE("Plain names are served relative to ROOT") {
  auto d = ConfinePath("pxelinux.cfg/default", "/srv/tftp");
  REQUIRE(d.ok);
  CHECK(d.relative == "pxelinux.cfg/default");
  CHECK_FALSE(d.absolute);
}

TEST_CASE("Leading and repeated slashes and . components are dropped") {
  auto d = ConfinePath("//sub/./f", "/srv/tftp");
  REQUIRE(d.ok);
  CHECK(d.relative == "sub/f");
  CHECK(d.absolute);
}

TEST_CASE("A name starting with ROOT itself is taken relative to it") {
  auto d = ConfinePath("/srv/tftp/pxelinux.0", "/srv/tftp/");
  REQUIRE(d.ok);
  CHECK(d.relative == "pxelinux.0");
  CHECK(d.had_root_prefix);
  CHECK_FALSE(d.absolute);
  // Only at a component boundary.
  auto other = ConfinePath("/srv/tftpx/f", "/srv/tftp");
  REQUIRE(other.ok);
  CHECK(other.relative == "srv/tftpx/f");
  CHECK(other.absolute);
}

TEST_CASE("The traversal corpus is refused with ERROR 2") {
  for (const char* name : {"../secret.txt", "sub/../sub/f", "a/..", "..",
                           "/../etc/passwd", "sub\\..\\f", "C:\\boot", "c:boot",
                           "a\x01"
                           "b",
                           "a\x7f", "x\tb", "a\nb", "\\\\server\\share"}) {
    INFO(name);
    auto d = ConfinePath(name, "/srv/tftp");
    CHECK_FALSE(d.ok);
    CHECK(d.error == ErrorCode::kAccessViolation);
    CHECK_FALSE(d.reason.empty());
  }
}

TEST_CASE("Names of the root directory itself are refused") {
  CHECK_FALSE(ConfinePath("/", "/srv/tftp").ok);
  CHECK_FALSE(ConfinePath("./", "/srv/tftp").ok);
}

TEST_CASE("An empty name is an illegal operation (ERROR 4)") {
  auto d = ConfinePath("", "/srv/tftp");
  CHECK_FALSE(d.ok);
  CHECK(d.error == ErrorCode::kIllegalOperation);
}

TEST_CASE("Dots inside names are fine") {
  auto d = ConfinePath("a..b/..c", "/srv/tftp");
  REQUIRE(d.ok);
  CHECK(d.relative == "a..b/..c");
}
