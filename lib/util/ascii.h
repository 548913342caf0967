#pragma once
// ASCII case, whatever the locale: keywords, option names, MAC and hex
// digits, file names the loaders compare without case. Bytes >= 0x80 are
// left alone.

#include <string>
#include <string_view>

namespace pxekit {

constexpr char AsciiToLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `text` with A-Z as a-z.
std::string AsciiLower(std::string_view text);

// Equal but for the case of A-Z.
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

}  // namespace pxekit
