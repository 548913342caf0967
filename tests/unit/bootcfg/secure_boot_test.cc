#include "bootcfg/secure_boot.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pe_fixture.h"
#include "support/memory_tree.h"
#include "util/byte_reader.h"

namespace pxekit {
namespace {

const std::string kSigned = test::MakePeString({.signed_image = true});
const std::string kUnsigned = test::MakePeString({});
const std::string kConfig =
    "set timeout=0\nmenuentry x {\n  linux /vmlinuz quiet\n"
    "  initrd /initrd.gz\n}\n";

// What `grub --secure-boot` writes, all signed.
MemoryTree GoodTree() {
  return MemoryTree({{"shimx64.efi", kSigned},
                     {"grubx64.efi", kSigned},
                     {"grub/grub.cfg", kConfig},
                     {"vmlinuz", kSigned},
                     {"initrd.gz", "not a PE, never verified"}});
}

std::vector<std::string> Files(const std::vector<Finding>& findings) {
  std::vector<std::string> files;
  for (const auto& finding : findings) files.push_back(finding.file);
  return files;
}

TEST_CASE("secure_boot: the layout the signed images expect",
          "[bootcfg][secureboot]") {
  SecureBootLayout layout = PlanSecureBootLayout();
  CHECK(layout.second_stage == "grubx64.efi");
  CHECK(layout.grub_prefix == "grub");
  CHECK(layout.boot_file == "shimx64.efi");
  // Beside shim: same directory.
  CHECK(ParentPath(layout.boot_file) == ParentPath(layout.second_stage));
  CHECK(kSignedGrubConfig == "grub/grub.cfg");
}

TEST_CASE("secure_boot: loaders", "[bootcfg][secureboot]") {
  CHECK(SecureBootLoaderProblem(AsBytes(kSigned)).empty());
  CHECK(SecureBootLoaderProblem(AsBytes(kUnsigned)).starts_with("unsigned"));
  CHECK(SecureBootLoaderProblem(AsBytes("#!ipxe\n"))
            .starts_with("not an EFI image"));
  std::string cut = kSigned.substr(0, kSigned.size() - 4);
  CHECK(SecureBootLoaderProblem(AsBytes(cut))
            .starts_with("broken Authenticode signature"));
}

TEST_CASE("secure_boot: a tree as grub --secure-boot writes it is clean",
          "[bootcfg][secureboot]") {
  MemoryTree tree = GoodTree();
  CHECK(LooksLikeSecureBootTree(tree));
  CHECK(CheckSecureBootTree(tree).empty());
}

TEST_CASE("secure_boot: unsigned loaders and kernels are named",
          "[bootcfg][secureboot]") {
  MemoryTree tree = GoodTree();
  tree.Add("grubx64.efi", kUnsigned);
  tree.Add("vmlinuz", kUnsigned);
  tree.Add("boot/grub/x86_64-efi/core.efi", kUnsigned);
  auto findings = CheckSecureBootTree(tree);
  CHECK(Files(findings) ==
        std::vector<std::string>{"boot/grub/x86_64-efi/core.efi", "grubx64.efi",
                                 "vmlinuz"});
  REQUIRE(findings.size() == 3);
  CHECK(findings[1].message.starts_with("EFI loader: unsigned"));
  CHECK(findings[2].message.starts_with(
      "kernel booted by grub/grub.cfg:3: unsigned"));
}

TEST_CASE("secure_boot: kernel paths the signed GRUB resolves",
          "[bootcfg][secureboot]") {
  for (std::string line : {"linux (tftp)/k", "linux (tftp,10.0.0.1)/k",
                           "linux k", "linuxefi /k", "linux $prefix/k"}) {
    MemoryTree tree = GoodTree();
    tree.Add("k", kUnsigned);
    tree.Add("grub/k", kUnsigned);
    tree.Add("grub/grub.cfg", "menuentry x {\n" + line + "\n}\n");
    auto findings = CheckSecureBootTree(tree);
    INFO(line);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("kernel booted by grub/grub.cfg:2") !=
          std::string::npos);
  }
  // A device or variable it cannot resolve is not guessed at.
  MemoryTree tree = GoodTree();
  tree.Add("k", kUnsigned);
  tree.Add("grub/grub.cfg", "linux (http)/k\nlinux $root/k\n");
  CHECK(CheckSecureBootTree(tree).empty());
}

TEST_CASE("secure_boot: a config the signed GRUB will not find",
          "[bootcfg][secureboot]") {
  MemoryTree tree({{"shimx64.efi", kSigned},
                   {"grubx64.efi", kSigned},
                   {"boot/grub/grub.cfg", kConfig}});
  auto findings = CheckSecureBootTree(tree);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].file == "grub/grub.cfg");
  CHECK(findings[0].message ==
        "missing: the signed GRUB (built-in prefix /grub) reads its "
        "config from here; it never reads boot/grub/grub.cfg");

  SECTION("the platform directory's config is never seen over TFTP") {
    tree.Add("grub/grub.cfg", kConfig);
    tree.Add("grub/x86_64-efi/grub.cfg", "linux /vmlinuz\n");
    findings = CheckSecureBootTree(tree);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].file == "grub/x86_64-efi/grub.cfg");
    CHECK(findings[0].message.starts_with("never read over TFTP"));
  }
}

TEST_CASE("secure_boot: shim without its second stage",
          "[bootcfg][secureboot]") {
  MemoryTree tree({{"shimx64.efi", kSigned}, {"grub/grub.cfg", kConfig}});
  CHECK_FALSE(LooksLikeSecureBootTree(tree));
  auto findings = CheckSecureBootTree(tree);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].file == "grubx64.efi");
  CHECK(findings[0].message.starts_with("missing: shim loads"));
}

}  // namespace
}  // namespace pxekit
