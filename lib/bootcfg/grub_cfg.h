#pragma once
// GRUB 2 config scripts (grub.cfg*), split into commands as GRUB's lexer
// does for what pxe-mkcfg checks: words with '...' and "..." quoting and
// backslash escapes, '#' comments at the start of a word, ';' and newlines
// between commands, '{' '}' as their own words. Variables are left as
// written ("$prefix/x"). Never fails: unterminated quotes and unbalanced
// braces are recorded as errors with their line.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pxekit {

struct GrubWord {
  std::string text;           // quotes removed
  bool has_variable = false;  // an unquoted or double-quoted '$'
};

struct GrubCommand {
  std::size_t line = 0;  // of the first word
  std::vector<GrubWord> words;
};

struct GrubSyntaxError {
  std::size_t line;
  std::string message;
};

struct GrubConfig {
  std::vector<GrubCommand> commands;
  std::vector<GrubSyntaxError> errors;
};

GrubConfig ParseGrubConfig(std::string_view text);

}  // namespace pxekit
