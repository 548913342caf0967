// PXE vendor options (option 43, lib/dhcp/pxe_options): any bytes parse or
// fail with a message, never a crash; what parses encodes to one option
// (at most 255 bytes, ending in END) that parses back to the same values;
// and values built from the input encode the same way. Boot servers are
// written only when their sub-option fits beside the others, and then
// survive exactly; discovery control and the boot item always survive.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dhcp/pxe_options.h"
#include "fuzz_check.h"
#include "fuzz_input.h"

namespace {

using pxekit::PxeVendorOptions;

std::size_t ServersLength(const PxeVendorOptions& pxe) {
  std::size_t length = 0;
  for (const auto& server : pxe.boot_servers)
    length += 3 + 4 * server.addresses.size();
  return length;
}

bool SameServers(const PxeVendorOptions& a, const PxeVendorOptions& b) {
  if (a.boot_servers.size() != b.boot_servers.size()) return false;
  for (std::size_t i = 0; i < a.boot_servers.size(); ++i) {
    const auto& x = a.boot_servers[i];
    const auto& y = b.boot_servers[i];
    if (x.type != y.type || x.addresses.size() != y.addresses.size())
      return false;
    for (std::size_t j = 0; j < x.addresses.size(); ++j)
      if (x.addresses[j].value() != y.addresses[j].value()) return false;
  }
  return true;
}

void CheckEncoding(const PxeVendorOptions& pxe) {
  auto bytes = pxekit::EncodePxeVendorOptions(pxe);
  FUZZ_CHECK(!bytes.empty() && bytes.size() <= 255);
  FUZZ_CHECK(bytes.back() == 255);
  auto back = pxekit::ParsePxeVendorOptions(bytes);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->discovery_control == pxe.discovery_control);
  FUZZ_CHECK(back->boot_item == pxe.boot_item);
  // The room left for boot servers: END, the other sub-options, the header.
  std::size_t others =
      1 + (pxe.discovery_control ? 3 : 0) + (pxe.boot_item ? 6 : 0);
  std::size_t servers = ServersLength(pxe);
  bool fits = servers > 0 && servers <= 250 && 2 + servers + others <= 255;
  bool any_too_many = false;
  for (const auto& server : pxe.boot_servers)
    any_too_many |= server.addresses.size() > 255;
  if (fits && !any_too_many) {
    FUZZ_CHECK(SameServers(*back, pxe));
  } else {
    FUZZ_CHECK(back->boot_servers.empty() || SameServers(*back, pxe));
  }
  // Encoding is a fixed point after one round.
  FUZZ_CHECK(pxekit::EncodePxeVendorOptions(*back) == bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  auto parsed = pxekit::ParsePxeVendorOptions(bytes);
  if (parsed.ok()) {
    CheckEncoding(*parsed);
  } else {
    FUZZ_CHECK(!parsed.error().empty());
  }

  // Values built from the input.
  pxekit::fuzz::FuzzInput in(data, size);
  PxeVendorOptions pxe;
  std::uint8_t present = in.U8();
  if (present & 1) pxe.discovery_control = in.U8();
  if (present & 2) pxe.boot_item = in.U32();
  std::size_t count = in.Range(0, 8);
  for (std::size_t i = 0; i < count && !in.empty(); ++i) {
    PxeVendorOptions::BootServer server;
    server.type = in.U16();
    std::size_t addresses = in.U8() % 80;
    for (std::size_t j = 0; j < addresses; ++j)
      server.addresses.push_back(pxekit::Ipv4Addr(in.U32()));
    pxe.boot_servers.push_back(std::move(server));
  }
  CheckEncoding(pxe);
  return 0;
}
