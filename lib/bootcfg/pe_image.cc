#include "bootcfg/pe_image.h"

#include <fmt/format.h>

namespace pxekit {
namespace {

constexpr std::size_t kDosLfanewAt = 0x3c;
constexpr std::size_t kCoffHeaderSize = 20;
constexpr std::size_t kSectionHeaderSize = 40;
constexpr std::uint16_t kPe32Magic = 0x10b;
constexpr std::uint16_t kPe32PlusMagic = 0x20b;
// Where the optional header keeps its fields (PE32 / PE32+).
constexpr std::size_t kSubsystemAt = 68;
constexpr std::size_t kDirectoryCountAt32 = 92;
constexpr std::size_t kDirectoryCountAt64 = 108;
constexpr std::uint32_t kCertificateDirectory = 4;
constexpr std::size_t kWinCertificateHeader = 8;
constexpr std::uint16_t kWinCertRevision2 = 0x0200;
constexpr std::uint16_t kWinCertTypePkcsSignedData = 0x0002;

// Little-endian reads at an offset; `ok` turns false, and 0 comes back, when
// the value does not fit inside `data`.
class LeView {
 public:
  explicit LeView(std::span<const std::uint8_t> data) : data_(data) {}
  bool Has(std::size_t at, std::size_t count) const {
    return at <= data_.size() && count <= data_.size() - at;
  }
  std::uint16_t U16(std::size_t at, bool& ok) const {
    if (!Has(at, 2)) return ok = false, 0;
    return static_cast<std::uint16_t>(data_[at] | (data_[at + 1] << 8));
  }
  std::uint32_t U32(std::size_t at, bool& ok) const {
    if (!Has(at, 4)) return ok = false, 0;
    return static_cast<std::uint32_t>(data_[at]) |
           static_cast<std::uint32_t>(data_[at + 1]) << 8 |
           static_cast<std::uint32_t>(data_[at + 2]) << 16 |
           static_cast<std::uint32_t>(data_[at + 3]) << 24;
  }
  std::span<const std::uint8_t> Bytes(std::size_t at, std::size_t count) const {
    return Has(at, count) ? data_.subspan(at, count)
                          : std::span<const std::uint8_t>();
  }
  std::size_t size() const { return data_.size(); }

 private:
  std::span<const std::uint8_t> data_;
};

// The certificate table's first entry must be an Authenticode signature
// lying wholly inside the table, which lies wholly inside the file.
void ClassifySignature(const LeView& view, PeImage& image) {
  if (image.cert_size == 0 && image.cert_offset == 0) {
    image.signature = PeSignature::kNone;
    return;
  }
  image.signature = PeSignature::kMalformed;
  if (image.cert_size == 0) {
    image.signature_problem = "certificate table has size 0";
    return;
  }
  if (!view.Has(image.cert_offset, image.cert_size)) {
    image.signature_problem = fmt::format(
        "certificate table ({} bytes at offset {}) runs past the end of "
        "the file ({} bytes)",
        image.cert_size, image.cert_offset, view.size());
    return;
  }
  if (image.cert_size < kWinCertificateHeader) {
    image.signature_problem = fmt::format(
        "certificate table of {} bytes holds no certificate", image.cert_size);
    return;
  }
  bool ok = true;
  std::uint32_t length = view.U32(image.cert_offset, ok);
  std::uint16_t revision = view.U16(image.cert_offset + 4, ok);
  std::uint16_t type = view.U16(image.cert_offset + 6, ok);
  if (!ok || length < kWinCertificateHeader || length > image.cert_size) {
    image.signature_problem = fmt::format(
        "first certificate's length {} does not fit the table's {} bytes",
        length, image.cert_size);
    return;
  }
  if (revision != kWinCertRevision2 || type != kWinCertTypePkcsSignedData) {
    image.signature_problem = fmt::format(
        "first certificate is revision {:#06x} type {:#06x}, not an "
        "Authenticode signature (revision 0x0200 type 0x0002)",
        revision, type);
    return;
  }
  image.signature = PeSignature::kAuthenticode;
}

}  // namespace

bool LooksLikePe(std::span<const std::uint8_t> data) {
  return data.size() >= 2 && data[0] == 'M' && data[1] == 'Z';
}

Result<PeImage> ParsePeImage(std::span<const std::uint8_t> data) {
  LeView view(data);
  if (!LooksLikePe(data)) return Fail("no MZ header: not a PE image");
  bool ok = true;
  std::uint32_t pe_at = view.U32(kDosLfanewAt, ok);
  if (!ok) return Fail("file ends inside the MS-DOS header");
  auto signature = view.Bytes(pe_at, 4);
  if (signature.size() != 4 || signature[0] != 'P' || signature[1] != 'E' ||
      signature[2] != 0 || signature[3] != 0)
    return Fail(fmt::format("no PE signature at offset {} (e_lfanew)", pe_at));
  std::size_t coff = static_cast<std::size_t>(pe_at) + 4;
  PeImage image;
  image.machine = view.U16(coff, ok);
  std::uint16_t sections = view.U16(coff + 2, ok);
  std::uint16_t optional_size = view.U16(coff + 16, ok);
  if (!ok || !view.Has(coff, kCoffHeaderSize))
    return Fail("file ends inside the COFF header");
  std::size_t optional = coff + kCoffHeaderSize;
  if (!view.Has(optional, optional_size))
    return Fail(fmt::format(
        "optional header ({} bytes at offset {}) runs past the end of the "
        "file",
        optional_size, optional));
  std::uint16_t magic = view.U16(optional, ok);
  if (!ok || optional_size < 2 ||
      (magic != kPe32Magic && magic != kPe32PlusMagic))
    return Fail(
        fmt::format("optional header magic {:#06x} is neither PE32 (0x10b) "
                    "nor PE32+ (0x20b)",
                    magic));
  image.pe32_plus = magic == kPe32PlusMagic;
  std::size_t count_at =
      image.pe32_plus ? kDirectoryCountAt64 : kDirectoryCountAt32;
  if (optional_size < count_at + 4)
    return Fail(
        fmt::format("optional header of {} bytes is too short for "
                    "its data directories",
                    optional_size));
  image.subsystem = view.U16(optional + kSubsystemAt, ok);
  std::uint32_t directories = view.U32(optional + count_at, ok);
  std::size_t directory_table = optional + count_at + 4;
  if (directories > kCertificateDirectory) {
    std::size_t entry = directory_table + kCertificateDirectory * 8;
    if (entry + 8 > optional + optional_size)
      return Fail(fmt::format(
          "{} data directories do not fit an optional header of {} bytes",
          directories, optional_size));
    image.cert_offset = view.U32(entry, ok);
    image.cert_size = view.U32(entry + 4, ok);
  }
  std::size_t section_table = optional + optional_size;
  if (!view.Has(section_table,
                static_cast<std::size_t>(sections) * kSectionHeaderSize))
    return Fail(fmt::format(
        "section table ({} sections at offset {}) runs past the end of the "
        "file",
        sections, section_table));
  for (std::size_t i = 0; i < sections; ++i) {
    auto name = view.Bytes(section_table + i * kSectionHeaderSize, 8);
    static constexpr std::uint8_t kSbat[8] = {'.', 's', 'b', 'a', 't', 0, 0, 0};
    if (std::equal(name.begin(), name.end(), kSbat)) image.has_sbat = true;
  }
  if (!ok) return Fail("file ends inside the headers");
  ClassifySignature(view, image);
  return image;
}

}  // namespace pxekit
