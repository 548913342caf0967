#include <string>

#include <catch2/catch.hpp>

#include "exports/text_diff.h"

namespace pxekit::exports {

TEST_CASE("UnifiedDiff of equal texts is empty", "[exports]") {
  CHECK(UnifiedDiff("a\nb\n", "a\nb\n", "x", "y").empty());
}

TEST_CASE("UnifiedDiff shows a changed line with context", "[exports]") {
  std::string old_text = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string new_text = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  CHECK(UnifiedDiff(old_text, new_text, "f", "f") ==
        "--- f\n+++ f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST_CASE("UnifiedDiff makes separate hunks for distant changes", "[exports]") {
  std::string old_text;
  for (int i = 1; i <= 20; ++i) old_text += std::to_string(i) + "\n";
  std::string new_text = old_text;
  new_text.replace(0, 2, "one\n");  // line 1
  new_text += "21\n";               // appended
  CHECK(UnifiedDiff(old_text, new_text, "a", "b") ==
        "--- a\n+++ b\n"
        "@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n"
        "@@ -18,3 +18,4 @@\n 18\n 19\n 20\n+21\n");
}

TEST_CASE("UnifiedDiff from an empty file and without a final newline",
          "[exports]") {
  CHECK(UnifiedDiff("", "new\n", "/dev/null", "f") ==
        "--- /dev/null\n+++ f\n@@ -0,0 +1 @@\n+new\n");
  CHECK(UnifiedDiff("a", "a\nb\n", "f", "f") ==
        "--- f\n+++ f\n@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n"
        "+b\n");
}

TEST_CASE("UnifiedDiff of a deleted middle line", "[exports]") {
  CHECK(UnifiedDiff("a\nb\nc\n", "a\nc\n", "f", "f") ==
        "--- f\n+++ f\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
}

}  // namespace pxekit::exports
