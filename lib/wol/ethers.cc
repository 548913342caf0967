#include "wol/ethers.h"

#include "util/ascii.h"
#include "util/line_list.h"

namespace pxekit {

EthersTable::EthersTable(std::string_view ethers_content) {
  LineList list = SplitLineList(ethers_content);
  for (const ListLine& line : list.lines) {
    if (line.fields.size() < 2) continue;
    auto mac = MacAddr::Parse(line.fields[0].text);
    if (!mac) continue;
    // The first valid entry for a name wins: emplace keeps it.
    by_name_.emplace(AsciiLower(line.fields[1].text), *mac);
  }
}

std::optional<MacAddr> EthersTable::Find(std::string_view name) const {
  auto it = by_name_.find(AsciiLower(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

}  // namespace pxekit
