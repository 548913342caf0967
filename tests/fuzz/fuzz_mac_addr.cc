// MacAddr::Parse: never crashes; what it accepts formats canonically and
// parses back to the same address; errors point inside the input (+1 for
// "expected more").
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "util/mac_addr.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mac = pxekit::MacAddr::Parse(text);
  if (mac) {
    auto again = pxekit::MacAddr::Parse(mac->ToString());
    FUZZ_CHECK(again.ok() && *again == *mac);
    FUZZ_CHECK(mac->PxelinuxName().size() == 20);
  } else {
    FUZZ_CHECK(!mac.error().empty());
    FUZZ_CHECK(mac.failure().column >= 1 && mac.failure().column <= size + 1);
  }
  return 0;
}
