#pragma once
// The tools' input files: a path, or "-" for standard input.

#include <string>

namespace pxekit {

// The whole content of `path` ("-": standard input). Throws ToolError with
// the exit status for the errno (66 missing, 77 permission, 74 I/O...) and
// "PATH: why" ("standard input: why").
std::string ReadInputOrThrow(const std::string& path);

}  // namespace pxekit
