// Wake lists and /etc/ethers: any bytes give targets and errors, never a
// crash; every line is either a target or an error, never both; errors carry
// real line numbers; an IP field of digits and dots is a valid address. The
// input doubles as the ethers file.
#include <cstdint>
#include <set>
#include <string_view>

#include "fuzz_check.h"
#include "util/ipv4.h"
#include "wol/ethers.h"
#include "wol/wake_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n';
  pxekit::MacNameLookup lookup = [text](std::string_view name) {
    return pxekit::LookupEthers(text, name);
  };
  pxekit::WakeList list = pxekit::ParseWakeList(text, "fuzz", lookup);
  std::set<std::size_t> error_lines;
  for (const auto& error : list.errors) {
    FUZZ_CHECK(error.line >= 1 && error.line <= lines);
    FUZZ_CHECK(!error.message.empty());
    error_lines.insert(error.line);
  }
  for (const auto& target : list.targets) {
    FUZZ_CHECK(target.origin.rfind("fuzz:", 0) == 0);
    std::size_t line = std::stoul(target.origin.substr(5));
    FUZZ_CHECK(error_lines.count(line) == 0);
    if (target.port) FUZZ_CHECK(*target.port >= 1);
    // A host of digits and dots was checked: it is a valid address.
    if (target.host && pxekit::IsIpv4Shaped(*target.host))
      FUZZ_CHECK(pxekit::Ipv4Addr::Parse(*target.host).ok());
  }
  return 0;
}
