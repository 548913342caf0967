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
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/result.h"
#include "util/text.h"

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

// A line of a text file is at most `max_length` bytes long and has no NUL:
// otherwise the failure, "line is longer than N characters" (column N + 1)
// or "line contains a NUL byte" (its column). The lines list splits and
// pxelinux configs share the rule.
std::optional<Failure> CheckLineBytes(std::string_view line,
                                      std::size_t max_length);

// The line loop of SplitLineList and of the pxelinux config parser: each line
// of `content` (numbered from 1, after a UTF-8 byte-order mark) that passes
// CheckLineBytes goes to `on_line(number, line)`; each that does not is
// added to `errors` as {number, column, message}, and the loop goes on.
template <typename Error, typename OnLine>
void ForEachCheckedLine(std::string_view content, std::size_t max_length,
                        std::vector<Error>& errors, OnLine&& on_line) {
  content = SkipUtf8Bom(content);
  std::size_t number = 0;
  while (!content.empty()) {
    ++number;
    std::string_view line = TakeLine(content);
    if (auto failure = CheckLineBytes(line, max_length)) {
      errors.push_back({number, failure->column, failure->message});
      continue;
    }
    on_line(number, line);
  }
}

// The views in the result point into `content`, which must outlive it.
LineList SplitLineList(std::string_view content,
                       std::size_t max_line_length = kMaxListLineLength);

// The fields of one line, split on blanks, comment removed.
std::vector<ListField> SplitListFields(std::string_view line);

// A line of at most `max_fields` fields ("HOST [MAC]": 2), or the failure:
// "empty line", or "unexpected field 'X' (a line is SHAPE)" at the first
// field too many.
std::optional<Failure> CheckFieldCount(const ListLine& line,
                                       std::size_t max_fields,
                                       std::string_view shape);

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
