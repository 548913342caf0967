#include "bootcfg/grub_cfg.h"

#include <fmt/format.h>

#include "util/text.h"

namespace pxekit {

GrubConfig ParseGrubConfig(std::string_view text) {
  text = SkipUtf8Bom(text);
  GrubConfig config;
  GrubCommand command;
  GrubWord word;
  bool in_word = false;
  std::size_t line = 1;
  std::vector<std::size_t> open_braces;  // lines of unclosed '{'

  auto end_word = [&] {
    if (!in_word) return;
    if (command.words.empty()) command.line = line;
    command.words.push_back(std::move(word));
    word = GrubWord{};
    in_word = false;
  };
  auto end_command = [&] {
    end_word();
    if (!command.words.empty()) config.commands.push_back(std::move(command));
    command = GrubCommand{};
  };
  auto start_word = [&] {
    if (!in_word && command.words.empty()) command.line = line;
    in_word = true;
  };

  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      end_command();
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_word();
      ++i;
    } else if (c == ';') {
      end_command();
      ++i;
    } else if (c == '#' && !in_word) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if ((c == '{' || c == '}') && !in_word) {
      // A brace is a word of its own only when it stands alone.
      bool alone = i + 1 >= text.size() || text[i + 1] == ' ' ||
                   text[i + 1] == '\t' || text[i + 1] == '\n' ||
                   text[i + 1] == '\r' || text[i + 1] == ';';
      if (!alone) {
        start_word();
        word.text.push_back(c);
        ++i;
        continue;
      }
      if (c == '{') {
        open_braces.push_back(line);
        start_word();
        word.text = "{";
        end_command();
      } else {
        end_command();
        if (open_braces.empty())
          config.errors.push_back({line, "'}' without a matching '{'"});
        else
          open_braces.pop_back();
        start_word();
        word.text = "}";
        end_command();
      }
      ++i;
    } else if (c == '\\') {
      start_word();
      if (i + 1 < text.size()) {
        if (text[i + 1] == '\n') {
          ++line;  // a line continuation
        } else {
          word.text.push_back(text[i + 1]);
        }
        i += 2;
      } else {
        ++i;
      }
    } else if (c == '\'' || c == '"') {
      start_word();
      std::size_t start_line = line;
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != c) {
        if (c == '"' && text[j] == '\\' && j + 1 < text.size()) {
          word.text.push_back(text[j + 1]);
          if (text[j + 1] == '\n') ++line;
          j += 2;
          continue;
        }
        if (c == '"' && text[j] == '$') word.has_variable = true;
        if (text[j] == '\n') ++line;
        word.text.push_back(text[j]);
        ++j;
      }
      if (j >= text.size()) {
        config.errors.push_back(
            {start_line, fmt::format("{} quote is never closed",
                                     c == '\'' ? "single" : "double")});
        i = text.size();
      } else {
        i = j + 1;
      }
    } else {
      start_word();
      if (c == '$') word.has_variable = true;
      word.text.push_back(c);
      ++i;
    }
  }
  end_command();
  for (std::size_t open : open_braces)
    config.errors.push_back({open, "'{' is never closed"});
  return config;
}

}  // namespace pxekit
