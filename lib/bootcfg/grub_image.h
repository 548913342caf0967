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

// What goes into the TFTP tree for one server address.
struct GrubNetImage {
  std::string image;       // core.efi, relative to the TFTP root
  std::string module_dir;  // where GRUB loads further modules from, relative
  std::string prefix;      // the image's built-in prefix, (tftp,ADDR)/PREFIX
  std::vector<std::string> modules;  // built into the image
};

// The image for `server` under `grub_prefix` (a normalised directory under
// the TFTP root, as CheckGrubPrefix returns it; "" is the root itself):
// <prefix>/x86_64-efi/core.efi, grub-mknetdir's path, which pxe-dhcpd's
// --efi-filename then names.
GrubNetImage PlanGrubNetImage(const Ipv4Addr& server,
                              const std::string& grub_prefix);

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
