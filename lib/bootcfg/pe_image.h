#pragma once
// PE/COFF images as UEFI firmware and shim load them: enough of the headers
// to tell whether an image carries an Authenticode signature, which Secure
// Boot firmware (for shim) and shim (for GRUB and the kernel) require.
// Microsoft "PE Format": MS-DOS stub (e_lfanew at 0x3c), "PE\0\0", the COFF
// file header, the optional header (PE32 0x10b or PE32+ 0x20b) whose data
// directory 4 is the attribute certificate table (a *file offset* and a
// size), and the section table. A certificate table entry is a
// WIN_CERTIFICATE: dwLength, wRevision (0x0200), wCertificateType (0x0002,
// PKCS#7 SignedData = Authenticode).
//
// Pure codec: the whole file in, a description or the reason it is not a PE
// image out. Little-endian throughout; every offset is checked against the
// size of the input (sizes compared, never pointers). Bytes after the last
// section or the certificate table are allowed (shim hashes them).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "util/result.h"

namespace pxekit {

inline constexpr std::uint16_t kPeMachineAmd64 = 0x8664;
inline constexpr std::uint16_t kPeMachineArm64 = 0xaa64;
inline constexpr std::uint16_t kPeSubsystemEfiApplication = 10;

enum class PeSignature {
  kNone,          // no certificate table: unsigned
  kAuthenticode,  // a WIN_CERTIFICATE of type PKCS#7 SignedData
  kMalformed,     // a table that points outside the file or holds junk
};

struct PeImage {
  std::uint16_t machine = 0;
  bool pe32_plus = false;
  std::uint16_t subsystem = 0;
  std::uint32_t cert_offset = 0;  // data directory 4: file offset
  std::uint32_t cert_size = 0;
  bool has_sbat = false;  // a .sbat section (shim needs it in what it loads)
  PeSignature signature = PeSignature::kNone;
  std::string signature_problem;  // why, for kMalformed
};

// Whether `data` starts like a PE image ("MZ"): the cheap test before
// ParsePeImage, to tell "not an EFI binary at all" from a broken one.
bool LooksLikePe(std::span<const std::uint8_t> data);

// The headers of the image `data` (the whole file). Fails, saying where,
// when it is not a PE image or its headers run past the end.
Result<PeImage> ParsePeImage(std::span<const std::uint8_t> data);

}  // namespace pxekit
