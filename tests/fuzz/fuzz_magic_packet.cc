// Magic packets and SecureOn passwords: a payload that parses rebuilds to
// the same bytes; a password that parses is 4 or 6 bytes.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_check.h"
#include "wol/magic_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  if (auto packet = pxekit::ParseMagicPacket(bytes)) {
    auto rebuilt = pxekit::BuildMagicPacket(packet->target, packet->password);
    FUZZ_CHECK(
        std::equal(rebuilt.begin(), rebuilt.end(), bytes.begin(), bytes.end()));
  }
  auto password = pxekit::ParseSecureOnPassword(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (password) FUZZ_CHECK(password->size() == 4 || password->size() == 6);
  return 0;
}
