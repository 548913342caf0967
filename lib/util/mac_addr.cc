#include "util/mac_addr.h"

#include <algorithm>

#include "util/hex.h"
#include "util/text.h"

namespace pxekit {
namespace {

bool IsHexDigit(char c) { return HexDigitValue(c) >= 0; }

// Groups of 1-2 hex digits separated by `sep`: aa:bb:cc:dd:ee:ff.
Result<MacAddr> ParseSeparated(std::string_view text, char sep) {
  MacAddr::Bytes bytes{};
  std::size_t pos = 0;
  for (std::size_t group = 0; group < 6; ++group) {
    std::size_t start = pos;
    while (pos < text.size() && IsHexDigit(text[pos])) ++pos;
    std::size_t digits = pos - start;
    if (digits == 0) {
      if (pos < text.size() && text[pos] != sep)
        return Fail(
            fmt::format("{} is not a hex digit", DescribeChar(text[pos])),
            pos + 1);
      return Fail(fmt::format("group {} is empty", group + 1), pos + 1);
    }
    if (digits > 2)
      return Fail(fmt::format("group {} has more than 2 hex digits", group + 1),
                  start + 1);
    unsigned value = 0;
    for (std::size_t i = start; i < pos; ++i)
      value = value * 16 + static_cast<unsigned>(HexDigitValue(text[i]));
    bytes[group] = static_cast<std::uint8_t>(value);
    if (group == 5) break;
    if (pos >= text.size())
      return Fail(fmt::format("has {} groups, expected 6", group + 1), pos + 1);
    if (text[pos] != sep)
      return Fail(fmt::format("{} is not a hex digit", DescribeChar(text[pos])),
                  pos + 1);
    ++pos;
  }
  if (pos != text.size()) {
    if (text[pos] == sep) return Fail("has more than 6 groups", pos + 1);
    return Fail(fmt::format("unexpected {} after the last group",
                            DescribeChar(text[pos])),
                pos + 1);
  }
  return MacAddr(bytes);
}

// Exactly 12 hex digits, optionally split by '.' into three groups of 4.
Result<MacAddr> ParseDigits(std::string_view text, bool dotted) {
  constexpr const char* kDottedForm =
      "dotted form needs three groups of 4 hex digits (aabb.ccdd.eeff)";
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dot_position = dotted && (i == 4 || i == 9);
    if (c == '.' && dot_position) continue;
    if (c == '.' || (dot_position && IsHexDigit(c)))
      return Fail(kDottedForm, i + 1);
    if (!IsHexDigit(c))
      return Fail(fmt::format("{} is not a hex digit", DescribeChar(c)), i + 1);
    digits.push_back(c);
  }
  if (dotted && text.size() != 14) return Fail(kDottedForm, text.size() + 1);
  if (digits.size() != 12)
    return Fail(fmt::format("has {} hex digits, expected 12", digits.size()),
                text.size() + 1);
  auto raw = FromHex(digits);
  MacAddr::Bytes bytes{};
  std::copy(raw->begin(), raw->end(), bytes.begin());
  return MacAddr(bytes);
}

}  // namespace

Result<MacAddr> MacAddr::Parse(std::string_view text) {
  if (text.empty()) return Fail("empty MAC address", 1);
  // One separator style per address; point at the first one that differs.
  std::size_t first_sep = text.find_first_of(":-.");
  if (first_sep != std::string_view::npos) {
    for (std::size_t i = first_sep + 1; i < text.size(); ++i) {
      if ((text[i] == ':' || text[i] == '-' || text[i] == '.') &&
          text[i] != text[first_sep])
        return Fail("mixes separators", i + 1);
    }
  }
  bool colon = first_sep != std::string_view::npos && text[first_sep] == ':';
  bool dash = first_sep != std::string_view::npos && text[first_sep] == '-';
  bool dot = first_sep != std::string_view::npos && text[first_sep] == '.';
  if (colon) return ParseSeparated(text, ':');
  if (dash) return ParseSeparated(text, '-');
  return ParseDigits(text, dot);
}

bool MacAddr::FromBytes(std::span<const std::uint8_t> bytes, MacAddr* out) {
  if (bytes.size() < 6) return false;
  Bytes b{};
  std::copy_n(bytes.begin(), 6, b.begin());
  *out = MacAddr(b);
  return true;
}

std::string MacAddr::ToString() const {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes_[0],
                     bytes_[1], bytes_[2], bytes_[3], bytes_[4], bytes_[5]);
}

std::string MacAddr::PxelinuxName() const {
  return fmt::format("01-{:02x}-{:02x}-{:02x}-{:02x}-{:02x}-{:02x}", bytes_[0],
                     bytes_[1], bytes_[2], bytes_[3], bytes_[4], bytes_[5]);
}

}  // namespace pxekit
