#include "boot/boot_policy.h"

#include <fmt/format.h>

#include "dhcp/dhcp_message.h"
#include "dhcp/dhcp_options.h"

namespace pxekit {

BootFamily ClientBootInfo::Family() const {
  // Option 93 is a list; the first known entry decides.
  for (std::uint16_t arch : archs)
    if (const ArchInfo* info = FindArch(arch)) return info->family;
  return archs.empty() ? BootFamily::kBios : BootFamily::kOther;
}

std::string ClientBootInfo::ArchText() const {
  if (archs.empty()) return "none";
  std::string out;
  for (std::uint16_t arch : archs) {
    const ArchInfo* info = FindArch(arch);
    out += fmt::format("{}{} ({})", out.empty() ? "" : ",", arch,
                       info != nullptr ? info->name : "unknown");
  }
  return out;
}

ClientBootInfo DescribeClient(const DhcpMessage& message) {
  ClientBootInfo client;
  client.archs = message.ClientArchs();
  client.vendor_class = std::string(message.GetText(dhcp_option::kVendorClass));
  client.pxe = client.vendor_class.rfind("PXEClient", 0) == 0;
  client.http = client.vendor_class.rfind("HTTPClient", 0) == 0;
  std::string_view user = message.GetText(dhcp_option::kUserClass);
  // iPXE sends a bare "iPXE", not the RFC 3004 length-prefixed form; accept
  // both.
  if (user.size() > 1 && static_cast<unsigned char>(user[0]) == user.size() - 1)
    client.user_class = std::string(user.substr(1));
  else
    client.user_class = std::string(user);
  client.ipxe = client.user_class == "iPXE" ||
                message.options.Has(dhcp_option::kIpxeEncap);
  return client;
}

BootChoice ChooseBootFile(const BootFiles& files, const ClientBootInfo& client,
                          const ConfigBootFile& config) {
  if (client.ipxe && !files.ipxe_script.empty())
    return {files.ipxe_script, "iPXE user class: --ipxe-script"};
  if (client.http && !files.http_url.empty())
    return {files.http_url, "HTTPClient vendor class: --http-url"};
  if (config.file && config.from_host) return {*config.file, config.origin};
  BootFamily family = client.Family();
  const std::string* by_arch = nullptr;
  std::string_view flag;
  if (family == BootFamily::kX64Uefi && !files.x64_efi.empty()) {
    by_arch = &files.x64_efi;
    flag = "--efi-filename";
  } else if (family == BootFamily::kArm64Uefi && !files.arm64_efi.empty()) {
    by_arch = &files.arm64_efi;
    flag = "--arm64-filename";
  }
  if (by_arch != nullptr)
    return {*by_arch, fmt::format("arch {}: {}", client.ArchText(), flag)};
  if (config.file) return {*config.file, config.origin};
  if (!files.bios.empty())
    return {files.bios, fmt::format("arch {}: --filename", client.ArchText())};
  return {"", "no boot file configured"};
}

}  // namespace pxekit
