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
// Differences from tftpd-hpa 5.2, all to bound the work: `s` restarts at
// the first rule (hpa skips it); every rule step, including each round of a
// `g` rule, counts towards a limit of 4096, past which the name is refused
// (hpa loops forever on `rg a a`); and a regular expression whose
// repetitions expand too far, or that repeats a part that can match
// nothing, is a parse error (hpa hands "h" and 30 '+' to regcomp, which
// needs more memory than the machine has, and "((h?)?)+" repeated to one
// that takes minutes).

#include <cstddef>
#include <cstdint>
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

// How much work Apply may do before it refuses a name as a loop. The
// defaults are the server's (tftpd-hpa's DEADMAN_MAX_STEPS is 4096 too);
// the fuzz target lowers them so that a looping rule set costs it little,
// with the same code paths.
struct RemapLimits {
  std::size_t max_steps = 4096;  // rule steps, each round of a `g` rule too
  // A rewrite that grows the name past this is refused as a loop.
  std::size_t max_name_length = 4096;
};

struct RemapOutcome {
  enum class Kind { kName, kRefused, kLooped };
  Kind kind = Kind::kName;
  std::string name;     // kName: the remapped name
  std::string message;  // kRefused: the rule's message, possibly empty
};

// What a POSIX extended regular expression costs glibc's regcomp.
struct RegexCost {
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  // Its size once regcomp has expanded its repetitions: one for each
  // character, bracket expression, '*', '?' and '|', two for each group
  // (8000 nested groups take regcomp 134 MB); x+ counts as x twice
  // and a star, x{m,n} as n copies of x and one more node each (x{m,} as
  // m + 1), so that nested or stacked repetitions multiply.
  std::uint64_t size = 0;
  // The offset of the first repetition operator applied to a part that
  // can already match the empty string ("h?+", "(a*|b)*", "(x?){3}"), or
  // kNone. POSIX leaves stacked operators undefined; regcomp's epsilon
  // closures take exponential time on them.
  std::size_t nullable_repeat = kNone;
  // The offset of the first back-reference ("\1" to "\9"), or kNone.
  // POSIX extended expressions have none; glibc's regexec matches one by
  // backtracking, in time exponential in the subject's length:
  // "^(.*(.*).*\2.)*(.*)$" took 5.6 s on a 16-byte name, 8 times more for
  // each 2 bytes (found by fuzz_tftp_remap), and the subject is the file
  // name a client sends.
  std::size_t back_reference = kNone;
};

// Any text is accepted (regcomp judges the syntax); a size above `cap` is
// returned as cap + 1.
RegexCost MeasureRegex(std::string_view pattern, std::uint64_t cap);

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

  RemapOutcome Apply(std::string_view name, const RemapContext& context,
                     const RemapLimits& limits = RemapLimits{}) const;

  static constexpr std::size_t kMaxSteps = RemapLimits{}.max_steps;
  static constexpr std::size_t kMaxLineLength = 16384;
  static constexpr std::size_t kMaxNameLength = RemapLimits{}.max_name_length;
  // MeasureRegex size limits, for one rule's regular expression and for
  // all of a file's. At 1024, without repetitions of what can match nothing,
  // the worst forms measured here compile in milliseconds; map files that
  // match MAC addresses or paths need tens.
  static constexpr std::uint64_t kMaxRegexSize = 1024;
  static constexpr std::uint64_t kMaxRegexTotal = 4096;

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
