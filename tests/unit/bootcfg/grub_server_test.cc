// pxe-mkcfg grub --server: the image that loads from a named TFTP server,
// and configs whose paths are relative to $root (grub_image.h).
#include <catch2/catch.hpp>

#include "unit/bootcfg/one_file.h"

#include "bootcfg/generate.h"
#include "bootcfg/grub_image.h"
#include "bootcfg/marker.h"

namespace pxekit {

TEST_CASE(
    "GRUB image for a named server: grub-mknetdir's path and a prefix that "
    "names it",
    "[bootcfg][grub-server]") {
  Ipv4Addr server = Ipv4Addr::FromOctets(10, 99, 0, 1);
  GrubNetImage plan = PlanGrubNetImage(server, "boot/grub");
  CHECK(plan.image == "boot/grub/x86_64-efi/core.efi");
  CHECK(plan.module_dir == "boot/grub/x86_64-efi");
  CHECK(plan.prefix == "(tftp,10.99.0.1)/boot/grub");
  // The list that booted behind a foreign DHCP server (lab.md).
  CHECK(plan.modules ==
        std::vector<std::string>{"efinet", "tftp", "net", "normal", "linux",
                                 "configfile", "echo", "boot", "test"});

  GrubNetImage at_root = PlanGrubNetImage(server, "");
  CHECK(at_root.image == "x86_64-efi/core.efi");
  CHECK(at_root.prefix == "(tftp,10.99.0.1)/");
}

TEST_CASE("grub-mkimage arguments: platform and modules and output and prefix",
          "[bootcfg][grub-server]") {
  GrubNetImage plan =
      PlanGrubNetImage(Ipv4Addr::FromOctets(192, 168, 1, 5), "efi/grub");
  auto args =
      GrubMkimageArguments(plan, "/usr/lib/grub/x86_64-efi",
                           "/srv/tftp/efi/grub/x86_64-efi/core.efi.tmp");
  std::vector<std::string> expected = {
      "-O", "x86_64-efi",
      "-d", "/usr/lib/grub/x86_64-efi",
      "-o", "/srv/tftp/efi/grub/x86_64-efi/core.efi.tmp",
      "-p", "(tftp,192.168.1.5)/efi/grub"};
  expected.insert(expected.end(), plan.modules.begin(), plan.modules.end());
  CHECK(args == expected);
}

TEST_CASE("GRUB module files: only .mod and .lst", "[bootcfg][grub-server]") {
  for (const char* name : {"tftp.mod", "command.lst", "moddep.lst"}) {
    INFO(name);
    CHECK(IsGrubModuleFile(name));
  }
  for (const char* name : {"kernel.img", "modinfo.sh", "config.h", ".mod",
                           ".hidden.mod", "../x.mod", "monolithic"}) {
    INFO(name);
    CHECK_FALSE(IsGrubModuleFile(name));
  }
}

TEST_CASE("GRUB config for a named server: kernel and initrd under $root",
          "[bootcfg][grub-server]") {
  BootSpec spec;
  spec.label = "pxekit";
  spec.kernel = "vmlinuz";
  spec.initrds = {"/initrd.gz", "(http,10.0.0.9)/extra.img"};
  spec.append = "console=ttyS0";
  auto files = GenerateGrub(spec, {}, "boot/grub", GrubPathBase::kRoot);
  CheckOneFile(files, "boot/grub/grub.cfg",
               "set timeout=0\n"
               "set default=pxekit\n"
               "\n"
               "menuentry pxekit --id pxekit {\n"
               "\tlinux /vmlinuz console=ttyS0\n"
               "\tinitrd /initrd.gz (http,10.0.0.9)/extra.img\n"
               "}\n");
  // Without it, the default server's device, as before.
  auto tftp = GenerateGrub(spec, {}, "boot/grub");
  CHECK(StripMarker(tftp[0].content)
            .find("\tlinux (tftp)/vmlinuz console=ttyS0\n") !=
        std::string::npos);
}

}  // namespace pxekit
