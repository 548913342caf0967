#pragma once
// UEFI Secure Boot over the network with Debian's signed chain: firmware
// (Microsoft's keys) → shim (shim-signed, signed by Microsoft) → GRUB's
// netboot image (grub-efi-amd64-signed, signed by Debian, which shim
// trusts) → a signed kernel. The signed images decide the layout, not the
// user; read from the binaries themselves:
//
// - shim loads its second stage as `grubx64.efi` from its own directory on
//   the TFTP server that served it (shim 16 first asks for
//   revocations_sku.efi, revocations_sbat.efi and shim_certificate_0.efi
//   there, which may be missing).
// - grubnetx64.efi.signed has the built-in prefix "/grub" (no device: the
//   TFTP server it came from) and the built-in config "normal
//   (memdisk)/grub.cfg", whose memdisk grub.cfg sources
//   $prefix/x86_64-efi/grub.cfg if `[ -e ]` finds it, else $prefix/grub.cfg.
//   Over TFTP `[ -e ]` finds nothing (GRUB's network file system lists no
//   directory), so grub/grub.cfg is the one config it reads: no per-client
//   lookup (grub.cfg-01-MAC...), no module loading (every module is built
//   in), and `linux` boots only kernels shim verifies.
//
// `pxe-mkcfg grub --secure-boot` lays a tree out that way; `pxe-mkcfg check`
// reports what breaks it. Pure: files come in through BootTree.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bootcfg/checker.h"

namespace pxekit {

class BootTree;

// Where Debian's packages install the signed binaries.
inline constexpr std::string_view kDebianShim =
    "/usr/lib/shim/shimx64.efi.signed";
inline constexpr std::string_view kDebianSignedGrub =
    "/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed";

// The name shim loads, and the signed GRUB's prefix under the TFTP root.
inline constexpr std::string_view kShimSecondStage = "grubx64.efi";
inline constexpr std::string_view kSignedGrubPrefix = "grub";

// The tree `grub --secure-boot` writes, relative to the TFTP root.
struct SecureBootLayout {
  std::string boot_file;     // shim: what pxe-dhcpd --efi-filename names
  std::string second_stage;  // the signed GRUB, beside shim
  std::string grub_prefix;   // where the config goes (grub.cfg in it)
};

SecureBootLayout PlanSecureBootLayout();

// The config the signed GRUB reads over TFTP, and the one its built-in
// config would prefer but never sees there.
inline constexpr std::string_view kSignedGrubConfig = "grub/grub.cfg";
inline constexpr std::string_view kSignedGrubUnseenConfig =
    "grub/x86_64-efi/grub.cfg";

// Why `image` (a whole file) cannot be loaded under Secure Boot: not a PE
// image, or one without a valid Authenticode signature. Empty when it
// carries one (whether a key in db or shim trusts it is not checked).
std::string SecureBootLoaderProblem(std::span<const std::uint8_t> image);

// A tree laid out for shim: it holds a grubx64.efi.
bool LooksLikeSecureBootTree(const BootTree& tree);

// What a Secure Boot client would trip over in `tree`: each *.efi file and
// each kernel the signed GRUB's config boots that is unsigned (or no PE
// image), no grubx64.efi for shim, no config where the signed GRUB looks
// (naming a grub.cfg elsewhere that it never reads), and a config it never
// sees over TFTP. Sorted.
std::vector<Finding> CheckSecureBootTree(const BootTree& tree);

}  // namespace pxekit
