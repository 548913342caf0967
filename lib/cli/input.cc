#include "cli/input.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/run_main.h"
#include "os/file.h"
#include "util/text.h"

namespace pxekit {

Result<std::string> ReadInputFile(const std::string& path) {
  return path == "-" ? ReadAllFromFd(STDIN_FILENO) : ReadFileContents(path);
}

std::string ReadInputOrThrow(const std::string& path, PathInMessages naming) {
  auto content = ReadInputFile(path);
  if (!content) {
    std::string name = path == "-" ? "standard input"
                       : naming == PathInMessages::kQuoted
                           ? QuoteForMessage(path)
                           : path;
    throw ToolError(ExitCodeForFileErrno(content.failure().sys_errno),
                    fmt::format("{}: {}", name, content.error()));
  }
  return std::move(content).value();
}

void ListInputs::CountList(std::string_view content, const std::string& source,
                           const std::vector<ListError>& errors, Diag& diag) {
  ++lists_read;
  if (TrimAsciiSpace(SkipUtf8Bom(content)).empty())
    empty_lists.push_back(source == "<stdin>" ? "standard input"
                                              : QuoteForMessage(source));
  for (const ListError& error : errors) {
    diag.Error("{}:{}:{}: {}", source, error.line, error.column, error.message);
    ++bad_lines;
  }
}

void ListInputs::BadArgument(std::size_t index, const std::string& why,
                             Diag& diag) {
  diag.Error("argument {}: {}", index + 1, why);
  ++bad_lines;
}

void ListInputs::ThrowIfAllEmpty(std::string_view what) const {
  if (lists_read > 0 &&
      empty_lists.size() == static_cast<std::size_t>(lists_read))
    throw ToolError(kExitUsage, fmt::format("no {} given: {} is empty", what,
                                            empty_lists.front()));
}

}  // namespace pxekit
