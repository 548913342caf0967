#pragma once
// A parser's errors as "LINE:COLUMN: MESSAGE" ("LINE: MESSAGE" for a parser
// that gives no column), in order, so that a test checks every error's place
// and words in one CHECK against a table, and a failure prints both lists.

#include <string>
#include <vector>

namespace pxekit::test {

template <typename Error>
std::vector<std::string> ListErrors(const std::vector<Error>& errors) {
  std::vector<std::string> out;
  for (const Error& e : errors) {
    std::string place = std::to_string(e.line);
    if constexpr (requires { e.column; })
      place += ":" + std::to_string(e.column);
    out.push_back(place + ": " + e.message);
  }
  return out;
}

}  // namespace pxekit::test
