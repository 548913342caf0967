#pragma once

#include <cstddef>
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

// Two lines that point at a column of a source line, each indented two
// spaces, without a final newline: the line (tabs as spaces, other control
// bytes as '?') and a caret under `column` (1-based).
std::string SourceCaret(std::string_view source_line, std::size_t column);

// Every config reader's error: "file:line:col: message", then SourceCaret
// when the source line is known; "file: message" when line is 0.
std::string FormatSourceMessage(std::string_view file, std::size_t line,
                                std::size_t column, std::string_view message,
                                std::string_view source_line);
std::string_view TrimAsciiSpace(std::string_view text);

}  // namespace pxekit
