#pragma once
// Host lists, one host a line, as lib/util/line_list splits them:
//   MAC [IP [NAME [LABEL]]]     # comment
// "-" stands for an IP or NAME that is not given, so a LABEL can follow.
// Each bad line is reported with its number; the good ones are kept.

#include <string>
#include <string_view>
#include <vector>

#include "bootcfg/boot_spec.h"
#include "util/line_list.h"
#include "util/result.h"

namespace pxekit {

struct HostList {
  std::vector<HostEntry> hosts;
  std::vector<ListError> errors;
};

// `source_name` prefixes each host's origin ("hosts.txt" -> "hosts.txt:3").
HostList ParseHostList(std::string_view content, std::string_view source_name);

// A MAC or IPv4 address as a host list or a command line gives it; the
// failure reads "invalid MAC address 'TEXT': why" with its column in TEXT.
Result<MacAddr> ParseMacArgument(std::string_view text);
Result<Ipv4Addr> ParseIpv4Argument(std::string_view text);

// One list line. Failure::column points into the line.
Result<HostEntry> ParseHostLine(const ListLine& line);

// --host MAC[,LABEL]
Result<HostEntry> ParseHostOption(std::string_view text);

// A host name for dhcpd.conf and messages: letters, digits, '-', '_', '.',
// starting with a letter or digit.
Result<std::string> ValidateHostName(std::string_view name);

struct HostProblem {
  std::string origin;
  std::string message;
  std::size_t line = 0;  // the host's HostEntry::line
};

// Drops every host whose MAC, IP or name an earlier host already has (two
// hosts cannot share a per-MAC file or a fixed address), and says why.
std::vector<HostProblem> RemoveDuplicateHosts(std::vector<HostEntry>& hosts);

}  // namespace pxekit
