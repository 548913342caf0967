#pragma once
// Property checks inside fuzz targets: a violated property must crash, so
// that libFuzzer saves the input and the replayer fails under CTest.

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                  \
  do {                                                                         \
    if (!(condition)) {                                                        \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
                   #condition);                                                \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pxekit::fuzz {

// The input as text, and how many lines it has (a last line without a
// newline counts; so does an empty input's one empty line).
struct FuzzText {
  FuzzText(const std::uint8_t* data, std::size_t size)
      : text(reinterpret_cast<const char*>(data), size),
        lines(1 + static_cast<std::size_t>(
                      std::count(text.begin(), text.end(), '\n'))) {}
  std::string text;
  std::size_t lines;
};

// Line lists (wake lists, power targets): every error names a line of the
// input and says something; the lines that hold an error, for
// CheckTargetLines.
template <typename Error>
std::set<std::size_t> CheckErrorLines(const std::vector<Error>& errors,
                                      std::size_t lines) {
  std::set<std::size_t> error_lines;
  for (const auto& error : errors) {
    FUZZ_CHECK(error.line >= 1 && error.line <= lines);
    FUZZ_CHECK(!error.message.empty());
    error_lines.insert(error.line);
  }
  return error_lines;
}

// Exports diagnostics: each names a line of the input (0: the input as a
// whole) and a column on it, and says something.
template <typename Diagnostic>
void CheckDiagnostics(const std::vector<Diagnostic>& diagnostics,
                      std::size_t lines) {
  for (const auto& d : diagnostics) {
    FUZZ_CHECK(d.line >= 0 && static_cast<std::size_t>(d.line) <= lines);
    FUZZ_CHECK(d.line == 0 || d.column >= 1);
    FUZZ_CHECK(!d.message.empty());
    FUZZ_CHECK(!d.Format().empty());
  }
}

// Every target comes from a line ("fuzz:N") that is not also an error.
template <typename Target>
void CheckTargetLines(const std::vector<Target>& targets,
                      const std::set<std::size_t>& error_lines) {
  for (const auto& target : targets) {
    FUZZ_CHECK(target.origin.rfind("fuzz:", 0) == 0);
    std::size_t line = std::stoul(target.origin.substr(5));
    FUZZ_CHECK(error_lines.count(line) == 0);
  }
}

}  // namespace pxekit::fuzz
