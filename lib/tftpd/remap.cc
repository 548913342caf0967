#include "tftpd/remap.h"

#include <algorithm>
#include <array>
#include <cstdint>

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

// a * b, or cap + 1 when that is more than cap.
std::uint64_t CappedProduct(std::uint64_t a, std::uint64_t b,
                            std::uint64_t cap) {
  if (a == 0 || b == 0) return 0;
  if (a > (cap + 1) / b) return cap + 1;
  return std::min(a * b, cap + 1);
}

// Reads an interval "{m}", "{m,}", "{m,n}" or "{,n}" at pattern[*pos] ==
// '{': the number of copies glibc makes of the repeated element (n, m + 1
// for an open interval, at least 1), *low = m, and *pos past the '}'. 0
// when the text is no interval (glibc then fails or takes '{' literally).
std::uint64_t IntervalCopies(std::string_view pattern, std::size_t* pos,
                             std::uint64_t* low) {
  std::size_t i = *pos + 1;
  auto number = [&](std::uint64_t* value) {
    std::size_t first = i;
    *value = 0;
    while (i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9') {
      *value =
          std::min<std::uint64_t>(*value * 10 + (pattern[i] - '0'), 1u << 20);
      ++i;
    }
    return i > first;
  };
  std::uint64_t high = 0;
  bool has_low = number(low);
  bool comma = i < pattern.size() && pattern[i] == ',';
  bool has_high = false;
  if (comma) {
    ++i;
    has_high = number(&high);
  }
  if ((!has_low && !(comma && has_high)) || i >= pattern.size() ||
      pattern[i] != '}')
    return 0;
  *pos = i + 1;
  std::uint64_t copies = has_high ? high : comma ? *low + 1 : *low;
  return std::max<std::uint64_t>(copies, 1);
}

// Skips a bracket expression at pattern[*pos] == '[' ("[^]a-z[:alpha:]]").
void SkipBracket(std::string_view pattern, std::size_t* pos) {
  std::size_t i = *pos + 1;
  if (i < pattern.size() && pattern[i] == '^') ++i;
  if (i < pattern.size() && pattern[i] == ']') ++i;  // a literal ']' first
  while (i < pattern.size() && pattern[i] != ']') {
    char c = pattern[i];
    if (c == '[' && i + 1 < pattern.size() &&
        (pattern[i + 1] == ':' || pattern[i + 1] == '.' ||
         pattern[i + 1] == '=')) {
      const char terminator[] = {pattern[i + 1], ']', '\0'};
      std::size_t end = pattern.find(terminator, i + 2);
      i = end == std::string_view::npos ? pattern.size() : end + 2;
      continue;
    }
    ++i;
  }
  *pos = std::min(i + 1, pattern.size());
}

}  // namespace

RegexCost MeasureRegex(std::string_view pattern, std::uint64_t cap) {
  // One frame per open group: the size of the alternatives so far and of
  // the sequence being read, its last element (which a repetition applies
  // to), and which of them can match the empty string.
  struct Frame {
    std::uint64_t alternatives = 0, sequence = 0, last = 0;
    bool has_last = false, last_nullable = false;
    bool sequence_nullable = true, alternatives_nullable = false;
    bool Nullable() const {
      return sequence_nullable && (!has_last || last_nullable);
    }
  };
  RegexCost cost;
  std::vector<Frame> frames(1);
  auto add = [&](std::uint64_t a, std::uint64_t b) {
    return std::min(a + b, cap + 1);
  };
  auto element = [&](std::uint64_t size, bool nullable) {
    Frame& f = frames.back();
    f.sequence = add(f.sequence, f.last);
    f.sequence_nullable = f.Nullable();
    f.last = size;
    f.has_last = true;
    f.last_nullable = nullable;
  };
  auto finish = [&]() {
    const Frame& f = frames.back();
    return add(f.alternatives, add(f.sequence, f.last));
  };
  // Ends the innermost group: its parts, and the two nodes that open and
  // close it, become the last element of the enclosing one.
  auto close_group = [&]() {
    std::uint64_t group = add(finish(), 2);
    bool nullable =
        frames.back().alternatives_nullable || frames.back().Nullable();
    frames.pop_back();
    element(group, nullable);
  };
  // A repetition of the last element; false when there is none (then the
  // operator is taken as a character, and regcomp judges it).
  auto repeat = [&](std::size_t at, std::uint64_t size, bool nullable) {
    Frame& f = frames.back();
    if (!f.has_last) return false;
    if (f.last_nullable && cost.nullable_repeat == RegexCost::kNone)
      cost.nullable_repeat = at;
    f.last = size;
    f.last_nullable = nullable;
    return true;
  };
  std::size_t i = 0;
  while (i < pattern.size()) {
    std::size_t at = i;
    char c = pattern[i];
    const Frame& f = frames.back();
    if (c == '(') {
      frames.emplace_back();
      ++i;
    } else if (c == ')' && frames.size() > 1) {
      close_group();
      ++i;
    } else if (c == '|') {
      Frame& g = frames.back();
      g.alternatives = add(g.alternatives, add(g.sequence, add(g.last, 1)));
      g.alternatives_nullable = g.alternatives_nullable || g.Nullable();
      g.sequence = g.last = 0;
      g.has_last = false;
      g.sequence_nullable = true;
      ++i;
    } else if (c == '*' || c == '?') {
      // The element and the node that may skip or repeat it.
      if (!repeat(at, add(f.last, 1), true)) element(1, false);
      ++i;
    } else if (c == '+') {
      // glibc turns x+ into x x*: the element twice, and a star.
      if (!repeat(at, add(CappedProduct(f.last, 2, cap), 1), f.last_nullable))
        element(1, false);
      ++i;
    } else if (c == '{') {
      std::uint64_t low = 0;
      std::uint64_t copies = IntervalCopies(pattern, &i, &low);
      // x{m,n}: n copies, each with a node that makes it optional or joins
      // it to the next.
      if (copies == 0 || !repeat(at, CappedProduct(add(f.last, 1), copies, cap),
                                 low == 0 || f.last_nullable)) {
        if (copies == 0) ++i;
        element(1, false);
      }
    } else if (c == '[') {
      SkipBracket(pattern, &i);
      element(1, false);
    } else if (c == '\\') {
      // \< \> \b \B \` \' are anchors and a back-reference may match
      // nothing: both count as able to.
      char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
      bool back_reference = next >= '1' && next <= '9';
      bool nullable = back_reference ||
                      (next != '\0' && std::string_view("<>bB`'").find(next) !=
                                           std::string_view::npos);
      if (back_reference && cost.back_reference == RegexCost::kNone)
        cost.back_reference = at;
      i += 2;
      element(1, nullable);
    } else {
      element(1, c == '^' || c == '$');
      ++i;
    }
  }
  // Groups never closed (regcomp refuses them) count as if closed here.
  while (frames.size() > 1) close_group();
  cost.size = finish();
  return cost;
}

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
  std::uint64_t total_size = 0;  // MeasureRegex sizes of the rules so far
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
    // glibc's regcomp copies a repeated element once per repetition, and a
    // repetition of a repetition again ("h" and 20 '+' take 700 MB); and
    // a repetition of what can match nothing ("((h?)?)+" and the like)
    // makes its epsilon closures take exponential time. Its regexec
    // backtracks on a back-reference, in exponential time too.
    RegexCost cost = MeasureRegex(regex.text, kMaxRegexSize);
    if (cost.back_reference != RegexCost::kNone) {
      error(regex.column + cost.back_reference,
            fmt::format("regular expression '{}': '{}' is a back-reference, "
                        "which extended expressions do not have; matching "
                        "one takes time exponential in the file name's "
                        "length",
                        regex.text, regex.text.substr(cost.back_reference, 2)));
      continue;
    }
    if (cost.nullable_repeat != RegexCost::kNone) {
      error(regex.column + cost.nullable_repeat,
            fmt::format("regular expression '{}': '{}' repeats a part that "
                        "can already match nothing; say it with one "
                        "repetition (as x* for (x?)+)",
                        regex.text, regex.text[cost.nullable_repeat]));
      continue;
    }
    if (cost.size > kMaxRegexSize) {
      error(regex.column,
            fmt::format("regular expression '{}' is too large: its "
                        "repetitions expand to more than {} nodes",
                        regex.text, kMaxRegexSize));
      continue;
    }
    if (cost.size > kMaxRegexTotal - total_size) {
      error(regex.column,
            fmt::format("regular expression '{}' makes the map file too "
                        "large: its rules' repetitions expand to more than "
                        "{} nodes in all",
                        regex.text, kMaxRegexTotal));
      continue;
    }
    total_size += cost.size;
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
                               const RemapContext& context,
                               const RemapLimits& limits) const {
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
      if (++steps > limits.max_steps) return looped();
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
      // max_steps rewrites of a name up to max_name_length long, and a new
      // string built from three temporaries at each step (an allocation and
      // a copy of the name each) cost more than the regexec calls.
      spare.assign(current, 0, so);
      spare += Substitute(rule.replacement, current, match, context);
      spare.append(current, eo);
      current.swap(spare);
      if (current.size() > limits.max_name_length) return looped();
    } while (rule.global);
    if (!matched) continue;
    if (rule.exit) break;
    if (rule.restart) index = static_cast<std::size_t>(-1);  // ++ makes it 0
  }
  outcome.name = std::move(current);
  return outcome;
}

}  // namespace pxekit::tftp
