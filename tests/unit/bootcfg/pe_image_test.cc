#include "bootcfg/pe_image.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "pe_fixture.h"

namespace pxekit {
namespace {

std::span<const std::uint8_t> Span(const std::vector<std::uint8_t>& bytes) {
  return {bytes.data(), bytes.size()};
}

TEST_CASE("pe_image: a signed PE32+ EFI application", "[bootcfg][pe]") {
  auto bytes = test::MakePe({.signed_image = true});
  auto image = ParsePeImage(Span(bytes));
  REQUIRE(image.ok());
  CHECK(image->machine == kPeMachineAmd64);
  CHECK(image->pe32_plus);
  CHECK(image->subsystem == kPeSubsystemEfiApplication);
  CHECK(image->has_sbat);
  CHECK(image->signature == PeSignature::kAuthenticode);
  CHECK(image->cert_offset == test::kPeFixtureBodySize);
  CHECK(image->cert_size == 16);
}

TEST_CASE("pe_image: no certificate table is unsigned", "[bootcfg][pe]") {
  auto image = ParsePeImage(Span(test::MakePe({})));
  REQUIRE(image.ok());
  CHECK(image->signature == PeSignature::kNone);
  CHECK(image->signature_problem.empty());
}

TEST_CASE("pe_image: PE32 and no .sbat section", "[bootcfg][pe]") {
  auto image = ParsePeImage(Span(
      test::MakePe({.pe32_plus = false, .sbat = false, .signed_image = true})));
  REQUIRE(image.ok());
  CHECK_FALSE(image->pe32_plus);
  CHECK_FALSE(image->has_sbat);
  CHECK(image->signature == PeSignature::kAuthenticode);
}

TEST_CASE("pe_image: a certificate table that is not Authenticode",
          "[bootcfg][pe]") {
  // Each case damages a signed fixture one way; `problem`, where given, is
  // part of what the parser says is wrong.
  using Bytes = std::vector<std::uint8_t>;
  struct Case {
    const char* what;
    void (*damage)(Bytes&);
    const char* problem;
  };
  const Case cases[] = {
      {"past the end of the file", [](Bytes& b) { b.pop_back(); },
       "runs past the end"},
      {"an offset near 2^32 does not wrap",
       [](Bytes& b) { test::PutU32(b, test::kPeFixtureCertEntry, 0xfffffff8); },
       nullptr},
      {"an X.509 certificate instead of PKCS#7",
       [](Bytes& b) { test::PutU16(b, test::kPeFixtureBodySize + 6, 0x0001); },
       "not an Authenticode"},
      {"a certificate longer than its table",
       [](Bytes& b) { test::PutU32(b, test::kPeFixtureBodySize, 17); },
       nullptr},
      {"size 0 with an offset",
       [](Bytes& b) { test::PutU32(b, test::kPeFixtureCertEntry + 4, 0); },
       nullptr},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Bytes bytes = test::MakePe({.signed_image = true});
    c.damage(bytes);
    auto image = ParsePeImage(Span(bytes));
    REQUIRE(image.ok());
    CHECK(image->signature == PeSignature::kMalformed);
    if (c.problem != nullptr)
      CHECK(image->signature_problem.find(c.problem) != std::string::npos);
  }
}

TEST_CASE("pe_image: not a PE image or cut short", "[bootcfg][pe]") {
  CHECK_FALSE(LooksLikePe(Span({})));
  CHECK_FALSE(ParsePeImage(Span({})).ok());
  std::vector<std::uint8_t> elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  CHECK_FALSE(LooksLikePe(Span(elf)));
  CHECK(ParsePeImage(Span(elf)).error() == "no MZ header: not a PE image");

  auto bytes = test::MakePe({.signed_image = true});
  SECTION("every truncation inside the headers fails, none crashes") {
    for (std::size_t size = 0; size < test::kPeFixtureHeaderSize; ++size) {
      std::vector<std::uint8_t> cut(bytes.begin(),
                                    bytes.begin() + static_cast<long>(size));
      CHECK_FALSE(ParsePeImage(Span(cut)).ok());
    }
  }
  SECTION("e_lfanew past the end") {
    test::PutU32(bytes, 0x3c, 0xfffffffc);
    CHECK(ParsePeImage(Span(bytes)).error().find("no PE signature") !=
          std::string::npos);
  }
  SECTION("an unknown optional header magic") {
    test::PutU16(bytes, test::kPeFixtureOptional, 0x107);
    CHECK(ParsePeImage(Span(bytes)).error().find("neither PE32") !=
          std::string::npos);
  }
  SECTION("more sections than the file holds") {
    test::PutU16(bytes, test::kPeFixtureCoff + 2, 0xffff);
    CHECK(ParsePeImage(Span(bytes)).error().find("section table") !=
          std::string::npos);
  }
  SECTION("an optional header too short for its directories") {
    test::PutU16(bytes, test::kPeFixtureCoff + 16, 112);
    CHECK_FALSE(ParsePeImage(Span(bytes)).ok());
  }
}

}  // namespace
}  // namespace pxekit
