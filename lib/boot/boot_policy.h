#pragma once
// Which boot file a client gets, and why (for the log line).
//
// Order: an iPXE client gets --ipxe-script (breaking the chainload loop in
// which iPXE would load itself again); a UEFI HTTP client (vendor class
// HTTPClient) gets --http-url; then the host's own filename; then the file
// for the client's architecture family (--efi-filename for arch 7 and 9,
// --arm64-filename); then the filename the config evaluates to (classes,
// if/elsif on option arch); then --filename.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "boot/client_arch.h"

namespace pxekit {

struct DhcpMessage;

struct BootFiles {
  std::string bios;         // --filename
  std::string x64_efi;      // --efi-filename
  std::string arm64_efi;    // --arm64-filename
  std::string ipxe_script;  // --ipxe-script
  std::string http_url;     // --http-url
};

struct ClientBootInfo {
  std::vector<std::uint16_t> archs;  // option 93, in order
  std::string vendor_class;          // option 60
  std::string user_class;            // option 77, printable form
  bool pxe = false;                  // vendor class starts with PXEClient
  bool http = false;                 // vendor class starts with HTTPClient
  bool ipxe = false;  // user class iPXE (bare or RFC 3004), or option 175

  BootFamily Family() const;
  // "7 (x64 UEFI)", or "none".
  std::string ArchText() const;
};

ClientBootInfo DescribeClient(const DhcpMessage& message);

struct BootChoice {
  std::string file;    // empty: no boot file
  std::string reason;  // "arch 7 (x64 UEFI): --efi-filename"
};

struct ConfigBootFile {
  std::optional<std::string> file;
  std::string origin;      // scope label that set it
  bool from_host = false;  // set in the host's own scope
};

BootChoice ChooseBootFile(const BootFiles& files, const ClientBootInfo& client,
                          const ConfigBootFile& config);

}  // namespace pxekit
