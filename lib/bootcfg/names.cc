#include "bootcfg/names.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "util/ascii.h"
#include "util/hex.h"
#include "util/text.h"

namespace pxekit {
namespace {

bool IsHex(char c) { return HexDigitValue(c) >= 0; }
bool IsLowerHex(char c) { return IsHex(c) && !(c >= 'A' && c <= 'F'); }
bool IsUpperHex(char c) { return IsHex(c) && !(c >= 'a' && c <= 'f'); }

// Six groups of two hex digits separated by `sep`.
bool IsMacShape(std::string_view text, char sep) {
  if (text.size() != 17) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 3 == 2) {
      if (text[i] != sep) return false;
    } else if (!IsHex(text[i])) {
      return false;
    }
  }
  return true;
}

bool IsUuidShape(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !IsHex(text[i])) return false;
  }
  return true;
}

}  // namespace

std::string HexIp(Ipv4Addr address) {
  return fmt::format("{:08X}", address.value());
}

Result<std::string> NormalizeUuid(std::string_view text) {
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-') continue;
    if (!IsHex(c))
      return Fail(fmt::format("{} is not a hex digit", DescribeChar(c)), i + 1);
    digits.push_back(AsciiToLower(c));
  }
  if (digits.size() != 32)
    return Fail(fmt::format("has {} hex digits, expected 32", digits.size()));
  if (text.size() == 36 && !IsUuidShape(text))
    return Fail("dashes must split it 8-4-4-4-12");
  if (text.size() != 36 && text.size() != 32)
    return Fail("expected 8-4-4-4-12 dashed or 32 bare hex digits");
  return fmt::format("{}-{}-{}-{}-{}", digits.substr(0, 8), digits.substr(8, 4),
                     digits.substr(12, 4), digits.substr(16, 4),
                     digits.substr(20));
}

ClientNameKind ClassifyClientName(std::string_view name) {
  if (name.size() == 20 && name.substr(0, 3) == "01-" &&
      IsMacShape(name.substr(3), '-'))
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return c == '-' || IsLowerHex(c); })
               ? ClientNameKind::kMac
               : ClientNameKind::kMacMiscased;
  if (name.size() == 20 && name.substr(0, 3) == "01:" &&
      IsMacShape(name.substr(3), ':'))
    return ClientNameKind::kMacColons;
  if (IsMacShape(name, ':')) return ClientNameKind::kMacColons;
  if (IsMacShape(name, '-')) return ClientNameKind::kMacNoArpType;
  if (IsUuidShape(name))
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return c == '-' || IsLowerHex(c); })
               ? ClientNameKind::kUuid
               : ClientNameKind::kUuidMiscased;
  if (!name.empty() && name.size() <= 8 &&
      std::all_of(name.begin(), name.end(), IsHex))
    return std::all_of(name.begin(), name.end(), IsUpperHex)
               ? ClientNameKind::kHexIp
               : ClientNameKind::kHexIpLower;
  return ClientNameKind::kOther;
}

std::string DescribeMisnamedClient(std::string_view name) {
  switch (ClassifyClientName(name)) {
    case ClientNameKind::kMacMiscased:
      return fmt::format(
          "per-MAC name with upper case is never requested; rename it to "
          "'{}'",
          AsciiLower(name));
    case ClientNameKind::kMacColons: {
      std::string fixed = AsciiLower(name);
      std::replace(fixed.begin(), fixed.end(), ':', '-');
      if (fixed.size() == 17) fixed = "01-" + fixed;
      return fmt::format(
          "per-MAC name with colons is never requested; rename it to '{}'",
          fixed);
    }
    case ClientNameKind::kMacNoArpType:
      return fmt::format(
          "per-MAC name without the ARP type is never requested; rename it "
          "to '01-{}'",
          AsciiLower(name));
    case ClientNameKind::kHexIpLower: {
      std::string fixed(name);
      for (char& c : fixed)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return fmt::format(
          "hex IP name in lower case is never requested; rename it to '{}'",
          fixed);
    }
    case ClientNameKind::kUuidMiscased:
      return fmt::format(
          "UUID name with upper case is never requested; rename it to '{}'",
          AsciiLower(name));
    default:
      return {};
  }
}

}  // namespace pxekit
