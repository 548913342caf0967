#pragma once
// /etc/ethers (ethers(5)): "MAC  hostname-or-IP" lines, '#' comments.
// Lets `wakeonlan pc12` work as it does with Debian's wakeonlan and
// etherwake.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/mac_addr.h"
#include "util/result.h"
#include "wol/wake_list.h"

namespace pxekit {

// An ethers file read once, so that a list of N names costs one pass over
// the file and N look-ups (glibc's ether_hostton() reads the whole file
// for each name: 10,000 names in a 10,000-line file are 10^8 lines).
class EthersTable {
 public:
  EthersTable() = default;
  explicit EthersTable(std::string_view ethers_content);

  // The MAC of the first entry whose second field equals `name`
  // (case-insensitive, as host names are). Lines that do not parse are
  // skipped, as ether_hostton() does.
  std::optional<MacAddr> Find(std::string_view name) const;
  std::size_t size() const { return by_name_.size(); }

 private:
  std::unordered_map<std::string, MacAddr> by_name_;  // lower-case names
};

// The contents of /etc/ethers, or why they could not be read.
using EthersReader = std::function<Result<std::string>()>;

// Looks names up in /etc/ethers, which `read` returns; it is called at the
// first look-up and never again, also when it failed. A name that gives no
// MAC fails with why: "no such name in /etc/ethers" (also when there is no
// such file, ENOENT: most hosts have none), or the read's failure
// ("/etc/ethers: Permission denied"), so that an unreadable file is not
// mistaken for one without the name.
MacNameLookup EthersNameLookup(EthersReader read);

}  // namespace pxekit
