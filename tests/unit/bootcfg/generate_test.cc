#include "bootcfg/generate.h"

#include <catch2/catch.hpp>
#include <utility>

#include "unit/bootcfg/one_file.h"
#include "unit/bootcfg/seed_config.h"

#include "bootcfg/grub_cfg.h"
#include "bootcfg/host_list.h"
#include "bootcfg/marker.h"

namespace pxekit {
namespace {

BootSpec SeedNfsSpec() {
  BootSpec spec;
  spec.label = "ubuntu";
  spec.kernel = "linux";
  spec.initrds = {"initrd.nfs"};
  spec.nfsroot = "192.168.1.88:/home/cache/netboot/root";
  spec.append = "rw";
  return spec;
}

HostEntry Host(const char* mac, const char* label = "") {
  HostEntry host;
  host.mac = *MacAddr::Parse(mac);
  host.label = label;
  return host;
}

}  // namespace

TEST_CASE("pxelinux default: the seed's NFS-root config", "[bootcfg][gen]") {
  auto files = GeneratePxelinux(SeedNfsSpec(), {});
  CheckOneFile(files, "pxelinux.cfg/default",
               "DEFAULT ubuntu\n"
               "LABEL ubuntu\n"
               "KERNEL linux\n"
               "APPEND initrd=initrd.nfs root=/dev/nfs "
               "nfsroot=192.168.1.88:/home/cache/netboot/root ip=dhcp rw\n");
  CHECK(files[0].content.starts_with(kMarkerPrefix));
  CHECK(InspectProvenance(files[0].content) == Provenance::kOurs);
}

TEST_CASE("pxelinux casper adds the seed's live-boot arguments",
          "[bootcfg][gen]") {
  BootSpec spec;
  spec.label = "ubuntu";
  spec.kernel = "../ubuntu/casper/vmlinuz.efi";
  spec.initrds = {"../ubuntu/casper/initrd.lz"};
  spec.nfsroot = "10.10.10.1:/srv/tftpboot/ubuntu";
  spec.casper = true;
  spec.timeout_s = 10;
  CHECK(KernelArguments(spec) ==
        "boot=casper netboot=nfs root=/dev/nfs "
        "nfsroot=10.10.10.1:/srv/tftpboot/ubuntu ip=dhcp");
  auto files = GeneratePxelinux(spec, {});
  REQUIRE(files.size() == 1);
  CHECK(StripMarker(files[0].content) ==
        std::string("PROMPT 0\nTIMEOUT 100\n\n") + kSeedCasperEntry);
}

TEST_CASE("pxelinux per host: lowercase dashed 01- names and own labels",
          "[bootcfg][gen]") {
  HostEntry named = Host("00:13:21:1F:F1:82");
  named.name = "target";
  named.ip = Ipv4Addr::FromOctets(192, 168, 0, 10);
  auto files =
      GeneratePxelinux(SeedNfsSpec(), {named, Host("02-00-00-00-00-02", "x")});
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == "pxelinux.cfg/01-00-13-21-1f-f1-82");
  CHECK(StripMarker(files[0].content)
            .starts_with("# host target 192.168.0.10\nDEFAULT ubuntu\n"));
  CHECK(files[1].path == "pxelinux.cfg/01-02-00-00-00-00-02");
  CHECK(StripMarker(files[1].content).starts_with("DEFAULT x\nLABEL x\n"));
}

TEST_CASE("pxelinux menu and prompt and several initrds", "[bootcfg][gen]") {
  BootSpec spec;
  spec.kernel = "vmlinuz";
  spec.initrds = {"a.img", "b.img"};
  spec.menu = true;
  spec.prompt = true;
  auto files = GeneratePxelinux(spec, {});
  CHECK(StripMarker(files[0].content) ==
        "UI menu.c32\nPROMPT 1\n\nDEFAULT linux\nLABEL linux\n"
        "MENU LABEL linux\nKERNEL vmlinuz\nAPPEND initrd=a.img,b.img\n");
}

TEST_CASE("GRUB: seconds and (tftp) paths and per-MAC and hex-IP files",
          "[bootcfg][gen]") {
  BootSpec spec = SeedNfsSpec();
  spec.timeout_s = 6;
  spec.append = "rw console=ttyS0;x";
  auto defaults = GenerateGrub(spec, {}, "boot/grub");
  CheckOneFile(defaults, "boot/grub/grub.cfg",
               "set timeout=6\n"
               "set default=ubuntu\n"
               "\n"
               "menuentry ubuntu --id ubuntu {\n"
               "\tlinux (tftp)/linux root=/dev/nfs "
               "nfsroot=192.168.1.88:/home/cache/netboot/root ip=dhcp rw "
               "'console=ttyS0;x'\n"
               "\tinitrd (tftp)/initrd.nfs\n"
               "}\n");
  HostEntry host = Host("52:54:00:12:34:56");
  host.ip = Ipv4Addr::FromOctets(10, 0, 0, 130);
  auto files = GenerateGrub(spec, {host, Host("52:54:00:12:34:57")}, "/x/");
  REQUIRE(files.size() == 3);
  CHECK(files[0].path == "x/grub.cfg-01-52-54-00-12-34-56");
  CHECK(files[1].path == "x/grub.cfg-0A000082");
  CHECK(files[1].content == files[0].content);
  CHECK(files[2].path == "x/grub.cfg-01-52-54-00-12-34-57");
}

TEST_CASE("GRUB boots at once without --timeout as pxelinux does",
          "[bootcfg][gen]") {
  BootSpec spec;
  spec.kernel = "/vmlinuz";
  auto unattended = StripMarker(GenerateGrub(spec, {}, "boot/grub")[0].content);
  CHECK(unattended.starts_with("set timeout=0\nset default=linux\n"));
  spec.prompt = true;  // a prompt without a timeout waits, as PROMPT 1 does
  auto prompting = StripMarker(GenerateGrub(spec, {}, "boot/grub")[0].content);
  CHECK(prompting.starts_with("set timeout_style=menu\nset default=linux\n"));
}

TEST_CASE("GRUB quoting keeps specials away from GRUB's lexer",
          "[bootcfg][gen]") {
  CHECK(GrubQuote("plain=word") == "plain=word");
  CHECK(GrubQuote("a b") == "'a b'");
  CHECK(GrubQuote("it's") == "'it'\\''s'");
  CHECK(GrubQuote("$x") == "'$x'");
  CHECK(GrubQuote("") == "''");
}

// GRUB's manual ("Shell-like scripting"): '$' keeps its meaning inside
// double quotes and a backslash escapes only '$', '"', a backslash and a
// newline there; single quotes keep everything literal, '$' included.
TEST_CASE("GRUB: a path that starts with a variable is expanded by GRUB",
          "[bootcfg][gen]") {
  // {path, what the config says}
  const std::pair<const char*, const char*> cases[] = {
      {"$prefix/vmlinuz", "\"$prefix/vmlinuz\""},
      {"${root}/vmlinuz", "\"${root}/vmlinuz\""},
      {"$1/vmlinuz", "\"$1/vmlinuz\""},
      // The rest stays literal: blanks, quotes, a second '$', a backslash.
      {"$prefix/my kernel's \"v\"", "\"$prefix/my kernel's \\\"v\\\"\""},
      {"$prefix/a$b\\c", "\"$prefix/a\\$b\\\\c\""},
      // No variable name after '$': nothing to expand, quoted literally.
      {"$/vmlinuz", "'$/vmlinuz'"},
      {"${unclosed/vmlinuz", "'${unclosed/vmlinuz'"},
      {"vmlinuz", "vmlinuz"},
  };
  for (const auto& [path, quoted] : cases) {
    INFO(path);
    CHECK(GrubQuoteVariable(path) == quoted);
  }
}

TEST_CASE("GRUB: a kernel path that starts with a variable stays live",
          "[bootcfg][gen]") {
  // What the config says, read back by GRUB's rules (grub_cfg.h): the
  // variable is live and the rest comes back as given.
  BootSpec spec;
  spec.kernel = "$prefix/my kernel's \"v\"";
  spec.initrds = {"${root}/initrd $1.img"};
  auto text = StripMarker(GenerateGrub(spec, {}, "boot/grub")[0].content);
  CHECK(text.find("\tlinux \"$prefix/my kernel's \\\"v\\\"\"") !=
        std::string::npos);
  CHECK(text.find("\tinitrd \"${root}/initrd \\$1.img\"\n") !=
        std::string::npos);
  GrubConfig config = ParseGrubConfig(text);
  CHECK(config.errors.empty());
  bool linux_seen = false, initrd_seen = false;
  for (const GrubCommand& command : config.commands) {
    if (command.words.size() != 2) continue;
    if (command.words[0].text == "linux") {
      linux_seen = true;
      CHECK(command.words[1].text == spec.kernel);
      CHECK(command.words[1].has_variable);
    }
    if (command.words[0].text == "initrd") {
      initrd_seen = true;
      CHECK(command.words[1].text == spec.initrds[0]);
      CHECK(command.words[1].has_variable);
    }
  }
  CHECK(linux_seen);
  CHECK(initrd_seen);
}

TEST_CASE("iPXE: default chains per-MAC scripts by ${net0/mac}",
          "[bootcfg][gen]") {
  BootSpec spec = SeedNfsSpec();
  auto files = GenerateIpxe(spec, {Host("52:54:00:12:34:56")});
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == "default.ipxe");
  CHECK(files[0].content.starts_with("#!ipxe\n# Generated by pxe-mkcfg"));
  CHECK(InspectProvenance(files[0].content) == Provenance::kOurs);
  std::string body = StripMarker(files[0].content);
  CHECK(body.find("chain --replace --autofree mac-${net0/mac:hexraw}.ipxe || "
                  "goto ubuntu\n") != std::string::npos);
  CHECK(body.find(":ubuntu\nkernel linux root=/dev/nfs "
                  "nfsroot=192.168.1.88:/home/cache/netboot/root ip=dhcp rw "
                  "|| goto failed\ninitrd initrd.nfs || goto failed\n"
                  "boot || goto failed\n") != std::string::npos);
  CHECK(files[1].path == "mac-525400123456.ipxe");
  CHECK(files[1].content.find("chain") == std::string::npos);
}

TEST_CASE("iPXE menu timeouts are milliseconds", "[bootcfg][gen]") {
  BootSpec spec;
  spec.kernel = "vmlinuz";
  spec.menu = true;
  spec.timeout_s = 5;
  std::string body = StripMarker(GenerateIpxe(spec, {})[0].content);
  CHECK(body.find("choose --default linux --timeout 5000 target || goto "
                  "linux\n") != std::string::npos);
}

TEST_CASE("iPXE --menu: a default.ipxe without a per-host script shows it",
          "[bootcfg][gen]") {
  // The chain's fallback used to jump to the entry, past the menu.
  BootSpec spec;
  spec.kernel = "vmlinuz";
  spec.menu = true;
  std::string body = StripMarker(GenerateIpxe(spec, {})[0].content);
  CHECK(body.find("chain --replace --autofree mac-${net0/mac:hexraw}.ipxe || "
                  "goto menu\n\n:menu\nmenu Boot menu\nitem linux linux\n"
                  "choose --default linux target || goto linux\n") !=
        std::string::npos);
  // Our own labels step aside for an entry of the same name.
  spec.label = "menu";
  body = StripMarker(GenerateIpxe(spec, {})[0].content);
  CHECK(body.find("|| goto menu_\n\n:menu_\nmenu Boot menu\n") !=
        std::string::npos);
  spec.label = "failed";
  body = StripMarker(GenerateIpxe(spec, {})[0].content);
  CHECK(body.find("\n:failed\nkernel vmlinuz || goto failed_\n") !=
        std::string::npos);
  CHECK(body.find("\n:failed_\necho Booting failed failed") !=
        std::string::npos);
}

TEST_CASE("Timeouts are seconds in every loader and 0 boots at once in each",
          "[bootcfg][gen]") {
  BootSpec spec;
  spec.kernel = "vmlinuz";
  spec.timeout_s = 5;
  CHECK(StripMarker(GeneratePxelinux(spec, {})[0].content)
            .starts_with("PROMPT 0\nTIMEOUT 50\n\n"));
  CHECK(StripMarker(GenerateGrub(spec, {}, "g")[0].content)
            .starts_with("set timeout=5\nset default=linux\n"));
  spec.timeout_s = 0;  // pxelinux's TIMEOUT 0 would wait for ever
  std::string pxelinux = StripMarker(GeneratePxelinux(spec, {})[0].content);
  CHECK(pxelinux.starts_with("PROMPT 0\n\nDEFAULT linux\n"));
  CHECK(pxelinux.find("TIMEOUT") == std::string::npos);
  CHECK(StripMarker(GenerateGrub(spec, {}, "g")[0].content)
            .starts_with("set timeout=0\nset default=linux\n"));
  // ... and so cannot go with a prompt or a menu.
  spec.menu = true;
  CHECK(ValidateBootSpec(spec).error().starts_with(
      "--timeout 0 boots the default at once, so no menu could be shown"));
  spec.menu = false;
  spec.prompt = true;
  CHECK_FALSE(ValidateBootSpec(spec));
  // Without --timeout, a menu waits for ever in GRUB as in the others.
  spec = BootSpec{};
  spec.kernel = "vmlinuz";
  spec.menu = true;
  CHECK(StripMarker(GenerateGrub(spec, {}, "g")[0].content)
            .starts_with("set timeout_style=menu\nset default=linux\n"));
  spec.timeout_s = kMaxTimeoutSeconds;
  CHECK(ValidateBootSpec(spec));
  CHECK(StripMarker(GeneratePxelinux(spec, {})[0].content)
            .find("TIMEOUT 35990\n") != std::string::npos);
  spec.timeout_s = kMaxTimeoutSeconds + 1;
  CHECK(ValidateBootSpec(spec).error() ==
        "--timeout 3600: must be 0-3599 seconds");
}

TEST_CASE("dhcpd host blocks as the seed writes them", "[bootcfg][gen]") {
  HostEntry host = Host("00:13:21:1F:F1:82");
  host.ip = Ipv4Addr::FromOctets(192, 168, 0, 10);
  host.name = "target";
  HostEntry unnamed = Host("02:00:00:00:00:02");
  unnamed.ip = Ipv4Addr::FromOctets(192, 168, 0, 11);
  DhcpdHostOptions options;
  options.next_server = Ipv4Addr::FromOctets(192, 168, 0, 2);
  options.filename = "/ubuntu-installer/i386/pxelinux.0";
  CHECK(StripMarker(GenerateDhcpdHosts({host, unnamed}, options)) ==
        "host target {\n"
        "  hardware ethernet 00:13:21:1f:f1:82;\n"
        "  fixed-address 192.168.0.10;\n"
        "  next-server 192.168.0.2;\n"
        "  filename \"/ubuntu-installer/i386/pxelinux.0\";\n"
        "}\n"
        "\n"
        "host host-020000000002 {\n"
        "  hardware ethernet 02:00:00:00:00:02;\n"
        "  fixed-address 192.168.0.11;\n"
        "  next-server 192.168.0.2;\n"
        "  filename \"/ubuntu-installer/i386/pxelinux.0\";\n"
        "}\n");
  options.filename = "a\"b";
  CHECK(GenerateDhcpdHosts({host}, options).find("filename \"a\\\"b\";") !=
        std::string::npos);
}

TEST_CASE("Boot specs are validated before anything is written",
          "[bootcfg][gen]") {
  BootSpec spec;
  spec.kernel = "vmlinuz";
  CHECK(ValidateBootSpec(spec));
  spec.casper = true;
  CHECK(ValidateBootSpec(spec).error() ==
        "--casper boots a live system over NFS: give --nfsroot too");
  spec.nfsroot = "10.0.0.1/srv";
  CHECK(ValidateBootSpec(spec).error() ==
        "--nfsroot '10.0.0.1/srv': expected SERVER:/PATH");
  spec = BootSpec{};
  spec.kernel = "my kernel";
  CHECK_FALSE(ValidateBootSpec(spec));
  spec.kernel = "k";
  spec.initrds = {"a,b"};
  CHECK_FALSE(ValidateBootSpec(spec));
  spec.initrds = {};
  spec.label = "two words";
  CHECK_FALSE(ValidateBootSpec(spec));
  spec.label = "l";
  spec.append = "a\nb";
  CHECK_FALSE(ValidateBootSpec(spec));
  spec.append = "  quiet  ";
  auto trimmed = ValidateBootSpec(spec);
  REQUIRE(trimmed);
  CHECK(trimmed->append == "quiet");
  spec.timeout_s = kMaxTimeoutSeconds + 1;
  CHECK_FALSE(ValidateBootSpec(spec));
}

}  // namespace pxekit
