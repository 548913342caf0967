#include "tftpd/remap.h"

#include <array>

#include <fmt/format.h>

#include "util/ascii.h"
#include "util/text.h"

namespace pxekit::tftp {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

struct Token {
  std::string text;
  std::size_t column = 0;  // 1-based; 0 when there was no token
};

// tftpd-hpa's readescstring: skip blanks, then take characters up to an
// unescaped blank or '#', keeping backslashes.
Token ReadToken(std::string_view line, std::size_t* pos) {
  std::size_t p = *pos;
  while (p < line.size() && IsSpace(line[p])) ++p;
  Token token;
  if (p >= line.size() || line[p] == '#') {
    *pos = p;
    return token;
  }
  token.column = p + 1;
  bool escaped = false;
  while (p < line.size()) {
    char c = line[p];
    if (!escaped && (IsSpace(c) || c == '#')) break;
    escaped = !escaped && c == '\\';
    token.text.push_back(c);
    ++p;
  }
  *pos = p;
  return token;
}

char ToUpper(char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; }

// Expands REPLACEMENT for one match of `input`.
std::string Substitute(std::string_view pattern, std::string_view input,
                       const std::array<regmatch_t, 10>& match,
                       const RemapContext& context) {
  char (*xform)(char) = [](char c) { return c; };
  std::string out;
  auto append = [&](std::string_view text) {
    for (char c : text) out.push_back(xform(c));
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '\\' || i + 1 == pattern.size()) {
      out.push_back(xform(pattern[i]));
      continue;
    }
    char macro = pattern[++i];
    if (macro >= '0' && macro <= '9') {
      const regmatch_t& group = match[static_cast<std::size_t>(macro - '0')];
      if (group.rm_so >= 0 && group.rm_eo >= group.rm_so)
        append(
            input.substr(static_cast<std::size_t>(group.rm_so),
                         static_cast<std::size_t>(group.rm_eo - group.rm_so)));
    } else if (macro == 'U') {
      xform = ToUpper;
    } else if (macro == 'L') {
      xform = AsciiToLower;
    } else if (macro == 'E') {
      xform = [](char c) { return c; };
    } else if (macro == 'i') {
      append(context.client.ToString());
    } else if (macro == 'x') {
      append(fmt::format("{:08X}", context.client.value()));
    } else {
      out.push_back(xform(macro));
    }
  }
  return out;
}

}  // namespace

void RemapRules::RegexFree::operator()(regex_t* regex) const {
  regfree(regex);
  delete regex;
}

RemapRules RemapRules::Parse(std::string_view text,
                             std::vector<RemapParseError>* errors) {
  RemapRules rules;
  text = SkipUtf8Bom(text);  // an editor's BOM is not an operation on line 1
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    // CR LF line ends (a map file from Windows): the CR is no part of the
    // line, nor of the line shown under an error.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number;
    auto error = [&](std::size_t column, std::string message) {
      errors->push_back(RemapParseError{line_number, column, std::move(message),
                                        std::string(line)});
    };
    if (line.size() > kMaxLineLength) {
      error(kMaxLineLength + 1,
            fmt::format("line longer than {} bytes", kMaxLineLength));
      continue;
    }
    if (line.find('\0') != std::string_view::npos) {
      error(line.find('\0') + 1, "NUL byte in the map file");
      continue;
    }
    std::size_t pos = 0;
    Token ops = ReadToken(line, &pos);
    if (ops.column == 0) continue;  // blank or comment
    Rule rule;
    rule.line = line_number;
    int flags = REG_EXTENDED;
    bool bad = false;
    for (std::size_t i = 0; i < ops.text.size(); ++i) {
      switch (char c = ops.text[i]) {
        case 'r':
          rule.rewrite = true;
          break;
        case 'g':
          rule.global = true;
          break;
        case 'e':
          rule.exit = true;
          break;
        case 's':
          rule.restart = true;
          break;
        case 'a':
          rule.abort = true;
          break;
        case 'i':
          flags |= REG_ICASE;
          break;
        case '~':
          rule.invert = true;
          break;
        case 'G':
        case 'P':
          rule.mode = c;
          break;
        case '4':
        case '6':
          rule.family = c;
          break;
        default:
          error(ops.column + i,
                fmt::format("unknown operation '{}' in '{}' (expected some of "
                            "r g i e s a G P 4 6 ~)",
                            c, ops.text));
          bad = true;
      }
      if (bad) break;
    }
    if (bad) continue;
    if (!rule.rewrite) rule.global = false;  // g only means something with r
    if (rule.rewrite && rule.invert) {
      error(ops.column, fmt::format("'{}': r and ~ cannot be combined (an "
                                    "inverted rule has no match to replace)",
                                    ops.text));
      continue;
    }
    Token regex = ReadToken(line, &pos);
    if (regex.column == 0) {
      error(pos + 1, fmt::format("'{}' needs a regular expression", ops.text));
      continue;
    }
    rule.regex.reset(new regex_t);
    int rc = regcomp(rule.regex.get(), regex.text.c_str(), flags);
    if (rc != 0) {
      char message[256];
      regerror(rc, rule.regex.get(), message, sizeof message);
      // regcomp failed: nothing to free but the struct itself.
      delete rule.regex.release();
      error(regex.column, fmt::format("bad regular expression '{}': {}",
                                      regex.text, message));
      continue;
    }
    Token replacement = ReadToken(line, &pos);
    rule.replacement = replacement.text;
    Token extra = ReadToken(line, &pos);
    if (extra.column != 0) {
      error(extra.column,
            fmt::format("unexpected '{}' after the replacement (escape "
                        "spaces as '\\ ')",
                        extra.text));
      continue;
    }
    rules.rules_.push_back(std::move(rule));
  }
  return rules;
}

RemapOutcome RemapRules::Apply(std::string_view name,
                               const RemapContext& context) const {
  RemapOutcome outcome;
  if (name.find('\0') != std::string_view::npos) {
    outcome.kind = RemapOutcome::Kind::kRefused;
    outcome.message = "NUL in file name";
    return outcome;
  }
  std::string current(name);
  std::string spare;  // the next name is built here
  std::size_t steps = 0;
  auto looped = [&] {
    outcome.kind = RemapOutcome::Kind::kLooped;
    outcome.name = current;
    return outcome;
  };
  for (std::size_t index = 0; index < rules_.size(); ++index) {
    const Rule& rule = rules_[index];
    if (rule.mode == 'G' && context.write) continue;
    if (rule.mode == 'P' && !context.write) continue;
    if (rule.family == '6') continue;  // every client is IPv4 here
    bool matched = false;
    do {
      if (++steps > kMaxSteps) return looped();
      std::array<regmatch_t, 10> match;
      int rc = regexec(rule.regex.get(), current.c_str(), match.size(),
                       match.data(), 0);
      bool hit = rule.invert ? rc == REG_NOMATCH : rc == 0;
      if (!hit) break;
      matched = true;
      if (rule.invert)
        for (auto& group : match) group.rm_so = group.rm_eo = -1;
      if (rule.abort) {
        outcome.kind = RemapOutcome::Kind::kRefused;
        outcome.message = Substitute(rule.replacement, current, match, context);
        return outcome;
      }
      if (!rule.rewrite) break;
      std::size_t so = static_cast<std::size_t>(match[0].rm_so);
      std::size_t eo = static_cast<std::size_t>(match[0].rm_eo);
      // Into the spare buffer, then swapped: a looping rule set runs up to
      // kMaxSteps rewrites of a name up to kMaxNameLength long, and a new
      // string built from three temporaries at each step (an allocation and
      // a copy of the name each) cost more than the regexec calls.
      spare.assign(current, 0, so);
      spare += Substitute(rule.replacement, current, match, context);
      spare.append(current, eo);
      current.swap(spare);
      if (current.size() > kMaxNameLength) return looped();
    } while (rule.global);
    if (!matched) continue;
    if (rule.exit) break;
    if (rule.restart) index = static_cast<std::size_t>(-1);  // ++ makes it 0
  }
  outcome.name = std::move(current);
  return outcome;
}

}  // namespace pxekit::tftp
