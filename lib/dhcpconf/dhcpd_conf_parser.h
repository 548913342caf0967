#pragma once
// Parses the ISC dhcpd.conf subset of `man pxe-dhcpd.conf` into DhcpdConf.
// Anything outside the subset is an error naming file:line:column, never a
// silent skip: a lab admin must not believe a statement took effect.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dhcpconf/dhcpd_conf.h"
#include "util/result.h"

namespace pxekit {

// An error at a place in a file (its line 0: the file as a whole).
struct ConfError : SourcePos {
  std::string message;
  std::string source_line;

  // "file:line:col: message", then the line and a caret under the column
  // ("file: message" when line is 0).
  std::string Format() const;
};

// Reads `include "path";` files. The tool passes a file reader; tests and
// fuzzers pass a map or a function that always fails.
using IncludeLoader = std::function<Result<std::string>(const std::string&)>;

// Parses all of `text`: after an error the parser skips to the end of the
// statement and goes on, so `errors` holds every error in file order (at
// most 50, then a count). `out` is filled only when there is none.
bool ParseDhcpdConf(std::string_view text, const std::string& filename,
                    const IncludeLoader& loader, DhcpdConf* out,
                    std::vector<ConfError>* errors);

// The same, keeping only the first error.
bool ParseDhcpdConf(std::string_view text, const std::string& filename,
                    const IncludeLoader& loader, DhcpdConf* out,
                    ConfError* error);

}  // namespace pxekit
