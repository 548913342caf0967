#pragma once
// Table-driven checks that a parser returning Result<T> refuses each text
// with the given reason and 1-based column.

#include <cstddef>
#include <span>

#include <catch2/catch.hpp>

namespace pxekit {

struct RejectCase {
  const char* text;
  const char* reason;
  std::size_t column;
};

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
