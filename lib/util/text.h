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

// `text` without a leading UTF-8 byte-order mark (EF BB BF), which editors on
// Windows put at the start of files. Every list and config reader calls this
// first, so a BOM is never an error on line 1. Columns are counted after it.
std::string_view SkipUtf8Bom(std::string_view text);

// The first line of `text` without its LF and a CR before it (files edited on
// Windows), and removes it and its LF from `text`. The last line needs no LF.
std::string_view TakeLine(std::string_view& text);
std::string_view TrimAsciiSpace(std::string_view text);

}  // namespace pxekit
