#pragma once

#include <string>
#include <string_view>

namespace pxekit {

// A character for an error message: 'x' when printable, else its byte value,
// so a stray control character cannot garble the user's terminal.
std::string DescribeChar(char c);

// A user-supplied string for an error message: quoted, with control and
// non-ASCII bytes escaped as \xNN.
std::string QuoteForMessage(std::string_view text);

bool IsAsciiSpace(char c);
std::string_view TrimAsciiSpace(std::string_view text);

}  // namespace pxekit
