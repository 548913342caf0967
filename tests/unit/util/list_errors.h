#pragma once
// A parser's errors as "LINE:COLUMN: MESSAGE" ("LINE: MESSAGE" for a parser
// that gives no column), in order, so that a test checks every error's place
// and words in one CHECK against a table, and a failure prints both lists;
// RequireParsed for a parse that must give no errors.

#include <cstddef>
#include <source_location>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

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

// The parse gave no errors and `count` items (lines, hosts, targets); a
// failure names the calling line and prints the errors the parse gave.
template <typename Error, typename Item>
void RequireParsed(
    const std::vector<Error>& errors, const std::vector<Item>& items,
    std::size_t count,
    std::source_location where = std::source_location::current()) {
  std::string listed;
  for (const std::string& error : ListErrors(errors)) listed += error + "\n";
  INFO("RequireParsed at " << where.file_name() << ":" << where.line()
                           << "; errors:\n"
                           << listed);
  CHECK(errors.empty());
  REQUIRE(items.size() == count);
}

}  // namespace pxekit::test
