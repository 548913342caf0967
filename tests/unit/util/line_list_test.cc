#include "util/line_list.h"

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "unit/util/list_errors.h"

namespace pxekit {

TEST_CASE("Line lists skip comments and blank lines and keep line numbers",
          "[list]") {
  const std::string content =
      "# lab 3, row A\n"
      "aa:bb:cc:dd:ee:01\n"
      "\n"
      "   \t \n"
      "  aa-bb-cc-dd-ee-02   10.0.0.255 9   # pc2\n"
      "   # indented comment\n"
      "tok#en\n"
      "last-line-without-newline";
  LineList list = SplitLineList(content);
  test::RequireParsed(list.errors, list.lines, 4);
  CHECK(list.lines[0].number == 2);
  REQUIRE(list.lines[0].fields.size() == 1);
  CHECK(list.lines[0].fields[0].text == "aa:bb:cc:dd:ee:01");
  CHECK(list.lines[0].fields[0].column == 1);

  CHECK(list.lines[1].number == 5);
  REQUIRE(list.lines[1].fields.size() == 3);
  CHECK(list.lines[1].fields[0].column == 3);
  CHECK(list.lines[1].fields[1].text == "10.0.0.255");
  CHECK(list.lines[1].fields[1].column == 23);
  CHECK(list.lines[1].fields[2].text == "9");

  // '#' inside a token is part of it.
  CHECK(list.lines[2].number == 7);
  CHECK(list.lines[2].fields[0].text == "tok#en");
  CHECK(list.lines[3].number == 8);
  CHECK(list.lines[3].fields[0].text == "last-line-without-newline");
}

TEST_CASE("Line lists drop CR before LF", "[list]") {
  LineList list = SplitLineList("a b\r\nc\r\n");
  REQUIRE(list.lines.size() == 2);
  CHECK(list.lines[0].fields[1].text == "b");
  CHECK(list.lines[1].fields[0].text == "c");
}

TEST_CASE("Bad lines are reported by number and do not stop the others",
          "[list]") {
  std::string content = "first\n";
  content += std::string("bad\0line\n", 9);
  content += std::string(50, 'x') + "\n";
  content += "fourth\n";
  LineList list = SplitLineList(content, 40);
  CHECK(test::ListErrors(list.errors) ==
        std::vector<std::string>{"2:4: line contains a NUL byte",
                                 "3:41: line is longer than 40 characters"});
  REQUIRE(list.lines.size() == 2);
  CHECK(list.lines[0].number == 1);
  CHECK(list.lines[1].number == 4);
}

TEST_CASE("An empty list has no lines and no errors", "[list]") {
  CHECK(SplitLineList("").lines.empty());
  CHECK(SplitLineList("\n\n# only comments\n").lines.empty());
  CHECK(SplitLineList("\n\n# only comments\n").errors.empty());
}

}  // namespace pxekit

namespace pxekit {

TEST_CASE("A UTF-8 BOM at the start is skipped and columns count after it",
          "[list]") {
  LineList list = SplitLineList(
      "\xEF\xBB\xBF"
      "aa:bb:cc:dd:ee:01  10.0.0.255\n"
      "\xEF\xBB\xBF"
      "x\n");
  test::RequireParsed(list.errors, list.lines, 2);
  CHECK(list.lines[0].number == 1);
  REQUIRE(list.lines[0].fields.size() == 2);
  CHECK(list.lines[0].fields[0].text == "aa:bb:cc:dd:ee:01");
  CHECK(list.lines[0].fields[0].column == 1);
  CHECK(list.lines[0].fields[1].column == 20);
  // Only at the start of the content: elsewhere it is data.
  CHECK(list.lines[1].fields[0].text ==
        "\xEF\xBB\xBF"
        "x");

  // A BOM before a comment line, and a list that is only a BOM.
  CHECK(SplitLineList("\xEF\xBB\xBF# lab\n").lines.empty());
  CHECK(SplitLineList("\xEF\xBB\xBF").lines.empty());
  CHECK(SplitLineList("\xEF\xBB\xBF").errors.empty());
}

TEST_CASE("ForEachCheckedLine hands on each good line and collects the bad",
          "[list]") {
  using namespace std::string_literals;
  struct Seen {
    std::size_t number;
    std::string line;
  };
  std::vector<Seen> seen;
  std::vector<ListError> errors;
  // A BOM, CRLF, a NUL, a line over the limit, an empty line, no final LF.
  const std::string content =
      "\xEF\xBB\xBFone\r\ntwo\0x\nthis-is-long\n\nlast"s;
  ForEachCheckedLine(content, 5, errors,
                     [&](std::size_t number, std::string_view line) {
                       seen.push_back({number, std::string(line)});
                     });
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].number == 1);
  CHECK(seen[0].line == "one");
  CHECK(seen[1].number == 4);
  CHECK(seen[1].line.empty());
  CHECK(seen[2].number == 5);
  CHECK(seen[2].line == "last");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].column == 4);
  CHECK(errors[0].message == "line contains a NUL byte");
  CHECK(errors[1].line == 3);
  CHECK(errors[1].column == 6);
  CHECK(errors[1].message == "line is longer than 5 characters");

  seen.clear();
  errors.clear();
  ForEachCheckedLine(std::string_view(), 5, errors,
                     [&](std::size_t number, std::string_view line) {
                       seen.push_back({number, std::string(line)});
                     });
  CHECK(seen.empty());
  CHECK(errors.empty());
}

}  // namespace pxekit
