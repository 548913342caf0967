#pragma once
// The tools' input files: a path, or "-" for standard input.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/line_list.h"
#include "util/result.h"

namespace pxekit {

class Diag;

// How a path is named in messages: as given (wakeonlan, pxe-mkcfg, as
// Debian's wakeonlan does) or quoted (pxe-poweroff: 'my hosts.txt').
enum class PathInMessages { kAsGiven, kQuoted };

// The whole content of `path` ("-": standard input), or the failure with
// its errno (for ExitCodeForFileErrno).
Result<std::string> ReadInputFile(const std::string& path);

// The same, but throws ToolError with
// the exit status for the errno (66 missing, 77 permission, 74 I/O...) and
// "PATH: why" ("standard input: why").
std::string ReadInputOrThrow(const std::string& path,
                             PathInMessages naming = PathInMessages::kAsGiven);

// What the target lists a sender read (wakeonlan's MACs, pxe-poweroff's
// hosts) came to, beside the targets themselves.
struct ListInputs {
  int bad_lines = 0;  // list lines and arguments that were reported
  int lists_read = 0;
  // Lists read that held nothing at all (no bytes, or only blanks), by the
  // name used in messages.
  std::vector<std::string> empty_lists;

  // Counts one list read from `source` ("<stdin>" for standard input) and
  // reports each of its `errors` as "source:line:column: message".
  void CountList(std::string_view content, const std::string& source,
                 const std::vector<ListError>& errors, Diag& diag);
  // Reports "argument N: why" for the 0-based argument `index`.
  void BadArgument(std::size_t index, const std::string& why, Diag& diag);
  // An empty list is one way an unset variable or a failed command shows
  // up in a cron line (wakeonlan -f "$LIST", generate | wakeonlan): when
  // every list read was empty (and no target was given as an argument),
  // throws the usage error "no WHAT given: LIST is empty", whether it came
  // through -f FILE, -f - or standard input. A list of only comments is
  // different: it says "nobody", and is obeyed.
  void ThrowIfAllEmpty(std::string_view what) const;
};

}  // namespace pxekit
