#include "boot/client_arch.h"

#include <array>

#include "util/enum_names.h"

namespace pxekit {
namespace {

using F = BootFamily;

constexpr std::array kArchs{
    ArchInfo{0, "x86 BIOS", F::kBios, false},
    ArchInfo{1, "NEC/PC98 (deprecated)", F::kOther, false},
    ArchInfo{2, "Itanium", F::kOther, false},
    ArchInfo{3, "DEC Alpha (deprecated)", F::kOther, false},
    ArchInfo{4, "Arc x86 (deprecated)", F::kOther, false},
    ArchInfo{5, "Intel Lean Client (deprecated)", F::kOther, false},
    ArchInfo{6, "x86 UEFI", F::kIa32Uefi, false},
    ArchInfo{7, "x64 UEFI", F::kX64Uefi, false},
    ArchInfo{8, "Xscale UEFI (deprecated)", F::kOther, false},
    ArchInfo{9, "x64 UEFI (EBC code)", F::kX64Uefi, false},
    ArchInfo{10, "ARM32 UEFI", F::kArm32Uefi, false},
    ArchInfo{11, "ARM64 UEFI", F::kArm64Uefi, false},
    ArchInfo{12, "PowerPC Open Firmware", F::kOther, false},
    ArchInfo{13, "PowerPC ePAPR", F::kOther, false},
    ArchInfo{14, "POWER OPAL v3", F::kOther, false},
    ArchInfo{15, "x86 UEFI HTTP", F::kIa32Uefi, true},
    ArchInfo{16, "x64 UEFI HTTP", F::kX64Uefi, true},
    ArchInfo{17, "EBC UEFI HTTP", F::kX64Uefi, true},
    ArchInfo{18, "ARM32 UEFI HTTP", F::kArm32Uefi, true},
    ArchInfo{19, "ARM64 UEFI HTTP", F::kArm64Uefi, true},
    ArchInfo{20, "x86 BIOS HTTP", F::kBios, true},
    ArchInfo{21, "ARM32 U-Boot", F::kOther, false},
    ArchInfo{22, "ARM64 U-Boot", F::kOther, false},
    ArchInfo{23, "ARM32 U-Boot HTTP", F::kOther, true},
    ArchInfo{24, "ARM64 U-Boot HTTP", F::kOther, true},
    ArchInfo{25, "RISC-V 32 UEFI", F::kOther, false},
    ArchInfo{26, "RISC-V 32 UEFI HTTP", F::kOther, true},
    ArchInfo{27, "RISC-V 64 UEFI", F::kOther, false},
    ArchInfo{28, "RISC-V 64 UEFI HTTP", F::kOther, true},
    ArchInfo{29, "RISC-V 128 UEFI", F::kOther, false},
    ArchInfo{30, "RISC-V 128 UEFI HTTP", F::kOther, true},
    ArchInfo{31, "s390 Basic", F::kOther, false},
    ArchInfo{32, "s390 Extended", F::kOther, false},
    ArchInfo{33, "MIPS32 UEFI", F::kOther, false},
    ArchInfo{34, "MIPS64 UEFI", F::kOther, false},
    ArchInfo{35, "Sunway 32 UEFI", F::kOther, false},
    ArchInfo{36, "Sunway 64 UEFI", F::kOther, false},
    ArchInfo{37, "LoongArch32 UEFI", F::kOther, false},
    ArchInfo{38, "LoongArch32 UEFI HTTP", F::kOther, true},
    ArchInfo{39, "LoongArch64 UEFI", F::kOther, false},
    ArchInfo{40, "LoongArch64 UEFI HTTP", F::kOther, true},
    ArchInfo{41, "ARM rpiboot", F::kOther, false},
};

}  // namespace

const ArchInfo* FindArch(std::uint16_t code) {
  return code < kArchs.size() ? &kArchs[code] : nullptr;
}

std::string_view BootFamilyName(BootFamily family) {
  // In the order of BootFamily.
  static constexpr std::array<std::string_view, 6> kNames = {
      "BIOS", "x64 UEFI", "x86 UEFI", "ARM64 UEFI", "ARM32 UEFI", "other"};
  static_assert(kNames.size() == EnumCount(BootFamily::kOther));
  return EnumName(family, kNames, "other");
}

}  // namespace pxekit
