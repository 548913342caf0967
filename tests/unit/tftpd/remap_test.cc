#include "tftpd/remap.h"

#include <catch2/catch.hpp>

using namespace pxekit;
using namespace pxekit::tftp;

namespace {

RemapRules Rules(std::string_view text) {
  std::vector<RemapParseError> errors;
  RemapRules rules = RemapRules::Parse(text, &errors);
  INFO((errors.empty() ? "" : errors[0].message));
  REQUIRE(errors.empty());
  return rules;
}

std::vector<RemapParseError> Errors(std::string_view text) {
  std::vector<RemapParseError> errors;
  (void)RemapRules::Parse(text, &errors);
  return errors;
}

const RemapContext kRead{false, Ipv4Addr::FromOctets(192, 0, 2, 169)};
const RemapContext kWrite{true, Ipv4Addr::FromOctets(192, 0, 2, 169)};

std::string Map(const RemapRules& rules, std::string_view name,
                const RemapContext& context = kRead) {
  RemapOutcome outcome = rules.Apply(name, context);
  REQUIRE(outcome.kind == RemapOutcome::Kind::kName);
  return outcome.name;
}

}  // namespace

TEST_CASE(
    "Debian's sample map file: drive letters and backslashes and .. and .pvt") {
  auto rules = Rules(
      "# sample\n"
      "ri ^[a-z]:            # strip drive letter\n"
      "rg \\\\ /               # backslash to slash\n"
      "rg /../ /..no../\n"
      "a  \\.pvt$\n");
  CHECK(rules.size() == 4);
  CHECK(Map(rules, "C:\\Boot\\BCD") == "/Boot/BCD");
  CHECK(Map(rules, "a/../../b") == "a/..no../..no../b");
  CHECK(rules.Apply("secret.pvt", kRead).kind == RemapOutcome::Kind::kRefused);
}

TEST_CASE("r replaces the first match - g repeats until none is left") {
  CHECK(Map(Rules("r a b"), "aaa") == "baa");
  CHECK(Map(Rules("rg a b"), "aaa") == "bbb");
}

TEST_CASE("Groups backslash-0 to 9 and case changes backslash-U L E") {
  CHECK(Map(Rules("r ^(.*)\\.(.*)$ \\2.\\1"), "kernel.img") == "img.kernel");
  CHECK(Map(Rules("r ^.*$ [\\0]"), "x") == "[x]");
  CHECK(Map(Rules("r ^(.*)$ \\U\\1\\E!"), "abc") == "ABC!");
  CHECK(Map(Rules("r ^(.*)$ \\L\\1"), "PXELINUX.0") == "pxelinux.0");
}

TEST_CASE(
    "Backslash-i and backslash-x give the client address dotted and in hex") {
  CHECK(Map(Rules("r ^ \\i/"), "boot") == "192.0.2.169/boot");
  CHECK(Map(Rules("r ^pxelinux.cfg/default$ pxelinux.cfg/\\x"),
            "pxelinux.cfg/default") == "pxelinux.cfg/C00002A9");
}

TEST_CASE("An escaped space and # belong to the token") {
  CHECK(Map(Rules("r a\\ b c\\#d"), "xa by") == "xc#dy");
}

TEST_CASE("i makes the match case-insensitive") {
  CHECK(Map(Rules("ri ^BOOT/ boot/"), "Boot/x") == "boot/x");
  CHECK(Map(Rules("r ^BOOT/ boot/"), "Boot/x") == "Boot/x");
}

TEST_CASE("e stops after a matching rule - rules run top-down otherwise") {
  auto rules = Rules("re ^a b\nr b c\n");
  CHECK(Map(rules, "a") == "b");
  CHECK(Map(rules, "b") == "c");
}

TEST_CASE("s restarts from the first rule") {
  auto rules = Rules("r ^x y\nrs ^z x\n");
  CHECK(Map(rules, "z") == "y");
}

TEST_CASE("G applies to reads only and P to writes only") {
  auto rules = Rules("rG ^ get/\nrP ^ put/\n");
  CHECK(Map(rules, "f", kRead) == "get/f");
  CHECK(Map(rules, "f", kWrite) == "put/f");
}

TEST_CASE("Tilde inverts the match - with a it refuses everything else") {
  auto rules = Rules("a~ ^boot/ only\\ boot/\\ is\\ served");
  CHECK(Map(rules, "boot/x") == "boot/x");
  RemapOutcome outcome = rules.Apply("etc/x", kRead);
  CHECK(outcome.kind == RemapOutcome::Kind::kRefused);
  CHECK(outcome.message == "only boot/ is served");
}

TEST_CASE("6 rules never apply to IPv4 clients - 4 rules do") {
  CHECK(Map(Rules("r6 ^ v6/\nr4 ^ v4/"), "f") == "v4/f");
}

TEST_CASE("Rules that never finish are cut off and refused") {
  CHECK(Rules("rg a a").Apply("a", kRead).kind == RemapOutcome::Kind::kLooped);
  CHECK(Rules("rs ^ x").Apply("a", kRead).kind == RemapOutcome::Kind::kLooped);
}

TEST_CASE("The limits on steps and name length are the caller's") {
  RemapRules grow = Rules("rs ^ x");
  // Each step prepends one x: the 11th step is one too many.
  RemapOutcome steps = grow.Apply("a", kRead, RemapLimits{10, 4096});
  CHECK(steps.kind == RemapOutcome::Kind::kLooped);
  CHECK(steps.name == std::string(10, 'x') + "a");
  // The 5th rewrite makes the name 6 bytes, one past the limit.
  RemapOutcome length = grow.Apply("a", kRead, RemapLimits{4096, 5});
  CHECK(length.kind == RemapOutcome::Kind::kLooped);
  CHECK(length.name == "xxxxxa");
  // A finite rule set within the limits is not affected by them.
  CHECK(Rules("rg a b").Apply("aaa", kRead, RemapLimits{4, 3}).name == "bbb");
  CHECK(Rules("rg a b").Apply("aaa", kRead, RemapLimits{3, 3}).kind ==
        RemapOutcome::Kind::kLooped);
  // The defaults are the server's.
  CHECK(RemapLimits{}.max_steps == RemapRules::kMaxSteps);
  CHECK(RemapLimits{}.max_name_length == RemapRules::kMaxNameLength);
}

TEST_CASE("A regular expression's size counts its expanded repetitions") {
  constexpr std::uint64_t kCap = 1u << 24;
  struct Case {
    std::string pattern;
    std::uint64_t size;
  };
  const Case cases[] = {
      {"", 0},
      {"^[a-z]:", 3},
      {"\\.pvt$", 5},
      {"a*b?c", 5},
      {"a**", 3},
      {"a+", 3},
      {"(ab|cde)+", 17},
      {"a{3}b{2,5}c{4,}d{,7}", 2 * (3 + 5 + 5 + 7)},
      {"(a{100}){100}", 100 * 203},
      {"(a*){512}", 512 * 5},
      // Groups open and close: two nodes each.
      {"(((a)))", 7},
      {"()", 2},
      // Stacked repetitions multiply: "h" and 20 '+' is 2^21 - 1.
      {"h" + std::string(20, '+'), (1u << 21) - 1},
      // Past the cap, cap + 1, however far past.
      {"h" + std::string(200, '+'), kCap + 1},
      {"((a{30000}){30000}){30000}", kCap + 1},
      // Brackets are one element, whatever they hold ('+' and ']' too).
      {"[]+{9}[:alpha:]]x", 2},
      {"[^][.-.][=a=]]", 1},
      // An escaped or a non-interval '{' is one element, not a repetition.
      {"a\\{9}", 4},
      {"a{x}", 4},
      // Bad syntax (regcomp's to refuse) still gets a size, and never a
      // crash; an operator with nothing before it counts as a character.
      {"*a", 2},
      {"(+|{2})", 5},
      {"((a", 5},
      {"a)", 2},
      {"[abc", 1},
      {"a\\", 2},
  };
  for (const Case& c : cases) {
    INFO(c.pattern);
    CHECK(MeasureRegex(c.pattern, kCap).size == c.size);
  }
}

TEST_CASE("A repetition of what can match nothing is found") {
  constexpr std::uint64_t kCap = 1u << 24;
  auto at = [&](std::string_view pattern) {
    return MeasureRegex(pattern, kCap).nullable_repeat;
  };
  constexpr std::size_t kNone = RegexCost::kNone;
  // Repetitions of what always matches something are fine.
  for (std::string_view fine :
       {"^[a-z]:", "a*b?c+", "(ab)*", "(a|b)+", "(a+)+", "([0-9a-f]{2}-){5}",
        "(a*b)*", "(a|b*c)?", "(a{0,3}b){2}", "\\.pvt$", "\\w+", "a{2}{3}",
        "[*?]+", "*a", "(*)", "a\\*+"})
    CHECK(at(fine) == kNone);
  // Stacked operators (undefined in POSIX) and their grouped forms.
  CHECK(at("a**") == 2);
  CHECK(at("h?+") == 2);
  CHECK(at("a{0,2}*") == 6);
  CHECK(at("(a*)+") == 4);
  CHECK(at("(a?){3}") == 4);
  CHECK(at("x((a?)?)+") == 6);  // (a?)? is already one
  // Groups that may match nothing: an empty alternative, all-optional
  // parts, anchors, back-references.
  CHECK(at("(a|)*") == 4);
  CHECK(at("(a|b*)*") == 6);
  CHECK(at("(a?b*){2}") == 6);
  CHECK(at("()+") == 2);
  CHECK(at("(^)*") == 3);
  CHECK(at("($|a)?") == 5);
  CHECK(at("(a)\\1*") == 5);
  CHECK(at("\\<+") == 2);
  // The first one is reported.
  CHECK(at("ab(c?)*d(e*)*") == 6);
}

TEST_CASE("Rules whose regular expressions expand too far are refused") {
  // Found by fuzz_tftp_remap: regcomp needed over 2 GB for this line.
  auto stacked = Errors("r\r h" + std::string(38, '+') + "ash\r5)$ b\n");
  REQUIRE(stacked.size() == 1);
  CHECK(stacked[0].line == 1);
  CHECK(stacked[0].column == 4);
  CHECK(stacked[0].message.find("is too large: its repetitions expand to "
                                "more than 1024 nodes") != std::string::npos);
  // Deeply nested groups: 8000 take regcomp 134 MB.
  CHECK(Errors("r " + std::string(8000, '(') + "a" + std::string(8000, ')'))
            .size() == 1);
  // At the limit it is taken.
  CHECK(Errors("r a{512}").empty());
  CHECK(Errors("r a{512}b").size() == 1);
  // A repetition of what can match nothing, at the operator's column:
  // regcomp takes minutes on "((h?)?)+" repeated 150 times.
  auto nullable = Errors("r x((h?)?)+");
  REQUIRE(nullable.size() == 1);
  CHECK(nullable[0].column == 9);
  CHECK(nullable[0].message ==
        "regular expression 'x((h?)?)+': '?' repeats a part that can already "
        "match nothing; say it with one repetition (as x* for (x?)+)");
  // The whole file has a limit too, reported at the rule that passes it.
  std::string four_rules;
  for (int i = 0; i < 4; ++i) four_rules += "r a{512}\n";
  CHECK(Errors(four_rules).empty());
  auto total = Errors(four_rules + "r ab\n");
  REQUIRE(total.size() == 1);
  CHECK(total[0].line == 5);
  CHECK(total[0].message.find("more than 4096 nodes in all") !=
        std::string::npos);
}

TEST_CASE("Back-references in a regular expression are refused") {
  // Found by fuzz_tftp_remap: glibc's regexec backtracks on them, and this
  // rule took 5.6 s on a 16-byte name, 8 times more for each 2 bytes; the
  // name is the one a client asks for.
  auto hang = Errors("r ^(.*(.*).*\\2.)*(.*)$ \\U\\1\\E.\\1\n");
  REQUIRE(hang.size() == 1);
  CHECK(hang[0].line == 1);
  CHECK(hang[0].column == 13);
  CHECK(hang[0].message ==
        "regular expression '^(.*(.*).*\\2.)*(.*)$': '\\2' is a "
        "back-reference, which extended expressions do not have; matching "
        "one takes time exponential in the file name's length");
  CHECK(Errors("r (a)\\1 x").size() == 1);
  CHECK(Errors("a ^(.)\\9").size() == 1);
  // Groups in the replacement, an escaped digit inside brackets and other
  // escapes stay fine.
  CHECK(Errors("r ^(.*)\\.(.*)$ \\2.\\1").empty());
  CHECK(Errors("r [\\1]x y").empty());
  CHECK(Errors("r \\.0$ x").empty());
  auto at = [](std::string_view pattern) {
    return MeasureRegex(pattern, 1024).back_reference;
  };
  CHECK(at("(a)\\1*") == 3);
  CHECK(at("a\\.b") == RegexCost::kNone);
  CHECK(at("\\\\1") == RegexCost::kNone);  // an escaped backslash, then 1
}

TEST_CASE("Parse errors name line and column") {
  auto bad_op = Errors("r a b\n  rx foo bar\n");
  REQUIRE(bad_op.size() == 1);
  CHECK(bad_op[0].line == 2);
  CHECK(bad_op[0].column == 4);
  CHECK(bad_op[0].message.find("unknown operation 'x'") == 0);
  CHECK(bad_op[0].line_text == "  rx foo bar");

  auto bad_regex = Errors("r (unclosed x\n");
  REQUIRE(bad_regex.size() == 1);
  CHECK(bad_regex[0].column == 3);
  CHECK(bad_regex[0].message.find("bad regular expression '(unclosed'") == 0);

  auto no_regex = Errors("\n\nrg   # nothing\n");
  REQUIRE(no_regex.size() == 1);
  CHECK(no_regex[0].line == 3);
  CHECK(no_regex[0].column == 6);
  CHECK(no_regex[0].message == "'rg' needs a regular expression");

  auto inverted = Errors("r~ a b");
  REQUIRE(inverted.size() == 1);
  CHECK(inverted[0].column == 1);

  auto extra = Errors("r a b c");
  REQUIRE(extra.size() == 1);
  CHECK(extra[0].column == 7);
}

TEST_CASE("Every bad line is reported - not only the first") {
  CHECK(Errors("x a\nr (\nq b\n").size() == 3);
}

TEST_CASE("Comments and blank lines and CRLF are fine") {
  auto rules = Rules("# c\r\n\r\n   \t\nr a b # c\r\n");
  CHECK(rules.size() == 1);
  CHECK(Map(rules, "a") == "b");
}

TEST_CASE("A UTF-8 BOM at the start of the map file is skipped") {
  auto rules = Rules("\xEF\xBB\xBFr a b\n");
  CHECK(rules.size() == 1);
  CHECK(Map(rules, "a") == "b");
  // Columns count from after the BOM, as an editor shows them.
  auto errors = Errors("\xEF\xBB\xBFrx a b\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 1);
  CHECK(errors[0].column == 2);
  CHECK(errors[0].line_text == "rx a b");
  // Only at the very start: a BOM later on is an unknown operation.
  CHECK(Errors("r a b\n\xEF\xBB\xBFr c d\n").size() == 1);
}

TEST_CASE("A CRLF line in error is shown without its CR") {
  auto errors = Errors("r a b\r\nrx c d\r\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 2);
  CHECK(errors[0].line_text == "rx c d");
}
