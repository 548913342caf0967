// DHCP messages: any bytes parse to a message or an error, never a crash;
// a parsed message re-encodes (padded to 300, within the limit) and parses
// back to the same header and options.
#include <cstdint>

#include "dhcp/dhcp_message.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace pxekit;
  auto parsed = ParseDhcpMessage({data, size});
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().empty());
    return 0;
  }
  const DhcpMessage& m = *parsed;
  (void)m.Type();
  (void)m.ClientArchs();
  auto encoded = EncodeDhcpMessage(m, kDhcpEthernetMaxSize);
  FUZZ_CHECK(encoded.ok());
  FUZZ_CHECK(encoded->bytes.size() >= kBootpMinimumSize);
  FUZZ_CHECK(encoded->bytes.size() <= kDhcpEthernetMaxSize);
  auto back = ParseDhcpMessage(encoded->bytes);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(back->xid == m.xid && back->flags == m.flags &&
             back->ciaddr == m.ciaddr && back->giaddr == m.giaddr &&
             back->chaddr == m.chaddr);
  if (encoded->dropped.empty() && m.has_cookie) {
    // Options survive exactly (RFC 3396 splitting and joining included).
    FUZZ_CHECK(back->options.list().size() == m.options.list().size());
    for (const DhcpOption& option : m.options.list()) {
      const auto* again = back->options.Find(option.code);
      FUZZ_CHECK(again != nullptr && *again == option.data);
    }
  }
  return 0;
}
