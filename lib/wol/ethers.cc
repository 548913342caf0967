#include "wol/ethers.h"

#include <algorithm>
#include <cctype>

#include "util/line_list.h"

namespace pxekit {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<MacAddr> LookupEthers(std::string_view ethers_content,
                                    std::string_view name) {
  LineList list = SplitLineList(ethers_content);
  for (const ListLine& line : list.lines) {
    if (line.fields.size() < 2 ||
        !EqualsIgnoringCase(line.fields[1].text, name))
      continue;
    auto mac = MacAddr::Parse(line.fields[0].text);
    if (mac) return *mac;
  }
  return std::nullopt;
}

}  // namespace pxekit
