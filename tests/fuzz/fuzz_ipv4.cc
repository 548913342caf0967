// IPv4 parsers: addresses, prefixes, netmasks and ranges round-trip and
// report columns inside the input; whatever parses as an address is
// IPv4-shaped (digits and dots).
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "util/ipv4.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto addr = pxekit::Ipv4Addr::Parse(text);
  // Every address is IPv4-shaped, so wakeonlan never resolves one.
  if (addr) FUZZ_CHECK(pxekit::IsIpv4Shaped(text));
  if (addr) {
    FUZZ_CHECK(pxekit::Ipv4Addr::Parse(addr->ToString()).value() == *addr);
  } else {
    FUZZ_CHECK(addr.failure().column >= 1 && addr.failure().column <= size + 1);
  }
  auto prefix = pxekit::Ipv4Prefix::Parse(text);
  if (prefix) {
    FUZZ_CHECK(pxekit::Ipv4Prefix::Parse(prefix->ToString()).value() ==
               *prefix);
    FUZZ_CHECK(prefix->Contains(prefix->address()));
    FUZZ_CHECK(prefix->Contains(prefix->DirectedBroadcast()));
  }
  auto length = pxekit::Ipv4Prefix::NetmaskToLength(text);
  if (length) FUZZ_CHECK(*length >= 0 && *length <= 32);
  auto range = pxekit::Ipv4Range::Parse(text);
  if (range) {
    FUZZ_CHECK(range->first() <= range->last());
    FUZZ_CHECK(pxekit::Ipv4Range::Parse(range->ToString()).value() == *range);
  } else {
    FUZZ_CHECK(range.failure().column <= size + 1);
  }
  return 0;
}
