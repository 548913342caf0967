#pragma once
// A unified diff (diff -u) of two texts, line by line, for --dry-run: what
// pxe-exports would change in a file, without writing it. Pure.

#include <string>
#include <string_view>

namespace pxekit::exports {

// "--- OLD\n+++ NEW\n@@ -a,b +c,d @@\n..." with three lines of context;
// empty when the texts are equal. A last line without a newline is
// followed by "\ No newline at end of file", as diff(1) writes it. Myers'
// O((N+M)D) algorithm; past kMaxDiffEdits differences, one hunk replaces
// the changed middle (still a correct patch, only a larger one).
std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_name, std::string_view new_name);

inline constexpr int kMaxDiffEdits = 2000;

}  // namespace pxekit::exports
