// pxe-mkcfg grub --server --target: the GRUB UEFI platform the image is
// built for, x86_64-efi (arch 7 and 9) or arm64-efi (arch 11).
#include <catch2/catch.hpp>

#include "bootcfg/grub_image.h"

namespace pxekit {

TEST_CASE("GRUB UEFI platforms: x86_64-efi and arm64-efi by their GRUB names",
          "[bootcfg][grub-server]") {
  const GrubEfiPlatform* x86 = FindGrubEfiPlatform("x86_64-efi");
  REQUIRE(x86 != nullptr);
  CHECK(x86->module_dir == "/usr/lib/grub/x86_64-efi");
  CHECK(x86->package == "grub-efi-amd64-bin");
  CHECK(x86->dhcp_flag == "--efi-filename");

  const GrubEfiPlatform* arm = FindGrubEfiPlatform("arm64-efi");
  REQUIRE(arm != nullptr);
  CHECK(arm->module_dir == "/usr/lib/grub/arm64-efi");
  CHECK(arm->package == "grub-efi-arm64-bin");
  CHECK(arm->dhcp_flag == "--arm64-filename");

  // GRUB's own names only: not Debian's architecture, not the case changed.
  CHECK(FindGrubEfiPlatform("arm64") == nullptr);
  CHECK(FindGrubEfiPlatform("aarch64-efi") == nullptr);
  CHECK(FindGrubEfiPlatform("ARM64-EFI") == nullptr);
  CHECK(FindGrubEfiPlatform("i386-pc") == nullptr);
  CHECK(FindGrubEfiPlatform("") == nullptr);
  CHECK(GrubEfiPlatformNames() == "x86_64-efi or arm64-efi");
}

TEST_CASE("GRUB image for an arm64 client: arm64-efi path and grub-mkimage -O",
          "[bootcfg][grub-server]") {
  Ipv4Addr server = Ipv4Addr::FromOctets(10, 99, 0, 1);
  GrubNetImage plan = PlanGrubNetImage(server, "boot/grub", kGrubArm64Efi);
  CHECK(plan.platform == "arm64-efi");
  CHECK(plan.image == "boot/grub/arm64-efi/core.efi");
  CHECK(plan.module_dir == "boot/grub/arm64-efi");
  // The prefix names the directory above the platform's, as on x86: GRUB
  // appends the platform itself when it loads modules.
  CHECK(plan.prefix == "(tftp,10.99.0.1)/boot/grub");
  // Every module of the x86 image exists for arm64-efi too.
  CHECK(plan.modules == PlanGrubNetImage(server, "boot/grub").modules);

  auto args =
      GrubMkimageArguments(plan, "/srv/cache/usr/lib/grub/arm64-efi",
                           "/srv/tftp/boot/grub/arm64-efi/core.efi.tmp");
  REQUIRE(args.size() > 8);
  CHECK(std::vector<std::string>(args.begin(), args.begin() + 8) ==
        std::vector<std::string>{"-O", "arm64-efi", "-d",
                                 "/srv/cache/usr/lib/grub/arm64-efi", "-o",
                                 "/srv/tftp/boot/grub/arm64-efi/core.efi.tmp",
                                 "-p", "(tftp,10.99.0.1)/boot/grub"});

  // Without a platform: x86_64-efi, as before --target existed.
  GrubNetImage x86 = PlanGrubNetImage(server, "");
  CHECK(x86.platform == "x86_64-efi");
  CHECK(x86.image == "x86_64-efi/core.efi");
  CHECK(GrubMkimageArguments(x86, "/usr/lib/grub/x86_64-efi", "o")[1] ==
        "x86_64-efi");
}

TEST_CASE("GRUB modinfo.sh: the platform a module directory holds",
          "[bootcfg][grub-server]") {
  // As Debian's grub-efi-arm64-bin and grub-efi-amd64-bin ship it.
  CHECK(GrubModinfoPlatform("#!/bin/sh\n\n# User-controllable options\n"
                            "grub_modinfo_target_cpu=arm64\n"
                            "grub_modinfo_platform=efi\n"
                            "grub_disk_cache_stats=0\n") == "arm64-efi");
  CHECK(GrubModinfoPlatform("grub_modinfo_platform=efi\n"
                            "grub_modinfo_target_cpu=x86_64") == "x86_64-efi");
  CHECK(GrubModinfoPlatform("grub_modinfo_target_cpu='i386'\n"
                            "grub_modinfo_platform='pc'\n") == "i386-pc");
  // Either missing: unknown, and the tool leaves it to grub-mkimage.
  CHECK(GrubModinfoPlatform("grub_modinfo_target_cpu=arm64\n").empty());
  CHECK(GrubModinfoPlatform("").empty());
  CHECK(GrubModinfoPlatform("# grub_modinfo_target_cpu=arm64\n"
                            "grub_modinfo_platform=efi\n")
            .empty());
}

}  // namespace pxekit
