#pragma once
// Editing an exports file that people also edit (pxe-exports add/remove).
//
// Ownership: a line belongs to pxe-exports when it ends with the marker
// comment " # pxe-exports" (kManagedMarker), is one physical line (no
// backslash continuation into or out of it) and is not itself a comment.
// exportfs reads the marker as a comment between tokens, so it costs
// nothing; it stays with its line when people move, copy or sort lines,
// which a BEGIN/END block would not survive. Every other byte of the file
// (foreign lines, comments, blank lines, their order, CRLF endings) is kept
// as it is; only marked lines are rewritten or removed, and new lines are
// appended at the end. A marked line is rewritten only when its meaning
// changes, so the same request twice gives the same bytes.
//
// Pure: text in, text out. The tool reads, checks (CheckExports) and writes.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "exports/exports_format.h"
#include "util/result.h"

namespace pxekit::exports {

inline constexpr std::string_view kManagedMarker = "# pxe-exports";

// The first line of a file pxe-exports creates.
inline constexpr std::string_view kManagedHeader =
    "# Written by pxe-exports(8): it changes only the lines that end in "
    "\"# pxe-exports\";\n# other lines are yours and are left as they are.\n";

// One request: for add, a path and its clients with their options; for
// remove, a path and the clients to drop (none: the whole path).
struct ExportRequest {
  std::string path;
  std::vector<ClientSpec> clients;
  std::string origin;  // "command line", "<stdin>:3": for messages
};

// A problem with one request or one line of the file, naming where it is.
struct MergeProblem {
  std::string origin;  // "<stdin>:3" or "FILE:12"
  std::string message;
};

// What a merge did, for the user: "added", "updated", "removed" lines.
struct MergeResult {
  std::string text;                    // the new file content
  std::vector<std::string> changes;    // "/srv/a: added 10.0.0.1", ...
  std::vector<MergeProblem> problems;  // requests not applied, and why
  // remove only: clients or paths found only on lines pxe-exports did not
  // write, so they stay exported.
  std::vector<MergeProblem> foreign;
  bool Changed(std::string_view old_text) const { return text != old_text; }
};

// Whether a physical line (without its line end) carries the marker.
bool HasManagedMarker(std::string_view line);

// "PATH CLIENT [OPTIONS]" lines (add) or "PATH [CLIENT...]" lines (remove),
// as read from standard input: '#' comments and blank lines skipped, a CRLF
// or a BOM accepted, octal escapes (\040) decoded in the path. Each bad line
// is reported with its number and skipped; the good ones are returned.
// `default_options` are the options of an add line that gives none.
struct RequestList {
  std::vector<ExportRequest> requests;
  std::vector<MergeProblem> problems;
};
RequestList ParseAddLines(std::string_view text, std::string_view source,
                          const std::vector<std::string>& default_options);
RequestList ParseRemoveLines(std::string_view text, std::string_view source);

// Adds each request's clients to the marked line of its path (a client
// already there takes the new options), or appends a new marked line. Two
// requests that give one path and client different options: the later one
// is a problem naming both, the earlier one applies. A marked line that
// does not parse is a problem and stays as it is. `file` names the file in
// problems.
MergeResult MergeAdd(std::string_view text, std::string_view file,
                     const std::vector<ExportRequest>& requests);

// Removes the requested clients (or, for a request without clients, every
// client) of the path from the marked lines; a line left without clients
// is deleted with its line end.
MergeResult MergeRemove(std::string_view text, std::string_view file,
                        const std::vector<ExportRequest>& requests);

// The canonical text of one client's options, as FormatExportLine writes
// them ("rw,sync,no_subtree_check"), or the reason they are invalid.
Result<std::string> CanonicalClientOptions(
    const std::string& host, const std::vector<std::string>& options);

}  // namespace pxekit::exports
