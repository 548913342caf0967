#include "util/line_list.h"

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit {

std::vector<ListField> SplitListFields(std::string_view line) {
  std::vector<ListField> fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && IsAsciiSpace(line[pos])) ++pos;
    if (pos >= line.size() || line[pos] == '#') break;
    std::size_t start = pos;
    while (pos < line.size() && !IsAsciiSpace(line[pos])) ++pos;
    fields.push_back(ListField{start + 1, line.substr(start, pos - start)});
  }
  return fields;
}

std::optional<Failure> CheckLineBytes(std::string_view line,
                                      std::size_t max_length) {
  if (line.size() > max_length)
    return Fail(fmt::format("line is longer than {} characters", max_length),
                max_length + 1);
  if (std::size_t nul = line.find('\0'); nul != std::string_view::npos)
    return Fail("line contains a NUL byte", nul + 1);
  return std::nullopt;
}

LineList SplitLineList(std::string_view content, std::size_t max_line_length) {
  LineList list;
  ForEachCheckedLine(
      content, max_line_length, list.errors,
      [&](std::size_t number, std::string_view line) {
        auto fields = SplitListFields(line);
        if (!fields.empty())
          list.lines.push_back(ListLine{number, std::move(fields)});
      });
  return list;
}

std::optional<Failure> CheckFieldCount(const ListLine& line,
                                       std::size_t max_fields,
                                       std::string_view shape) {
  if (line.fields.empty()) return Fail("empty line", 1);
  if (line.fields.size() <= max_fields) return std::nullopt;
  const ListField& extra = line.fields[max_fields];
  return Fail(fmt::format("unexpected field {} (a line is {})",
                          QuoteForMessage(extra.text), shape),
              extra.column);
}

}  // namespace pxekit
