#pragma once
// The hosts pxe-poweroff is to switch off, as admins list them:
//
//   # lab 3, row A
//   pc01.lab.example                     <- a host name
//   10.0.3.12   02:00:00:00:03:0c        <- an address, bound to an agent id
//
// One host a line: HOST [MAC]. HOST is an IPv4 address (digits and dots are
// always an address, never a name for the resolver) or a host name; MAC, when
// given, is the agent id the request is signed for, so that a request meant
// for one machine is never signed for another that answers at that address.
// Comments, blank lines, CRLF and a BOM as in util/line_list.h. Pure: no
// resolver, no files.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/line_list.h"
#include "util/mac_addr.h"
#include "util/result.h"

namespace pxekit {

struct PowerTarget {
  std::string host;            // as given: an IPv4 literal or a host name
  std::optional<MacAddr> mac;  // the agent id the admin named, if any
  std::string origin;          // for messages: "hosts.txt:3", "argument 2"
};

// A HOST token: a valid dotted quad when it is IPv4-shaped, else a host name
// (letters, digits, '-', '.'; labels of 1-63 characters, not starting or
// ending with '-'; at most 253 characters). Failure::column is 1-based in
// `text`.
Result<std::string> CheckPowerHost(std::string_view text);

// A MAC token for a target: any form MacAddr::Parse takes, but a unicast
// address (an agent id is the MAC of one interface).
Result<MacAddr> ParseTargetMac(std::string_view text);

// One list line; Failure::column points into the line.
Result<PowerTarget> ParsePowerTargetLine(const ListLine& line);

struct PowerTargetList {
  std::vector<PowerTarget> targets;
  std::vector<ListError> errors;  // in line order
};

// Every line of `content`; bad lines go to `errors`, good ones are kept.
// `source_name` prefixes each origin ("hosts.txt" -> "hosts.txt:3").
PowerTargetList ParsePowerTargetList(std::string_view content,
                                     std::string_view source_name);

}  // namespace pxekit
