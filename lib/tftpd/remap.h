#pragma once
// File name remapping with tftpd-hpa's map file (-m), pure: text in, rules
// out; a name, the client and the request type in, a new name or a refusal
// out.
//
// A line is `OPS REGEX [REPLACEMENT]`; '#' starts a comment; tokens end at
// unescaped white space, and keep their backslashes (so "\ " in a regex is
// a space). REGEX is a POSIX extended regular expression. OPS:
//   r  replace the match with REPLACEMENT     g  with r: repeat until no match
//   i  case-insensitive                       e  stop after this rule if it
//   matched s  restart from the first rule if it matched a  refuse the request
//   (REPLACEMENT, if any, is the error message) G  only for RRQs    P  only for
//   WRQs     4/6  only IPv4/IPv6 clients ~  the rule matches when REGEX does
//   not (not with r)
// REPLACEMENT escapes: \0-\9 (whole match, groups), \i (client IP dotted),
// \x (client IP as 8 hex digits), \U \L \E (upper, lower, no case change),
// any other \c is c.
//
// Differences from tftpd-hpa 5.2, both to bound the work: `s` restarts at
// the first rule (hpa skips it), and every rule step, including each round
// of a `g` rule, counts towards a limit of 4096; past it the name is
// refused (hpa loops forever on `rg a a`).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <regex.h>

#include "util/ipv4.h"

namespace pxekit::tftp {

struct RemapParseError {
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based
  std::string message;
  std::string line_text;  // the offending line, for a caret display
};

struct RemapContext {
  bool write = false;  // WRQ; else RRQ
  Ipv4Addr client;
};

struct RemapOutcome {
  enum class Kind { kName, kRefused, kLooped };
  Kind kind = Kind::kName;
  std::string name;     // kName: the remapped name
  std::string message;  // kRefused: the rule's message, possibly empty
};

class RemapRules {
 public:
  RemapRules() = default;
  RemapRules(RemapRules&&) = default;
  RemapRules& operator=(RemapRules&&) = default;

  // Parses a whole map file. All errors are collected (the file is
  // rejected when there is any).
  static RemapRules Parse(std::string_view text,
                          std::vector<RemapParseError>* errors);

  std::size_t size() const { return rules_.size(); }
  bool empty() const { return rules_.empty(); }

  RemapOutcome Apply(std::string_view name, const RemapContext& context) const;

  static constexpr std::size_t kMaxSteps = 4096;
  static constexpr std::size_t kMaxLineLength = 16384;
  // A rewrite that grows the name past this is refused as a loop.
  static constexpr std::size_t kMaxNameLength = 4096;

 private:
  struct RegexFree {
    void operator()(regex_t* regex) const;
  };
  struct Rule {
    std::unique_ptr<regex_t, RegexFree> regex;
    std::string replacement;
    std::size_t line = 0;
    bool rewrite = false, global = false, exit = false, restart = false;
    bool abort = false, invert = false;
    char mode = 0;    // 'G', 'P' or 0
    char family = 0;  // '4', '6' or 0
  };

  std::vector<Rule> rules_;
};

}  // namespace pxekit::tftp
