#pragma once
// The file names boot loaders ask for (pxekit(7), CONFIG LOOKUP): pxelinux's
// pxelinux.cfg/<name> and GRUB's grub.cfg-<name> share the same three forms.

#include <string>
#include <string_view>

#include "util/ipv4.h"
#include "util/result.h"

namespace pxekit {

// An IPv4 address as 8 uppercase hex digits, zero-padded: 192.168.2.91 ->
// "C0A8025B" (what gethostip prints and pxelinux requests).
std::string HexIp(Ipv4Addr address);

// A client UUID in the form pxelinux requests: lowercase, dashed 8-4-4-4-12.
// Accepts either case, with or without the dashes.
Result<std::string> NormalizeUuid(std::string_view text);

// What kind of per-client name a config file name is, so the checker can
// tell a name the loader requests from one it never will.
enum class ClientNameKind {
  kOther,         // not a per-client name ("default", "menu.cfg")
  kMac,           // 01-aa-bb-cc-dd-ee-ff, as requested
  kHexIp,         // 1 to 8 uppercase hex digits, as requested
  kUuid,          // lowercase dashed UUID, as requested
  kMacMiscased,   // 01-AA-BB-... : never requested
  kMacColons,     // 01:aa:bb:... or aa:bb:cc:dd:ee:ff : never requested
  kMacNoArpType,  // aa-bb-cc-dd-ee-ff without "01-" : never requested
  kHexIpLower,    // c0a8025b : never requested
  kUuidMiscased,  // B8945908-D6A6-... : never requested
};

ClientNameKind ClassifyClientName(std::string_view name);

// Why a misnamed file is never requested, and what it should be called; empty
// for the kinds that are fine.
std::string DescribeMisnamedClient(std::string_view name);

}  // namespace pxekit
