#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "util/result.h"
#include "util/to_string_formatter.h"

namespace pxekit {

// An IPv4 address, held in host byte order.
class Ipv4Addr {
 public:
  constexpr Ipv4Addr() = default;
  constexpr explicit Ipv4Addr(std::uint32_t host_order) : value_(host_order) {}
  static constexpr Ipv4Addr FromOctets(std::uint8_t a, std::uint8_t b,
                                       std::uint8_t c, std::uint8_t d) {
    return Ipv4Addr(std::uint32_t{a} << 24 | std::uint32_t{b} << 16 |
                    std::uint32_t{c} << 8 | d);
  }
  static constexpr Ipv4Addr Any() { return Ipv4Addr(0); }
  static constexpr Ipv4Addr LimitedBroadcast() { return Ipv4Addr(0xffffffffu); }

  // Strict dotted quad: four decimal octets 0-255 without leading zeros
  // (as inet_pton: "010" would be octal to inet_aton, so it is refused).
  static Result<Ipv4Addr> Parse(std::string_view text);

  constexpr std::uint32_t value() const { return value_; }
  std::uint32_t NetworkOrder() const;
  static Ipv4Addr FromNetworkOrder(std::uint32_t net_order);

  std::string ToString() const;

  friend constexpr auto operator<=>(const Ipv4Addr&, const Ipv4Addr&) = default;

 private:
  std::uint32_t value_ = 0;
};

// Only digits and dots ("10.0.0.1", "300.0.0.1", "10.1", "300"): text a
// person meant as an IPv4 address, never a host name. Such text must pass
// Ipv4Addr::Parse and is never handed to the resolver, which would read
// "10.1" as 10.0.0.1 (inet_aton) or send "300.0.0.1" to DNS.
bool IsIpv4Shaped(std::string_view text);

// An address with a prefix length: "10.0.0.5/24". The host bits are kept, so
// this also describes an interface address; Network() drops them.
class Ipv4Prefix {
 public:
  constexpr Ipv4Prefix() = default;
  // `length` must be 0..32.
  Ipv4Prefix(Ipv4Addr address, int length);

  // "A.B.C.D/N", or a bare address as /32.
  static Result<Ipv4Prefix> Parse(std::string_view text);
  // A dotted netmask ("255.255.255.0") to its prefix length; fails when the
  // one bits are not contiguous.
  static Result<int> NetmaskToLength(std::string_view netmask);
  static Ipv4Addr LengthToNetmask(int length);

  Ipv4Addr address() const { return address_; }
  int length() const { return length_; }
  Ipv4Addr Netmask() const { return LengthToNetmask(length_); }
  Ipv4Addr Network() const;
  // address | ~netmask. Computed rather than read from the kernel, because
  // netlink only reports a broadcast when one was configured explicitly.
  Ipv4Addr DirectedBroadcast() const;
  bool Contains(Ipv4Addr addr) const;

  std::string ToString() const;

  friend constexpr auto operator<=>(const Ipv4Prefix&,
                                    const Ipv4Prefix&) = default;

 private:
  Ipv4Addr address_;
  int length_ = 0;
};

// An inclusive range of addresses, first <= last.
class Ipv4Range {
 public:
  constexpr Ipv4Range() = default;
  // Fails when first > last.
  static Result<Ipv4Range> Make(Ipv4Addr first, Ipv4Addr last);
  // "A-B" (spaces around '-' allowed).
  static Result<Ipv4Range> Parse(std::string_view text);

  Ipv4Addr first() const { return first_; }
  Ipv4Addr last() const { return last_; }
  bool Contains(Ipv4Addr addr) const { return first_ <= addr && addr <= last_; }
  std::uint64_t Size() const {
    return std::uint64_t{last_.value()} - first_.value() + 1;
  }

  std::string ToString() const;

  friend constexpr auto operator<=>(const Ipv4Range&,
                                    const Ipv4Range&) = default;

 private:
  Ipv4Addr first_;
  Ipv4Addr last_;
};

}  // namespace pxekit

template <>
struct fmt::formatter<pxekit::Ipv4Addr>
    : pxekit::ToStringFormatter<pxekit::Ipv4Addr> {};

template <>
struct fmt::formatter<pxekit::Ipv4Prefix>
    : pxekit::ToStringFormatter<pxekit::Ipv4Prefix> {};

template <>
struct fmt::formatter<pxekit::Ipv4Range>
    : pxekit::ToStringFormatter<pxekit::Ipv4Range> {};
