#pragma once
// fmt support for a value type with ToString(), written once:
//   template <>
//   struct fmt::formatter<pxekit::MacAddr>
//       : pxekit::ToStringFormatter<pxekit::MacAddr> {};
// Width, fill and alignment apply as to a string.

#include <string_view>

#include <fmt/format.h>

namespace pxekit {

template <typename T>
struct ToStringFormatter : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const T& value, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(value.ToString(), ctx);
  }
};

}  // namespace pxekit
