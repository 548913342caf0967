#include "exports/text_diff.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include <fmt/format.h>

namespace pxekit::exports {
namespace {

// Lines with their '\n', so that a last line without one differs from the
// same line with one.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::size_t n = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(0, n));
    text.remove_prefix(n);
  }
  return lines;
}

struct Op {
  char kind;  // ' ', '-', '+'
  std::string_view line;
};

// Myers' greedy LCS over a[lo..), b[lo..) trimmed of common ends; falls back
// to delete-all/insert-all past kMaxDiffEdits.
std::vector<Op> Middle(const std::vector<std::string_view>& a,
                       const std::vector<std::string_view>& b) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  std::vector<Op> ops;
  const int max = std::min(n + m, kMaxDiffEdits);
  const int offset = max + 1;
  std::vector<int> v(2 * max + 3, 0);
  std::vector<std::vector<int>> trace;
  int found = -1;
  for (int d = 0; d <= max && found < 0; ++d) {
    trace.push_back(v);
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                  ? v[offset + k + 1]
                  : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) ++x, ++y;
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) {
    for (auto line : a) ops.push_back({'-', line});
    for (auto line : b) ops.push_back({'+', line});
    return ops;
  }
  int x = n, y = m;
  for (int d = found; d > 0; --d) {
    const std::vector<int>& pv = trace[d];
    int k = x - y;
    int prev_k =
        (k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1]))
            ? k + 1
            : k - 1;
    int prev_x = pv[offset + prev_k];
    int prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) ops.push_back({' ', a[--x]}), --y;
    if (x == prev_x)
      ops.push_back({'+', b[--y]});
    else
      ops.push_back({'-', a[--x]});
  }
  while (x > 0 && y > 0) ops.push_back({' ', a[--x]}), --y;
  std::reverse(ops.begin(), ops.end());
  return ops;
}

void AppendLine(std::string& out, char kind, std::string_view line) {
  out += kind;
  out += line;
  if (line.empty() || line.back() != '\n')
    out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_name, std::string_view new_name) {
  if (old_text == new_text) return {};
  std::vector<std::string_view> a = Lines(old_text);
  std::vector<std::string_view> b = Lines(new_text);
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
    ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;
  std::vector<Op> ops;
  for (std::size_t i = 0; i < prefix; ++i) ops.push_back({' ', a[i]});
  std::vector<Op> middle = Middle({a.begin() + prefix, a.end() - suffix},
                                  {b.begin() + prefix, b.end() - suffix});
  ops.insert(ops.end(), middle.begin(), middle.end());
  for (std::size_t i = a.size() - suffix; i < a.size(); ++i)
    ops.push_back({' ', a[i]});

  constexpr std::size_t kContext = 3;
  std::string out = fmt::format("--- {}\n+++ {}\n", old_name, new_name);
  std::size_t i = 0;
  // Line numbers (1-based) of ops[i] in a and b.
  std::size_t a_line = 1, b_line = 1;
  while (i < ops.size()) {
    if (ops[i].kind == ' ') {
      ++i, ++a_line, ++b_line;
      continue;
    }
    // A hunk: back up the context, then extend while changes are within
    // 2 * context of each other.
    std::size_t start = i - std::min(i, kContext);
    // Only context lines precede i, so the counters step back evenly.
    std::size_t back = i - start;
    std::size_t a_start = a_line - back, b_start = b_line - back;
    std::size_t end = i;
    while (end < ops.size()) {
      if (ops[end].kind != ' ') {
        ++end;
        continue;
      }
      std::size_t run = end;
      while (run < ops.size() && ops[run].kind == ' ') ++run;
      if (run == ops.size() || run - end > 2 * kContext) {
        end = std::min(run, end + kContext);
        break;
      }
      end = run;
    }
    std::size_t a_count = 0, b_count = 0;
    std::string body;
    for (std::size_t j = start; j < end; ++j) {
      if (ops[j].kind != '+') ++a_count;
      if (ops[j].kind != '-') ++b_count;
      AppendLine(body, ops[j].kind, ops[j].line);
    }
    auto range = [](std::size_t first, std::size_t count) {
      if (count == 1) return fmt::format("{}", first);
      return fmt::format("{},{}", count == 0 ? first - 1 : first, count);
    };
    out += fmt::format("@@ -{} +{} @@\n", range(a_start, a_count),
                       range(b_start, b_count));
    out += body;
    a_line = a_start + a_count;
    b_line = b_start + b_count;
    i = end;
  }
  return out;
}

}  // namespace pxekit::exports
