#pragma once
// Client system architectures of option 93 (IANA "Processor Architecture
// Types", RFC 4578 + erratum 4624). Codes 7 and 9 both mean x64 UEFI: RFC
// 4578 and IANA disagree on which is which, and firmware sends either.

#include <cstdint>
#include <string_view>

namespace pxekit {

enum class BootFamily {
  kBios,  // x86 BIOS (also arch absent)
  kX64Uefi,
  kIa32Uefi,
  kArm64Uefi,
  kArm32Uefi,
  kOther,
};

struct ArchInfo {
  std::uint16_t code;
  std::string_view name;
  BootFamily family;
  bool http;  // UEFI/BIOS HTTP boot variant
};

// nullptr for codes not in the table.
const ArchInfo* FindArch(std::uint16_t code);
std::string_view BootFamilyName(BootFamily family);

}  // namespace pxekit
