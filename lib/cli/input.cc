#include "cli/input.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "os/file.h"

namespace pxekit {

std::string ReadInputOrThrow(const std::string& path) {
  auto content =
      path == "-" ? ReadAllFromFd(STDIN_FILENO) : ReadFileContents(path);
  if (!content)
    throw ToolError(ExitCodeForFileErrno(content.failure().sys_errno),
                    fmt::format("{}: {}", path == "-" ? "standard input" : path,
                                content.error()));
  return std::move(content).value();
}

}  // namespace pxekit
