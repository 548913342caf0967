#pragma once
// Lists of items, one a line, as admins keep them: MAC lists, host lists.
//
//   # lab 3, row A          <- comment line, skipped
//   aa:bb:cc:dd:ee:01       <- an item
//                           <- blank, skipped
//   aa-bb-cc-dd-ee-02 10.0.0.255 9   # pc2   <- fields, trailing comment
//
// '#' starts a comment at the start of a line or after white space, so a '#'
// inside a token stays part of it. CR before LF is dropped (lists edited on
// Windows), and so is a UTF-8 byte-order mark at the start (columns on
// line 1 count from after it). Errors never stop the split: each bad line is
// reported with its number and the other lines are still returned.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace pxekit {

struct ListField {
  std::size_t column;  // 1-based
  std::string_view text;
};

struct ListLine {
  std::size_t number;  // 1-based
  std::vector<ListField> fields;
};

struct ListError {
  std::size_t line;
  std::size_t column;
  std::string message;
};

struct LineList {
  std::vector<ListLine> lines;
  std::vector<ListError> errors;
};

inline constexpr std::size_t kMaxListLineLength = 4096;

// The views in the result point into `content`, which must outlive it.
LineList SplitLineList(std::string_view content,
                       std::size_t max_line_length = kMaxListLineLength);

// The fields of one line, split on blanks, comment removed.
std::vector<ListField> SplitListFields(std::string_view line);

// The loop every list parser shares: split `content`, parse each line with
// `parse_line(const ListLine&) -> Result<T>`, keep what parsed (its
// `origin` set to "source:line") in `targets` and every error in `errors`,
// reported in file order whatever stage found it. `List` has members
// `targets` (a vector of T) and `errors` (a vector of ListError).
template <typename List, typename ParseLine>
List ParseListLines(std::string_view content, std::string_view source_name,
                    ParseLine&& parse_line) {
  List result;
  LineList list = SplitLineList(content);
  result.errors = std::move(list.errors);
  for (const ListLine& line : list.lines) {
    auto target = parse_line(line);
    if (!target) {
      result.errors.push_back(
          {line.number, target.failure().column, target.error()});
      continue;
    }
    auto value = std::move(target).value();
    value.origin = fmt::format("{}:{}", source_name, line.number);
    result.targets.push_back(std::move(value));
  }
  std::stable_sort(
      result.errors.begin(), result.errors.end(),
      [](const ListError& a, const ListError& b) { return a.line < b.line; });
  return result;
}

}  // namespace pxekit
