#pragma once
// Splitting lists given as one string.

#include <string>
#include <string_view>
#include <vector>

namespace pxekit {

// "a,b,,c" -> {"a", "b", "", "c"}; "" -> {""}. How CLI11 joins several
// values, and how exports(5) options are listed.
std::vector<std::string> SplitOnComma(std::string_view text);

}  // namespace pxekit
