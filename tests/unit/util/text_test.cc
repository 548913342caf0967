#include "util/text.h"
#include "util/hex.h"

#include <catch2/catch.hpp>

namespace pxekit {

TEST_CASE("Hex round-trips and rejects bad digits", "[hex]") {
  const std::vector<std::uint8_t> bytes = {0x00, 0xff, 0x1a, 0xb2};
  CHECK(ToHex(bytes) == "00ff1ab2");
  CHECK(FromHex("00FF1aB2") == bytes);
  CHECK_FALSE(FromHex("0").has_value());
  CHECK_FALSE(FromHex("0g").has_value());
  CHECK(FromHex("")->empty());
}

TEST_CASE("Messages quote user text safely", "[text]") {
  CHECK(DescribeChar('x') == "'x'");
  CHECK(DescribeChar('\x1b') == "byte 0x1b");
  CHECK(DescribeChar('\xff') == "byte 0xff");
  CHECK(QuoteForMessage("eth0") == "'eth0'");
  CHECK(QuoteForMessage("a\x1b[2Jb\\") == "'a\\x1b[2Jb\\x5c'");
  CHECK(QuoteForMessage(std::string("\xff\x00\x7f", 3)) == "'\\xff\\x00\\x7f'");
  CHECK(TrimAsciiSpace(" \t x y \r\n") == "x y");
  CHECK(TrimAsciiSpace("   ").empty());
}

}  // namespace pxekit

TEST_CASE("A leading UTF-8 byte-order mark is skipped and nothing else",
          "[text]") {
  using pxekit::SkipUtf8Bom;
  CHECK(SkipUtf8Bom("\xEF\xBB\xBF"
                    "aa:bb") == "aa:bb");
  CHECK(SkipUtf8Bom("\xEF\xBB\xBF") == "");
  CHECK(SkipUtf8Bom("aa:bb") == "aa:bb");
  CHECK(SkipUtf8Bom("") == "");
  CHECK(SkipUtf8Bom("\xEF\xBB") == "\xEF\xBB");
  CHECK(SkipUtf8Bom("x\xEF\xBB\xBF") == "x\xEF\xBB\xBF");
  CHECK(SkipUtf8Bom("\xEF\xBB\xBF\xEF\xBB\xBF"
                    "a") ==
        "\xEF\xBB\xBF"
        "a");
}

TEST_CASE("TakeLine splits at LF and drops the CR before it", "[text]") {
  std::string_view text = "a\r\nb\n\nc\r";
  CHECK(pxekit::TakeLine(text) == "a");
  CHECK(pxekit::TakeLine(text) == "b");
  CHECK(pxekit::TakeLine(text) == "");
  CHECK(pxekit::TakeLine(text) == "c");
  CHECK(text.empty());
  std::string_view lone_cr = "x\ry\n";
  CHECK(pxekit::TakeLine(lone_cr) == "x\ry");
}

TEST_CASE("Source messages point a caret at the column", "[text]") {
  CHECK(pxekit::FormatSourceMessage("f.conf", 3, 5, "bad", "ab\tcd\x01") ==
        "f.conf:3:5: bad\n  ab cd?\n      ^");
  CHECK(pxekit::FormatSourceMessage("f.conf", 0, 0, "empty", "") ==
        "f.conf: empty");
  CHECK(pxekit::FormatSourceMessage("f.conf", 2, 1, "x", "") ==
        "f.conf:2:1: x");
  CHECK(pxekit::SourceCaret("abc", 1) == "  abc\n  ^");
  CHECK(pxekit::SourceCaret("abc", 9) == "  abc\n     ^");
}
