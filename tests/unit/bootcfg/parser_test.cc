#include <catch2/catch.hpp>

#include "bootcfg/grub_cfg.h"
#include "bootcfg/pxelinux_cfg.h"
#include "bootcfg/tftp_path.h"
#include "unit/bootcfg/seed_config.h"
#include "unit/util/list_errors.h"

namespace pxekit {

TEST_CASE("pxelinux: keywords in any case and arguments verbatim",
          "[bootcfg][parser]") {
  // The seed's second config, as written there.
  PxelinuxConfig config =
      ParsePxelinuxConfig(std::string("# D-I config version 2.0\n"
                                      "prompt 0\n"
                                      "timeout 100\n"
                                      "\n") +
                          kSeedCasperEntry);
  test::RequireParsed(config.errors, config.lines, 6);
  CHECK(config.lines[0].directive == PxeDirective::kPrompt);
  CHECK(config.lines[0].number == 2);
  CHECK(config.lines[1].argument == "100");
  CHECK(config.lines[2].directive == PxeDirective::kDefault);
  CHECK(config.lines[2].label == -1);
  REQUIRE(config.labels.size() == 1);
  CHECK(config.labels[0].name == "ubuntu");
  CHECK(config.labels[0].directives == std::vector<std::size_t>{3, 4, 5});
  CHECK(config.lines[5].directive == PxeDirective::kAppend);
  CHECK(config.lines[5].argument_column == 8);
  CHECK(config.lines[5].argument.ends_with("ip=dhcp"));
}

TEST_CASE("pxelinux: unknown keywords and TEXT blocks and indentation and CRLF",
          "[bootcfg][parser]") {
  PxelinuxConfig config = ParsePxelinuxConfig(
      "label install\r\n"
      "\tkernel linux\r\n"
      "\tTEXT HELP\r\n"
      "\tfrobnicate is fine in here\r\n"
      "\tENDTEXT\r\n"
      "\tfrobnicate 1\r\n"
      "  # indented comment\r\n"
      "menu label ^Install\r\n");
  test::RequireParsed(config.errors, config.lines, 5);
  CHECK(config.lines[1].directive == PxeDirective::kKernel);
  CHECK(config.lines[1].argument == "linux");
  CHECK(config.lines[2].directive == PxeDirective::kText);
  CHECK(config.lines[3].directive == PxeDirective::kUnknown);
  CHECK(config.lines[3].keyword == "frobnicate");
  CHECK(config.lines[3].number == 6);
  CHECK(config.lines[4].directive == PxeDirective::kMenu);
}

TEST_CASE("pxelinux: structural errors are reported and never thrown",
          "[bootcfg][parser]") {
  PxelinuxConfig config = ParsePxelinuxConfig(
      std::string("LABEL\nTEXT HELP\nnever closed\n") + std::string(1, '\0'));
  CHECK(test::ListErrors(config.errors) ==
        std::vector<std::string>{"1:1: LABEL needs a name",
                                 "4:1: line contains a NUL byte",
                                 "2:1: TEXT block is never closed by ENDTEXT"});
  PxelinuxConfig nul = ParsePxelinuxConfig(std::string("DEFAULT a\0b\n", 12));
  CHECK(test::ListErrors(nul.errors) ==
        std::vector<std::string>{"1:10: line contains a NUL byte"});
}

TEST_CASE("GRUB: words and quotes and braces and comments",
          "[bootcfg][parser]") {
  GrubConfig config = ParseGrubConfig(
      "set timeout=5 # seconds\n"
      "menuentry 'Ubuntu live' --id ubuntu {\n"
      "\tlinux (tftp)/vmlinuz \"root=/dev/nfs\" a\\ b; initrd /initrd.img\n"
      "\techo $prefix\n"
      "}\n");
  test::RequireParsed(config.errors, config.commands, 6);
  CHECK(config.commands[0].words.size() == 2);
  CHECK(config.commands[1].words[1].text == "Ubuntu live");
  CHECK(config.commands[1].words.back().text == "{");
  CHECK(config.commands[2].line == 3);
  REQUIRE(config.commands[2].words.size() == 4);
  CHECK(config.commands[2].words[2].text == "root=/dev/nfs");
  CHECK(config.commands[2].words[3].text == "a b");
  CHECK(config.commands[3].words[0].text == "initrd");
  CHECK(config.commands[4].words[1].has_variable);
  CHECK(config.commands[5].words[0].text == "}");
  CHECK(config.commands[5].line == 5);
}

TEST_CASE("GRUB: unbalanced braces and quotes", "[bootcfg][parser]") {
  GrubConfig config = ParseGrubConfig("}\nmenuentry x {\necho 'open\n");
  CHECK(test::ListErrors(config.errors) ==
        std::vector<std::string>{"1: '}' without a matching '{'",
                                 "3: single quote is never closed",
                                 "2: '{' is never closed"});
}

TEST_CASE("TFTP paths: working directory and :: and absolute and .. and remote",
          "[bootcfg][parser]") {
  CHECK(ResolveTftpPath("boot", "linux").path == "boot/linux");
  CHECK(ResolveTftpPath("boot", "::linux").path == "linux");
  CHECK(ResolveTftpPath("boot", "/x//y/./z").path == "x/y/z");
  TftpPath up = ResolveTftpPath("", "../ubuntu/casper/vmlinuz.efi");
  CHECK(up.has_dot_dot);
  CHECK(up.escapes_root);
  CHECK(up.path == "ubuntu/casper/vmlinuz.efi");
  TftpPath inside = ResolveTftpPath("a/b", "../c");
  CHECK(inside.has_dot_dot);
  CHECK_FALSE(inside.escapes_root);
  CHECK(inside.path == "a/c");
  CHECK(ResolveTftpPath("", "http://srv/linux").kind ==
        TftpPath::Kind::kRemote);
  CHECK(ResolveTftpPath("", "10.0.0.1::linux").kind == TftpPath::Kind::kRemote);
  CHECK(ResolveTftpPath("boot", "linux").request_length == 10);
}

}  // namespace pxekit

namespace pxekit {

TEST_CASE("The directives that load a file: one list", "[bootcfg][parser]") {
  for (const char* keyword : {"KERNEL", "LINUX", "BOOT", "BSS", "PXE",
                              "FDIMAGE", "COMBOOT", "COM32", "CONFIG"}) {
    INFO(keyword);
    PxelinuxConfig config =
        ParsePxelinuxConfig(std::string("LABEL a\n  ") + keyword + " f\n");
    REQUIRE(config.lines.size() == 2);
    CHECK(LoadsFile(config.lines[1].directive));
    CHECK(IsKernelLike(config.lines[1].directive));
  }
  // LOCALBOOT boots without a file; INITRD and APPEND only go with one.
  CHECK_FALSE(LoadsFile(PxeDirective::kLocalboot));
  CHECK(IsKernelLike(PxeDirective::kLocalboot));
  for (PxeDirective other : {PxeDirective::kInitrd, PxeDirective::kAppend,
                             PxeDirective::kUi, PxeDirective::kDefault}) {
    CHECK_FALSE(LoadsFile(other));
    CHECK_FALSE(IsKernelLike(other));
  }
}

}  // namespace pxekit
