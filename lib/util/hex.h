#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pxekit {

// Value of one hex digit, or -1.
int HexDigitValue(char c);

// Lowercase hex, no separators: what dry runs and test receivers print.
std::string ToHex(std::span<const std::uint8_t> bytes);

// Inverse of ToHex (either case); nullopt on odd length or a non-hex digit.
std::optional<std::vector<std::uint8_t>> FromHex(std::string_view text);

}  // namespace pxekit
