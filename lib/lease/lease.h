#pragma once
// One address binding, as ISC dhcpd.leases records it.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "util/ipv4.h"
#include "util/mac_addr.h"

namespace pxekit {

// Seconds since the Unix epoch, UTC. The policy never reads a clock itself.
using UnixTime = std::int64_t;
inline constexpr UnixTime kNever = std::numeric_limits<UnixTime>::max();

enum class LeaseState {
  kFree,
  kActive,
  kExpired,
  kReleased,
  kAbandoned,  // declined by a client: quarantined until `ends`
  kOffered,    // held for a DISCOVER; in memory only, never written
};
std::string_view LeaseStateName(LeaseState state);

struct Lease {
  Ipv4Addr address;
  LeaseState state = LeaseState::kFree;
  UnixTime starts = 0;
  UnixTime ends = 0;  // kNever for BOOTP
  UnixTime cltt = 0;  // client last transaction time
  MacAddr mac;
  std::vector<std::uint8_t> uid;  // option 61 as sent
  std::string hostname;
  bool bootp = false;

  // Holds the address for its client at `now`: an address another client
  // may not take.
  bool Holds(UnixTime now) const {
    return (state == LeaseState::kActive || state == LeaseState::kOffered ||
            state == LeaseState::kAbandoned) &&
           ends > now;
  }

  friend bool operator==(const Lease&, const Lease&) = default;
};

}  // namespace pxekit

template <>
struct fmt::formatter<pxekit::LeaseState> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(pxekit::LeaseState state, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(
        pxekit::LeaseStateName(state), ctx);
  }
};
