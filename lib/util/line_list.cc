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

LineList SplitLineList(std::string_view content, std::size_t max_line_length) {
  LineList list;
  // A BOM is not part of line 1; columns count from after it.
  content = SkipUtf8Bom(content);
  std::size_t number = 0;
  while (!content.empty()) {
    ++number;
    std::string_view line = TakeLine(content);

    if (line.size() > max_line_length) {
      list.errors.push_back(
          {number, max_line_length + 1,
           fmt::format("line is longer than {} characters", max_line_length)});
      continue;
    }
    if (std::size_t nul = line.find('\0'); nul != std::string_view::npos) {
      list.errors.push_back({number, nul + 1, "line contains a NUL byte"});
      continue;
    }
    auto fields = SplitListFields(line);
    if (!fields.empty())
      list.lines.push_back(ListLine{number, std::move(fields)});
  }
  return list;
}

}  // namespace pxekit
