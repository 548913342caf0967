// pxe-poweroff host lists (lib/power/target_list.h): any bytes give targets
// and errors, never a crash; every line is a target or an error, never both;
// errors carry real line numbers and columns inside their line; a host of
// digits and dots is a valid address, any other host a valid name (so the
// resolver never sees junk); a target MAC is unicast and not zero.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "power/target_list.h"
#include "util/ipv4.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::size_t> line_lengths{0};
  for (char c : text) {
    if (c == '\n')
      line_lengths.push_back(0);
    else
      ++line_lengths.back();
  }
  pxekit::PowerTargetList list = pxekit::ParsePowerTargetList(text, "fuzz");
  for (const auto& error : list.errors) {
    FUZZ_CHECK(error.column >= 1);
    if (error.line >= 1 && error.line <= line_lengths.size())
      FUZZ_CHECK(error.column <= line_lengths[error.line - 1] + 1);
  }
  pxekit::fuzz::CheckTargetLines(
      list.targets,
      pxekit::fuzz::CheckErrorLines(list.errors, line_lengths.size()));
  for (const auto& target : list.targets) {
    FUZZ_CHECK(pxekit::CheckPowerHost(target.host).ok());
    if (pxekit::IsIpv4Shaped(target.host))
      FUZZ_CHECK(pxekit::Ipv4Addr::Parse(target.host).ok());
    if (target.mac) {
      FUZZ_CHECK(!target.mac->IsMulticast());
      FUZZ_CHECK(!target.mac->IsZero());
    }
  }
  return 0;
}
