#pragma once
// Names for the values of a dense enum (0, 1, ... N-1): one array in the
// order of the enum instead of a switch of `case X: return "x";` per value.
// Pair each array with a static_assert that its size is the last value + 1,
// so a new value without a name fails to compile.

#include <array>
#include <cstddef>
#include <string_view>

namespace pxekit {

template <typename Enum, std::size_t N>
constexpr std::string_view EnumName(
    Enum value, const std::array<std::string_view, N>& names,
    std::string_view unknown) {
  auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : unknown;
}

// The count of values of a dense enum whose last value is `last`.
template <typename Enum>
constexpr std::size_t EnumCount(Enum last) {
  return static_cast<std::size_t>(last) + 1;
}

}  // namespace pxekit
