#include "util/ipv4.h"

#include <bit>

#include "util/text.h"

namespace pxekit {

Result<Ipv4Addr> Ipv4Addr::Parse(std::string_view text) {
  if (text.empty()) return Fail("empty IPv4 address", 1);
  std::uint32_t value = 0;
  std::size_t pos = 0;
  for (int octet = 0; octet < 4; ++octet) {
    std::size_t start = pos;
    unsigned number = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      number = number * 10 + static_cast<unsigned>(text[pos] - '0');
      if (number > 255)
        return Fail(fmt::format("octet {} is greater than 255", octet + 1),
                    start + 1);
      ++pos;
    }
    if (pos == start) {
      if (pos < text.size() && text[pos] != '.')
        return Fail(fmt::format("{} is not a digit", DescribeChar(text[pos])),
                    pos + 1);
      return Fail(fmt::format("octet {} is empty", octet + 1), pos + 1);
    }
    if (pos - start > 1 && text[start] == '0')
      return Fail(fmt::format("octet {} has a leading zero", octet + 1),
                  start + 1);
    value = value << 8 | number;
    if (octet == 3) break;
    if (pos >= text.size())
      return Fail(fmt::format("has {} octets, expected 4", octet + 1), pos + 1);
    if (text[pos] != '.')
      return Fail(fmt::format("{} is not a digit", DescribeChar(text[pos])),
                  pos + 1);
    ++pos;
  }
  if (pos != text.size()) {
    if (text[pos] == '.') return Fail("has more than 4 octets", pos + 1);
    return Fail(
        fmt::format("unexpected {} after the address", DescribeChar(text[pos])),
        pos + 1);
  }
  return Ipv4Addr(value);
}

bool IsIpv4Shaped(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c != '.' && (c < '0' || c > '9')) return false;
  return true;
}

namespace {

// htonl and ntohl without the socket API's header: the same swap both ways.
constexpr std::uint32_t SwapHostNetwork(std::uint32_t v) {
  if constexpr (std::endian::native == std::endian::big) return v;
  return (v >> 24) | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | (v << 24);
}

}  // namespace

std::uint32_t Ipv4Addr::NetworkOrder() const { return SwapHostNetwork(value_); }

Ipv4Addr Ipv4Addr::FromNetworkOrder(std::uint32_t net_order) {
  return Ipv4Addr(SwapHostNetwork(net_order));
}

std::string Ipv4Addr::ToString() const {
  return fmt::format("{}.{}.{}.{}", value_ >> 24, (value_ >> 16) & 0xff,
                     (value_ >> 8) & 0xff, value_ & 0xff);
}

Ipv4Prefix::Ipv4Prefix(Ipv4Addr address, int length)
    : address_(address),
      length_(length < 0    ? 0
              : length > 32 ? 32
                            : length) {}

Result<Ipv4Prefix> Ipv4Prefix::Parse(std::string_view text) {
  std::size_t slash = text.find('/');
  auto addr = Ipv4Addr::Parse(text.substr(0, slash));
  if (!addr) return addr.failure();
  if (slash == std::string_view::npos) return Ipv4Prefix(*addr, 32);
  std::string_view digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 2)
    return Fail("prefix length must be 0 to 32", slash + 2);
  int length = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (digits[i] < '0' || digits[i] > '9')
      return Fail(fmt::format("{} is not a digit", DescribeChar(digits[i])),
                  slash + 2 + i);
    length = length * 10 + (digits[i] - '0');
  }
  if (length > 32) return Fail("prefix length must be 0 to 32", slash + 2);
  return Ipv4Prefix(*addr, length);
}

Result<int> Ipv4Prefix::NetmaskToLength(std::string_view netmask) {
  auto mask = Ipv4Addr::Parse(netmask);
  if (!mask) return mask.failure();
  std::uint32_t value = mask->value();
  int length = 0;
  while (length < 32 && (value & (0x80000000u >> length)) != 0) ++length;
  if (LengthToNetmask(length) != *mask)
    return Fail(fmt::format("netmask {} is not contiguous", *mask), 1);
  return length;
}

Ipv4Addr Ipv4Prefix::LengthToNetmask(int length) {
  if (length <= 0) return Ipv4Addr(0);
  if (length >= 32) return Ipv4Addr(0xffffffffu);
  return Ipv4Addr(~((1u << (32 - length)) - 1));
}

Ipv4Addr Ipv4Prefix::Network() const {
  return Ipv4Addr(address_.value() & Netmask().value());
}

Ipv4Addr Ipv4Prefix::DirectedBroadcast() const {
  return Ipv4Addr(address_.value() | ~Netmask().value());
}

bool Ipv4Prefix::Contains(Ipv4Addr addr) const {
  return (addr.value() & Netmask().value()) == Network().value();
}

std::string Ipv4Prefix::ToString() const {
  return fmt::format("{}/{}", address_, length_);
}

Result<Ipv4Range> Ipv4Range::Make(Ipv4Addr first, Ipv4Addr last) {
  if (last < first)
    return Fail(fmt::format("range {}-{} ends before it starts", first, last));
  Ipv4Range range;
  range.first_ = first;
  range.last_ = last;
  return range;
}

Result<Ipv4Range> Ipv4Range::Parse(std::string_view text) {
  std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return Fail("expected FIRST-LAST", 1);
  std::string_view left = text.substr(0, dash);
  std::string_view right = text.substr(dash + 1);
  // Leading blanks shift the columns that errors report.
  std::size_t left_lead = left.find_first_not_of(" \t");
  if (left_lead == std::string_view::npos) left_lead = 0;
  auto first = Ipv4Addr::Parse(TrimAsciiSpace(left));
  if (!first) return Fail(first.error(), first.failure().column + left_lead);
  std::size_t right_lead = right.find_first_not_of(" \t");
  if (right_lead == std::string_view::npos) right_lead = right.size();
  auto last = Ipv4Addr::Parse(TrimAsciiSpace(right));
  if (!last)
    return Fail(last.error(), dash + 1 + right_lead + last.failure().column);
  auto range = Make(*first, *last);
  if (!range) return Fail(range.error(), dash + 2 + right_lead);
  return range;
}

std::string Ipv4Range::ToString() const {
  return fmt::format("{}-{}", first_, last_);
}

}  // namespace pxekit
