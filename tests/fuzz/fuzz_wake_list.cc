// Wake lists and /etc/ethers: any bytes give targets and errors, never a
// crash; every line is either a target or an error, never both; errors carry
// real line numbers; an IP field of digits and dots is a valid address. The
// input doubles as the ethers file.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "util/ipv4.h"
#include "wol/ethers.h"
#include "wol/wake_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  pxekit::fuzz::FuzzText input(data, size);
  std::string_view text = input.text;
  pxekit::MacNameLookup lookup = pxekit::EthersNameLookup(
      [text]() -> pxekit::Result<std::string> { return std::string(text); });
  pxekit::WakeList list = pxekit::ParseWakeList(text, "fuzz", lookup);
  pxekit::fuzz::CheckTargetLines(
      list.targets, pxekit::fuzz::CheckErrorLines(list.errors, input.lines));
  for (const auto& target : list.targets) {
    if (target.port) FUZZ_CHECK(*target.port >= 1);
    // A host of digits and dots was checked: it is a valid address.
    if (target.host && pxekit::IsIpv4Shaped(*target.host))
      FUZZ_CHECK(pxekit::Ipv4Addr::Parse(*target.host).ok());
  }
  return 0;
}
