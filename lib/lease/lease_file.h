#pragma once
// The ISC dhcpd.leases format (dhcpd.leases(5)), read and written.
//
// The file is a log: every change appends a `lease A { ... }` block, and the
// last block for an address wins. Reading is tolerant, as ISC's is: a torn
// final block (a crash mid-write) keeps what was read of it; unknown or
// corrupt text is skipped to the next `lease` with a warning; nothing fails.

#include <string>
#include <string_view>
#include <vector>

#include "lease/lease.h"

namespace pxekit {

// Comment lines and `authoring-byte-order little-endian;`.
std::string FormatLeaseFileHeader(std::string_view generator);

// One block, ISC field order, dates as "W YYYY/MM/DD HH:MM:SS" UTC.
std::string FormatLease(const Lease& lease);

// "3 2026/11/25 05:48:58" (weekday 0 = Sunday) or "never".
std::string FormatLeaseTime(UnixTime time);

struct LeaseFileContents {
  std::vector<Lease> leases;          // final state per address, by address
  std::vector<std::string> warnings;  // "line N: ..."
  std::size_t blocks = 0;             // lease blocks read, superseded included
};

LeaseFileContents ParseLeaseFile(std::string_view text);

}  // namespace pxekit
