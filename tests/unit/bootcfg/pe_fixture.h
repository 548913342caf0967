#pragma once
// A minimal PE image for the Secure Boot tests (pe_image, secure_boot): an
// MS-DOS header with e_lfanew 0x40, "PE\0\0", the COFF header, a PE32+ (or
// PE32) optional header with 16 data directories, the sections .text and
// .sbat, padding to 0x400, and optionally an attribute certificate table of
// 16 bytes holding one WIN_CERTIFICATE (revision 0x0200, type 0x0002), as
// sbsign appends it. Built by hand from Microsoft's "PE Format".

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pxekit::test {

inline constexpr std::size_t kPeFixtureCoff = 0x44;
inline constexpr std::size_t kPeFixtureOptional = 0x58;
// PE32+: the directory count at 108, the table after it; entry 4.
inline constexpr std::size_t kPeFixtureCertEntry =
    kPeFixtureOptional + 112 + 4 * 8;
inline constexpr std::size_t kPeFixtureHeaderSize =
    kPeFixtureOptional + 240 + 2 * 40;
inline constexpr std::size_t kPeFixtureBodySize = 0x400;

inline void PutU16(std::vector<std::uint8_t>& b, std::size_t at,
                   std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

inline void PutU32(std::vector<std::uint8_t>& b, std::size_t at,
                   std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

struct PeFixture {
  bool pe32_plus = true;
  bool sbat = true;
  bool signed_image = false;
};

inline std::vector<std::uint8_t> MakePe(const PeFixture& f) {
  std::vector<std::uint8_t> b(kPeFixtureBodySize, 0);
  b[0] = 'M';
  b[1] = 'Z';
  PutU32(b, 0x3c, 0x40);
  b[0x40] = 'P';
  b[0x41] = 'E';
  std::uint16_t optional_size = f.pe32_plus ? 240 : 224;
  PutU16(b, kPeFixtureCoff, 0x8664);
  PutU16(b, kPeFixtureCoff + 2, f.sbat ? 2 : 1);
  PutU16(b, kPeFixtureCoff + 16, optional_size);
  PutU16(b, kPeFixtureOptional, f.pe32_plus ? 0x20b : 0x10b);
  PutU16(b, kPeFixtureOptional + 68, 10);  // EFI application
  std::size_t count_at = kPeFixtureOptional + (f.pe32_plus ? 108 : 92);
  PutU32(b, count_at, 16);
  std::size_t cert_entry = count_at + 4 + 4 * 8;
  std::size_t sections = kPeFixtureOptional + optional_size;
  const char* names[] = {".text", ".sbat"};
  for (int i = 0; i < (f.sbat ? 2 : 1); ++i) {
    std::string name = names[i];
    for (std::size_t j = 0; j < name.size(); ++j)
      b[sections + 40 * i + j] = static_cast<std::uint8_t>(name[j]);
  }
  if (f.signed_image) {
    PutU32(b, cert_entry, kPeFixtureBodySize);
    PutU32(b, cert_entry + 4, 16);
    b.resize(kPeFixtureBodySize + 16, 0xa5);
    PutU32(b, kPeFixtureBodySize, 16);
    PutU16(b, kPeFixtureBodySize + 4, 0x0200);
    PutU16(b, kPeFixtureBodySize + 6, 0x0002);
  }
  return b;
}

inline std::string MakePeString(const PeFixture& f) {
  auto b = MakePe(f);
  return {b.begin(), b.end()};
}

}  // namespace pxekit::test
