#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "util/result.h"
#include "util/to_string_formatter.h"

namespace pxekit {

// A 48-bit Ethernet (EUI-48) address.
class MacAddr {
 public:
  using Bytes = std::array<std::uint8_t, 6>;

  constexpr MacAddr() = default;
  constexpr explicit MacAddr(const Bytes& bytes) : bytes_(bytes) {}

  // Accepts, in any case:
  //   aa:bb:cc:dd:ee:ff   aa-bb-cc-dd-ee-ff   (1 or 2 digits a group, as
  //                                            Debian's wakeonlan allows)
  //   aabb.ccdd.eeff      (Cisco)
  //   aabbccddeeff        (12 bare digits)
  // Anything else fails with a reason and the 1-based column it points at.
  static Result<MacAddr> Parse(std::string_view text);

  // From the first 6 bytes of `bytes`; false when there are fewer.
  static bool FromBytes(std::span<const std::uint8_t> bytes, MacAddr* out);

  static constexpr MacAddr Broadcast() {
    return MacAddr(Bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  }

  const Bytes& bytes() const { return bytes_; }
  bool IsBroadcast() const { return *this == Broadcast(); }
  bool IsMulticast() const { return (bytes_[0] & 0x01) != 0; }
  bool IsZero() const { return *this == MacAddr(); }

  // Canonical form: lowercase, colon-separated, zero-padded.
  std::string ToString() const;
  // PXELINUX per-client config file name: "01-" (ARP type 1) + dashed MAC.
  std::string PxelinuxName() const;

  friend constexpr auto operator<=>(const MacAddr&, const MacAddr&) = default;

 private:
  Bytes bytes_{};
};

}  // namespace pxekit

template <>
struct fmt::formatter<pxekit::MacAddr>
    : pxekit::ToStringFormatter<pxekit::MacAddr> {};
