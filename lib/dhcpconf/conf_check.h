#pragma once
// Whole-configuration checks that are legal but almost always mistakes:
// ranges that overlap, a fixed address that a range also hands out, one
// MAC in two hosts, a host whose fixed address is in no declared subnet.
// -t and every (re)load print them as warnings.

#include <string>
#include <vector>

#include "dhcpconf/dhcpd_conf.h"

namespace pxekit {

// "file:line: text", in no particular order. O(n log n) in hosts and
// ranges: a lab registry has 100,000 hosts.
std::vector<std::string> CheckDhcpdConf(const DhcpdConf& conf);

}  // namespace pxekit
