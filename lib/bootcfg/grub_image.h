#pragma once
// The GRUB network image for clients whose address comes from a foreign DHCP
// server (pxe-dhcpd --proxy beside a router's DHCP): `pxe-mkcfg grub
// --server ADDR`. GRUB's netboot image from grub-mknetdir takes its TFTP
// server from the DHCP ACK, which is the foreign server's, and ends at
// `grub rescue>`. An image whose prefix names the server, (tftp,ADDR)/PREFIX,
// fetches its modules and grub.cfg from ADDR; the config then loads the
// kernel relative to $root (`linux /vmlinuz`), since `(tftp)/vmlinuz` means
// the default server, the foreign one again. Pure decisions: the files, the
// prefix and grub-mkimage's arguments; running it is the tool's.

#include <string>
#include <string_view>
#include <vector>

#include "util/ipv4.h"

namespace pxekit {

inline constexpr std::string_view kGrubEfiPlatform = "x86_64-efi";
// Where Debian's grub-efi-amd64-bin puts the platform's modules.
inline constexpr std::string_view kGrubEfiModuleDir =
    "/usr/lib/grub/x86_64-efi";

// A UEFI platform GRUB builds a netboot image for (`--target`).
struct GrubEfiPlatform {
  std::string_view name;        // grub-mkimage -O, and the module directory's
  std::string_view module_dir;  // where Debian's package puts the modules
  std::string_view package;     // that package
  std::string_view dhcp_flag;   // pxe-dhcpd's flag that names the image
};

inline constexpr GrubEfiPlatform kGrubX8664Efi{
    kGrubEfiPlatform, kGrubEfiModuleDir, "grub-efi-amd64-bin",
    "--efi-filename"};
// DHCP client arch 11. Debian's grub-efi-arm64-bin is an arm64 package: on
// another architecture its modules are unpacked elsewhere (dpkg-deb -x).
inline constexpr GrubEfiPlatform kGrubArm64Efi{
    "arm64-efi", "/usr/lib/grub/arm64-efi", "grub-efi-arm64-bin",
    "--arm64-filename"};

// The platform called `name`, or nullptr.
const GrubEfiPlatform* FindGrubEfiPlatform(std::string_view name);

// The platform names, for messages ("x86_64-efi or arm64-efi").
std::string GrubEfiPlatformNames();

// The platform a GRUB module directory holds, from the text of its
// modinfo.sh (grub_modinfo_target_cpu=arm64 and grub_modinfo_platform=efi:
// "arm64-efi"); "" when the text names no CPU or no platform. Modules of
// another platform make grub-mkimage fail with "relocation 0x2 is not
// implemented yet" and the like; this lets the tool say which they are.
std::string GrubModinfoPlatform(std::string_view modinfo);

// What goes into the TFTP tree for one server address.
struct GrubNetImage {
  std::string platform;    // grub-mkimage -O
  std::string image;       // core.efi, relative to the TFTP root
  std::string module_dir;  // where GRUB loads further modules from, relative
  std::string prefix;      // the image's built-in prefix, (tftp,ADDR)/PREFIX
  std::vector<std::string> modules;  // built into the image
};

// The image for `server` under `grub_prefix` (a normalised directory under
// the TFTP root, as CheckGrubPrefix returns it; "" is the root itself):
// <prefix>/<platform>/core.efi, grub-mknetdir's path, which pxe-dhcpd's
// --efi-filename (x86_64-efi) or --arm64-filename (arm64-efi) then names.
GrubNetImage PlanGrubNetImage(const Ipv4Addr& server,
                              const std::string& grub_prefix,
                              const GrubEfiPlatform& platform = kGrubX8664Efi);

// grub-mkimage's argument vector (without the program) that writes the
// image to `output` from the modules in `module_source`.
std::vector<std::string> GrubMkimageArguments(const GrubNetImage& image,
                                              const std::string& module_source,
                                              const std::string& output);

// Whether a file of the platform's module directory belongs in the served
// tree (what grub-mknetdir copies: *.mod and the *.lst indexes GRUB's normal
// mode reads).
bool IsGrubModuleFile(std::string_view name);

}  // namespace pxekit
