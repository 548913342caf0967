#pragma once
// Wake targets, as Debian's wakeonlan reads them from -f FILE:
//   MAC [IP [PORT]]      # comment
// IP and PORT override -i and -p for that line. MAC may also be a name
// found in /etc/ethers.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/line_list.h"
#include "util/mac_addr.h"
#include "util/result.h"

namespace pxekit {

struct WakeTarget {
  MacAddr mac;
  std::optional<std::string> host;  // IPv4 literal or host name
  std::optional<std::uint16_t> port;
  std::string origin;  // where it came from, for messages: "macs.txt:3"
};

// Resolves a token that is not a MAC address (a host name in /etc/ethers);
// its failure says why the name gave none (EthersNameLookup, wol/ethers.h).
using MacNameLookup = std::function<Result<MacAddr>(std::string_view)>;

// A port number 1-65535.
Result<std::uint16_t> ParsePort(std::string_view text);

// One MAC (or name) token, as given on the command line.
Result<MacAddr> ParseWakeMac(std::string_view text,
                             const MacNameLookup& lookup);

// One list line. Failure::column points into the line.
Result<WakeTarget> ParseWakeLine(const ListLine& line,
                                 const MacNameLookup& lookup);

struct WakeList {
  std::vector<WakeTarget> targets;
  std::vector<ListError> errors;
};

// Every line of `content`; bad lines go to `errors` and the rest are kept.
// `source_name` prefixes each target's origin ("macs.txt" -> "macs.txt:3").
WakeList ParseWakeList(std::string_view content, std::string_view source_name,
                       const MacNameLookup& lookup);

}  // namespace pxekit
