#include "bootcfg/checker.h"

#include <catch2/catch.hpp>

#include "bootcfg/generate.h"
#include "support/memory_tree.h"

namespace pxekit {
namespace {

std::vector<std::string> Render(const std::vector<Finding>& findings) {
  std::vector<std::string> lines;
  for (const Finding& f : findings)
    lines.push_back(f.line ? f.file + ":" + std::to_string(f.line) + ": " +
                                 f.message
                           : f.file + ": " + f.message);
  return lines;
}

// The seed's first config with everything it needs beside it.
MemoryTree SeedTree() {
  return MemoryTree({
      {"pxelinux.0", "nbp"},
      {"ldlinux.c32", "elf"},
      {"linux", "kernel"},
      {"initrd.nfs", "initrd"},
      {"pxelinux.cfg/default",
       "DEFAULT ubuntu\n"
       "LABEL ubuntu\n"
       "kernel linux\n"
       "append initrd=initrd.nfs root=/dev/nfs "
       "nfsroot=192.168.1.88:/home/cache/netboot/root ip=dhcp rw\n"},
  });
}

}  // namespace

TEST_CASE("A complete tree is clean", "[bootcfg][check]") {
  CHECK(CheckBootTree(SeedTree()).empty());
}

TEST_CASE("Debian's netboot shape: PATH and a .c32 DEFAULT and INCLUDE chains",
          "[bootcfg][check]") {
  MemoryTree tree({
      {"pxelinux.0", "nbp"},
      {"ldlinux.c32", "elf"},
      {"debian-installer/amd64/boot-screens/vesamenu.c32", "elf"},
      {"debian-installer/amd64/boot-screens/menu.cfg",
       "menu hshift 4\ninclude debian-installer/amd64/boot-screens/txt.cfg\n"},
      {"debian-installer/amd64/boot-screens/txt.cfg",
       "label install\n"
       "\tmenu label ^Install\n"
       "\tkernel debian-installer/amd64/linux\n"
       "\tappend vga=788 initrd=debian-installer/amd64/initrd.gz --- quiet\n"},
      {"debian-installer/amd64/linux", "k"},
      {"debian-installer/amd64/initrd.gz", "i"},
      {"pxelinux.cfg/default",
       "# D-I config version 2.0\n"
       "path debian-installer/amd64/boot-screens/\n"
       "include debian-installer/amd64/boot-screens/menu.cfg\n"
       "default vesamenu.c32\n"
       "prompt 0\n"
       "timeout 0\n"},
  });
  CHECK(Render(CheckBootTree(tree)) == std::vector<std::string>{});
}

TEST_CASE("Every finding the issue lists with file and line",
          "[bootcfg][check]") {
  MemoryTree tree = SeedTree();
  tree.Add("boot/pxelinux.0", "nbp");  // no ldlinux.c32 beside it
  tree.Add("pxelinux.cfg/01-88-99-AA-BB-CC-DD",
           "DEFAULT x\nLABEL x\nLOCALBOOT 0\n");
  tree.Add("pxelinux.cfg/88:99:aa:bb:cc:dd",
           "DEFAULT x\nLABEL x\nLOCALBOOT 0\n");
  tree.Add("pxelinux.cfg/c0a8025b", "DEFAULT x\nLABEL x\nLOCALBOOT 0\n");
  tree.Add("pxelinux.cfg/C0A8",
           "DEFAULT rescue\n"
           "ONTIMEOUT nowhere\n"
           "FROBNICATE 1\n"
           "TIMEOUT 5\n"
           "LABEL linux\n"
           "KERNEL vmlinuz\n"
           "INITRD a.img,initrd.nfs\n"
           "APPEND initrd=b.img BOOTIF=01:aa:bb:cc:dd:ee:ff\n"
           "LINUX linux\n"
           "LABEL linux\n"
           "KERNEL ../linux\n"
           "LABEL empty\n");
  tree.Add("pxelinux.cfg/empty", "");
  std::vector<std::string> expected = {
      "boot/pxelinux.0: ldlinux.c32 is missing beside pxelinux.0: syslinux "
      "5.00 and later cannot read a config without it",
      "pxelinux.cfg/01-88-99-AA-BB-CC-DD: per-MAC name with upper case is "
      "never requested; rename it to '01-88-99-aa-bb-cc-dd'",
      "pxelinux.cfg/88:99:aa:bb:cc:dd: per-MAC name with colons is never "
      "requested; rename it to '01-88-99-aa-bb-cc-dd'",
      "pxelinux.cfg/C0A8:1: DEFAULT 'rescue' names no LABEL",
      "pxelinux.cfg/C0A8:2: ONTIMEOUT 'nowhere' names no LABEL",
      "pxelinux.cfg/C0A8:3: unknown directive 'FROBNICATE'",
      "pxelinux.cfg/C0A8:4: TIMEOUT 5 is 0.5 seconds: pxelinux counts tenths "
      "of a second",
      "pxelinux.cfg/C0A8:6: KERNEL 'vmlinuz' is missing: no file 'vmlinuz' "
      "under the TFTP root",
      "pxelinux.cfg/C0A8:7: INITRD 'a.img' is missing: no file 'a.img' under "
      "the TFTP root",
      "pxelinux.cfg/C0A8:7: LABEL 'linux' gives INITRD and also initrd= in "
      "APPEND (line 8): use one",
      "pxelinux.cfg/C0A8:8: 'BOOTIF=01:aa:bb:cc:dd:ee:ff': BOOTIF takes the "
      "dashed form 01-aa-bb-cc-dd-ee-ff (the installer ignores colons)",
      "pxelinux.cfg/C0A8:8: initrd= 'b.img' is missing: no file 'b.img' "
      "under the TFTP root",
      "pxelinux.cfg/C0A8:9: LABEL 'linux' has a second kernel line (the first "
      "is on line 6); a label boots one thing",
      "pxelinux.cfg/C0A8:10: duplicate LABEL 'linux': pxelinux uses the "
      "first, at pxelinux.cfg/C0A8:5",
      "pxelinux.cfg/C0A8:11: KERNEL '../linux': '..' in a path is refused by "
      "pxe-tftpd, dnsmasq and atftpd",
      "pxelinux.cfg/C0A8:12: LABEL 'empty' has no KERNEL, LINUX, COM32, "
      "CONFIG or LOCALBOOT line",
      "pxelinux.cfg/c0a8025b: hex IP name in lower case is never requested; "
      "rename it to 'C0A8025B'",
      "pxelinux.cfg/empty: empty file: pxelinux treats a 0-byte config like "
      "a missing one",
  };
  CHECK(Render(CheckBootTree(tree)) == expected);
}

TEST_CASE("Files tftpd-hpa cannot serve: not world-readable",
          "[bootcfg][check]") {
  MemoryTree tree = SeedTree();
  tree.MakePrivate("linux");
  tree.MakePrivate("pxelinux.cfg/default");
  CHECK(Render(CheckBootTree(tree)) ==
        std::vector<std::string>{
            "pxelinux.cfg/default: not world-readable, so tftpd-hpa refuses "
            "to serve it",
            "pxelinux.cfg/default:3: KERNEL 'linux': 'linux' is not "
            "world-readable, so tftpd-hpa refuses to serve it",
        });
}

TEST_CASE("Paths are relative to the directory above pxelinux.cfg",
          "[bootcfg][check]") {
  MemoryTree tree({
      {"ubuntu-installer/i386/pxelinux.0", "nbp"},
      {"ubuntu-installer/i386/ldlinux.c32", "elf"},
      {"ubuntu-installer/i386/linux", "k"},
      {"linux", "k at the root: not what pxelinux loads"},
      {"ubuntu-installer/i386/pxelinux.cfg/default",
       "DEFAULT a\nLABEL a\nKERNEL linux\nLABEL b\nKERNEL ::linux\n"
       "LABEL c\nKERNEL /initrd\n"},
  });
  CHECK(Render(CheckBootTree(tree)) ==
        std::vector<std::string>{
            "ubuntu-installer/i386/pxelinux.cfg/default:7: KERNEL '/initrd' "
            "is missing: no file 'initrd' under the TFTP root"});
}

TEST_CASE("INCLUDE loops and missing includes", "[bootcfg][check]") {
  MemoryTree tree = SeedTree();
  tree.Add("pxelinux.cfg/a", "INCLUDE pxelinux.cfg/b\nLABEL x\nLOCALBOOT 0\n");
  tree.Add("pxelinux.cfg/b", "INCLUDE pxelinux.cfg/a\nINCLUDE nosuch.cfg\n");
  auto findings = Render(CheckBootTree(tree));
  CHECK(std::find(findings.begin(), findings.end(),
                  "pxelinux.cfg/b:1: INCLUDE 'pxelinux.cfg/a' includes itself "
                  "(through pxelinux.cfg/a)") != findings.end());
  CHECK(std::find(findings.begin(), findings.end(),
                  "pxelinux.cfg/b:2: INCLUDE 'nosuch.cfg' is missing: no file "
                  "'nosuch.cfg' under the TFTP root") != findings.end());
}

TEST_CASE("GRUB configs: files units names and syntax", "[bootcfg][check]") {
  MemoryTree tree({
      {"vmlinuz", "k"},
      {"boot/grub/grub.cfg",
       "set timeout=36000\n"
       "menuentry x {\n"
       "  linux (tftp)/vmlinuz root=/dev/nfs\n"
       "  initrd (tftp)/initrd.img $prefix/whatever\n"
       "}\n"},
      {"boot/grub/grub.cfg-01-52-54-00-12-34-56", "menuentry y {\n"},
      {"boot/grub/grub.cfg-52:54:00:12:34:57", "linux /vmlinuz\n"},
  });
  CHECK(Render(CheckBootTree(tree)) ==
        std::vector<std::string>{
            "boot/grub/grub.cfg:1: timeout=36000 is over an hour: GRUB counts "
            "seconds, not tenths",
            "boot/grub/grub.cfg:4: initrd '(tftp)/initrd.img' is missing: no "
            "file 'initrd.img' under the TFTP root",
            "boot/grub/grub.cfg-01-52-54-00-12-34-56:1: '{' is never closed",
            "boot/grub/grub.cfg-52:54:00:12:34:57: per-MAC name with colons "
            "is never requested; rename it to '01-52-54-00-12-34-57'",
        });
}

TEST_CASE("What pxe-mkcfg generates passes its own check", "[bootcfg][check]") {
  BootSpec spec;
  spec.kernel = "vmlinuz";
  spec.initrds = {"initrd.img"};
  spec.timeout_s = 5;
  spec.prompt = true;
  spec.menu = true;
  HostEntry host;
  host.mac = *MacAddr::Parse("52:54:00:12:34:56");
  host.ip = Ipv4Addr::FromOctets(10, 0, 0, 130);
  MemoryTree tree({{"pxelinux.0", "n"},
                   {"ldlinux.c32", "e"},
                   {"menu.c32", "e"},
                   {"vmlinuz", "k"},
                   {"initrd.img", "i"}});
  for (const auto& file : GeneratePxelinux(spec, {}))
    tree.Add(file.path, file.content);
  for (const auto& file : GeneratePxelinux(spec, {host}))
    tree.Add(file.path, file.content);
  for (const auto& file : GenerateGrub(spec, {host}, "boot/grub"))
    tree.Add(file.path, file.content);
  for (const auto& file : GenerateGrub(spec, {}, "boot/grub"))
    tree.Add(file.path, file.content);
  CHECK(Render(CheckBootTree(tree)) == std::vector<std::string>{});
}

}  // namespace pxekit
