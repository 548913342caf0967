#include "wol/ethers.h"

#include <algorithm>
#include <cctype>

#include "util/ascii.h"
#include "util/line_list.h"

namespace pxekit {

std::optional<MacAddr> LookupEthers(std::string_view ethers_content,
                                    std::string_view name) {
  LineList list = SplitLineList(ethers_content);
  for (const ListLine& line : list.lines) {
    if (line.fields.size() < 2 ||
        !EqualsIgnoreAsciiCase(line.fields[1].text, name))
      continue;
    auto mac = MacAddr::Parse(line.fields[0].text);
    if (mac) return *mac;
  }
  return std::nullopt;
}

}  // namespace pxekit
