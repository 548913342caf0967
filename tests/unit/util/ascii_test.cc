#include "util/ascii.h"

#include <catch2/catch.hpp>

namespace pxekit {

TEST_CASE("AsciiLower lowers A to Z only", "[util][ascii]") {
  CHECK(AsciiLower("PXEClient:Arch:00007") == "pxeclient:arch:00007");
  CHECK(AsciiLower("") == "");
  CHECK(AsciiLower("@[`{") == "@[`{");  // the neighbours of A-Z and a-z
  CHECK(AsciiLower("\xC3\x89T\xC3\x89") == "\xC3\x89t\xC3\x89");  // ÉTÉ
  CHECK(AsciiToLower('Z') == 'z');
  CHECK(AsciiToLower('z') == 'z');
  CHECK(AsciiToLower('\xC9') == '\xC9');
}

TEST_CASE("EqualsIgnoreAsciiCase compares without A to Z case",
          "[util][ascii]") {
  CHECK(EqualsIgnoreAsciiCase("Domain-Name", "domain-NAME"));
  CHECK(EqualsIgnoreAsciiCase("", ""));
  CHECK_FALSE(EqualsIgnoreAsciiCase("label", "labels"));
  CHECK_FALSE(EqualsIgnoreAsciiCase("@", "`"));                // 0x40 vs 0x60
  CHECK_FALSE(EqualsIgnoreAsciiCase("\xC3\xA9", "\xC3\x89"));  // é vs É
}

}  // namespace pxekit
