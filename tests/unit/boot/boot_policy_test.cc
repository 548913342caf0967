#include "boot/boot_policy.h"

#include <catch2/catch.hpp>

#include "dhcp/dhcp_message.h"

namespace pxekit {
namespace {

ClientBootInfo Info(std::vector<std::uint16_t> archs, std::string vendor = "",
                    std::string user = "") {
  DhcpMessage m;
  std::vector<std::uint8_t> data;
  for (auto arch : archs) {
    data.push_back(static_cast<std::uint8_t>(arch >> 8));
    data.push_back(static_cast<std::uint8_t>(arch));
  }
  if (!archs.empty()) m.options.Set(93, data);
  if (!vendor.empty()) m.options.SetText(60, vendor);
  if (!user.empty()) m.options.SetText(77, user);
  return DescribeClient(m);
}

BootFiles Files() {
  BootFiles files;
  files.bios = "undionly.kpxe";
  files.x64_efi = "ipxe.efi";
  files.arm64_efi = "arm64.efi";
  files.ipxe_script = "http://198.18.0.1/boot.ipxe";
  files.http_url = "http://198.18.0.1/ipxe.efi";
  return files;
}

}  // namespace

TEST_CASE("The IANA arch table: 7 and 9 are both x64 UEFI", "[boot]") {
  CHECK(FindArch(0)->family == BootFamily::kBios);
  CHECK(FindArch(7)->family == BootFamily::kX64Uefi);
  CHECK(FindArch(9)->family == BootFamily::kX64Uefi);
  CHECK(FindArch(11)->family == BootFamily::kArm64Uefi);
  CHECK(FindArch(16)->http);
  CHECK(FindArch(41) != nullptr);
  CHECK(FindArch(42) == nullptr);
}

TEST_CASE("Boot file by arch then default", "[boot]") {
  ConfigBootFile none;
  CHECK(ChooseBootFile(Files(), Info({0}), none).file == "undionly.kpxe");
  CHECK(ChooseBootFile(Files(), Info({}), none).file == "undionly.kpxe");
  auto uefi = ChooseBootFile(Files(), Info({7}), none);
  CHECK(uefi.file == "ipxe.efi");
  CHECK(uefi.reason == "arch 7 (x64 UEFI): --efi-filename");
  CHECK(ChooseBootFile(Files(), Info({9}), none).file == "ipxe.efi");
  CHECK(ChooseBootFile(Files(), Info({11}), none).file == "arm64.efi");
  // A list: the first known entry decides.
  CHECK(ChooseBootFile(Files(), Info({7, 0}), none).file == "ipxe.efi");
  BootFiles bios_only;
  bios_only.bios = "pxelinux.0";
  CHECK(ChooseBootFile(bios_only, Info({7}), none).file == "pxelinux.0");
  CHECK(ChooseBootFile(BootFiles{}, Info({7}), none).file.empty());
}

TEST_CASE("iPXE gets the script (both user class forms) and HTTPClient the URL",
          "[boot]") {
  ConfigBootFile none;
  CHECK(Info({7}, "PXEClient", "iPXE").ipxe);
  CHECK(Info({7}, "", std::string("\x04iPXE")).ipxe);
  CHECK_FALSE(Info({7}, "", "gPXE").ipxe);
  CHECK(ChooseBootFile(Files(), Info({7}, "PXEClient", "iPXE"), none).file ==
        "http://198.18.0.1/boot.ipxe");
  auto http = Info({16}, "HTTPClient:Arch:00016:UNDI:003001");
  CHECK(http.http);
  CHECK(ChooseBootFile(Files(), http, none).file ==
        "http://198.18.0.1/ipxe.efi");
}

TEST_CASE("A host's filename beats arch and a config filename beats --filename",
          "[boot]") {
  ConfigBootFile host{"host.0", "host pc1 at x:1", true};
  CHECK(ChooseBootFile(Files(), Info({7}), host).file == "host.0");
  ConfigBootFile config{"conf.0", "subnet x", false};
  CHECK(ChooseBootFile(Files(), Info({7}), config).file == "ipxe.efi");
  CHECK(ChooseBootFile(Files(), Info({0}), config).file == "conf.0");
}

}  // namespace pxekit
