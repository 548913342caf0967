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
