#pragma once
// Table-driven checks that a parser returning Result<T> refuses each text
// with the given reason and 1-based column; and the row type for a parser of
// whole files, which says where the first error is and part of its words.

#include <cstddef>
#include <span>
#include <string>

#include <catch2/catch.hpp>

namespace pxekit {

struct RejectCase {
  const char* text;
  const char* reason;
  std::size_t column;
};

// A file a parser must refuse: where (1-based line and column) and a part of
// what it says.
struct PlacedReject {
  const char* text;
  int line;
  int column;
  const char* part;
};

// The error a file parser gave for row `c` (anything with line, column and
// message): at the row's place, its message containing the row's part.
template <typename Error>
void CheckPlaced(const PlacedReject& c, const Error& error) {
  CHECK(error.line == c.line);
  CHECK(error.column == c.column);
  CHECK(error.message.find(c.part) != std::string::npos);
}

// parse(text) -> Result<T>, for each case.
template <typename Parse>
void CheckRejects(std::span<const RejectCase> cases, Parse parse) {
  for (const RejectCase& c : cases) {
    INFO(c.text);
    auto result = parse(c.text);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() == c.reason);
    CHECK(result.failure().column == c.column);
  }
}

}  // namespace pxekit
