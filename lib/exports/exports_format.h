#pragma once
// Writes one exports(5) line, the way pxe-exports generates them: explicit
// options for every client with the defaults exportfs would warn about
// written out (sync, no_subtree_check), and the path escaped as exportfs
// itself writes it (\040 for a blank, octal for other special bytes).

#include <string>
#include <string_view>
#include <vector>

#include "exports/exports.h"
#include "util/result.h"

namespace pxekit::exports {

struct ClientSpec {
  std::string host;                  // "*", "10.0.0.0/24", "@lab", "host1"
  std::vector<std::string> options;  // "rw", "fsid=0", in order
};

struct ExportSpec {
  std::string path;
  std::vector<ClientSpec> clients;
};

// The path with blanks, '\\', '"', '#', control bytes and DEL as \ooo.
// Option values (mp=, refer=) are escaped the same way.
std::string EscapePath(std::string_view path);

// "PATH CLIENT(opts) CLIENT(opts)" without a newline. Fails, naming the
// culprit, on an empty client list, a path that is not absolute or holds a
// NUL byte, an invalid client name or option, or contradictory options.
// Adds "sync" when neither sync nor async is given and "no_subtree_check"
// when neither subtree_check nor no_subtree_check is.
Result<std::string> FormatExportLine(const ExportSpec& spec);

// The spec of a parsed entry: for each client the line defaults it does not
// override, then its own options. FormatExportLine(SpecOf(e)) parses back to
// an entry with the same SpecOf.
ExportSpec SpecOf(const Entry& entry);

}  // namespace pxekit::exports
