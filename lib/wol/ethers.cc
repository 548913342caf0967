#include "wol/ethers.h"

#include <cerrno>
#include <memory>
#include <utility>

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

MacNameLookup EthersNameLookup(EthersReader read) {
  // std::function copies its target: the copies share one state.
  struct State {
    EthersReader read;
    std::optional<Result<EthersTable>> table;  // set at the first look-up
  };
  auto state = std::make_shared<State>(State{std::move(read), std::nullopt});
  return [state](std::string_view name) -> Result<MacAddr> {
    if (!state->table) {
      auto content = state->read();
      if (content)
        state->table.emplace(EthersTable(content.value()));
      else if (content.failure().sys_errno == ENOENT)  // most hosts have none
        state->table.emplace(EthersTable());
      else
        state->table.emplace(Fail("/etc/ethers: " + content.error()));
    }
    const Result<EthersTable>& table = *state->table;
    if (!table) return table.failure();
    if (auto mac = table->Find(name)) return *mac;
    return Fail("no such name in /etc/ethers");
  };
}

}  // namespace pxekit
